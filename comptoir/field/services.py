"""Every write of the technician app: timers, reports (idempotent), needs detected on site."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.accounts.services import require_writer
from comptoir.activities.models import Kind, Process, Stage, State
from comptoir.activities.services import interaction_create, interaction_update, note_add
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.field import defaults
from comptoir.field.formats import parse_decimal
from comptoir.field.images import check_image
from comptoir.field.models import (
    CatalogueItem,
    ChecklistItem,
    DetectedNeed,
    FieldSettings,
    InterventionReport,
    MaterialLine,
    PhotoKind,
    ReportPhoto,
    ReportStatus,
    Urgency,
)
from comptoir.field.selectors import checklist_for, sales_owner
from comptoir.messaging.models import Channel
from comptoir.messaging.services import appointment_context, message_send, workspace_language
from comptoir.scheduling.models import ServiceType, Visit
from comptoir.scheduling.selectors import contact_for
from comptoir.tickets.selectors import ticket_for_request
from comptoir.tickets.services import VisitEvent, ticket_visit_event

# --- seeding ---------------------------------------------------------------------------------


def field_seed(*, workspace: Any) -> None:
    """The small catalogue and the checklists of the default service types (idempotent)."""
    known = set(
        CatalogueItem.objects.filter(workspace=workspace).values_list("reference", flat=True)
    )
    CatalogueItem.objects.bulk_create(
        CatalogueItem(
            workspace=workspace,
            reference=ref,
            label=label,
            unit=unit,
            unit_price_ht=price,
            vat_rate=vat,
        )
        for ref, label, unit, price, vat in defaults.CATALOGUE
        if ref not in known
    )
    for service in ServiceType.objects.filter(workspace=workspace, code__in=defaults.CHECKLISTS):
        if ChecklistItem.objects.filter(service_type=service).exists():
            continue
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                workspace=workspace,
                service_type=service,
                label=label,
                is_required=required,
                position=position,
            )
            for position, (label, required) in enumerate(defaults.CHECKLISTS[service.code], 1)
        )


@transaction.atomic
def field_settings_update(*, by: Any, sales_owner: Any) -> FieldSettings:
    """Choose who receives the needs detected on site (administrators and managers)."""
    if not getattr(by, "is_manager", False) or not by.is_active:
        raise PermissionDenied(_("Seuls les administrateurs et les responsables règlent cela."))
    if sales_owner is not None and (
        sales_owner.workspace_id != by.workspace_id or not sales_owner.is_active
    ):
        raise ValidationError({"sales_owner": _("Choisissez un utilisateur actif de l'espace.")})
    settings, created = FieldSettings.objects.get_or_create(workspace_id=by.workspace_id)
    before = snapshot(settings)
    settings.sales_owner = sales_owner
    settings.full_clean(exclude=["workspace"])
    settings.save()
    audit_record(
        actor=by,
        instance=settings,
        action=Action.CREATE if created else Action.UPDATE,
        before=None if created else before,
    )
    return settings


# --- access ----------------------------------------------------------------------------------


def _require_field_writer(visit: Visit, by: Any) -> None:
    """The visit's technician, or an office role, may write its report."""
    require_writer(by)
    if visit.workspace_id != by.workspace_id:
        raise PermissionDenied
    if visit.technician.user_id != by.pk and not getattr(by, "can_view_colleagues", False):
        raise PermissionDenied(_("Cette intervention est confiée à un collègue."))


def _lock_visit(visit: Visit) -> Visit:
    """Serialise writes on one visit (PostgreSQL row lock; SQLite writes are serial anyway)."""
    return (
        Visit.objects.select_for_update()
        .select_related("technician__user", "service_type", "interaction", "workspace")
        .get(pk=visit.pk)
    )


def _report_for(visit: Visit, by: Any) -> InterventionReport:
    report = InterventionReport.objects.filter(visit=visit).first()
    if report is None:
        report = InterventionReport.objects.create(
            workspace_id=visit.workspace_id, visit=visit, technician=visit.technician.user
        )
        audit_record(actor=by, instance=report, action=Action.CREATE)
    return report


# --- start / stop ----------------------------------------------------------------------------


@transaction.atomic
def visit_timer(
    *, visit: Visit, by: Any, action: str, at: dt.datetime | None = None
) -> InterventionReport:
    """ "Démarrer" / "Arrêter": record the arrival and departure (a replay changes nothing)."""
    _require_field_writer(visit, by)
    if action not in {"start", "stop"}:
        raise ValidationError({"action": _("Action inconnue.")})
    visit = _lock_visit(visit)
    report = _report_for(visit, by)
    if report.is_completed:
        raise ValidationError(_("Le rapport est déjà terminé."))
    moment = at or timezone.now()
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("L'heure indiquée est dans le futur.")})
    before = snapshot(report)
    if action == "start":
        if report.started_at is None:
            report.started_at = moment
    else:
        if report.started_at is None:
            raise ValidationError(_("Démarrez l'intervention avant de l'arrêter."))
        if moment < report.started_at:
            raise ValidationError({"at": _("Le départ doit suivre l'arrivée.")})
        if report.ended_at is None:
            report.ended_at = moment
    report.save()
    audit_record(actor=by, instance=report, action=Action.UPDATE, before=before)
    if action == "start" and visit.interaction.state == State.OPEN:
        interaction_update(interaction=visit.interaction, by=by, state=State.IN_PROGRESS)
    return report


# --- the report ------------------------------------------------------------------------------


@dataclass
class Material:
    """One line typed on the phone: a catalogue item or free text, with a quantity."""

    label: str
    quantity: Decimal
    item: CatalogueItem | None = None
    unit: str = ""
    unit_price_ht: Decimal | None = None


@dataclass
class Submission:
    """What "Terminer" sends: everything the technician typed, photos and signature."""

    uuid: uuid.UUID
    work_done: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    duration_minutes: int | None = None
    checked: Sequence[int] = ()
    materials: Sequence[Material] = ()
    photos: Sequence[tuple[str, Any]] = ()
    signature: Any = None
    signer_name: str = ""


def parse_materials(raw: Iterable[Mapping[str, Any]], *, workspace_id: int) -> list[Material]:
    """Lines sent by the phone → Material, French errors for unknown items or bad quantities."""
    items = {
        i.pk: i for i in CatalogueItem.objects.filter(workspace_id=workspace_id, is_active=True)
    }
    lines: list[Material] = []
    errors: list[str] = []
    for number, row in enumerate(raw, start=1):
        label = " ".join(str(row.get("label") or "").split())[:200]
        item = None
        if row.get("item"):
            try:
                item = items[int(row["item"])]
            except (KeyError, TypeError, ValueError):
                errors.append(_("Ligne {n} : article introuvable.").format(n=number))
                continue
            label = label or item.label
        if not label:
            if parse_decimal(row.get("quantity")) is None:
                continue  # an empty row left on the form
            errors.append(_("Ligne {n} : indiquez la désignation.").format(n=number))
            continue
        quantity = parse_decimal(row.get("quantity"))
        if quantity is None or quantity <= 0 or quantity >= Decimal("100000"):
            errors.append(
                _("Ligne {n} : quantité invalide pour « {label} ».").format(n=number, label=label)
            )
            continue
        price = parse_decimal(row.get("unit_price")) if item is None else None
        if price is not None and (price < 0 or price >= Decimal("10000000")):
            errors.append(_("Ligne {n} : prix invalide.").format(n=number))
            continue
        lines.append(
            Material(
                label=label,
                quantity=quantity.quantize(Decimal("0.01")),
                item=item,
                unit=str(row.get("unit") or (item.unit if item else ""))[:20],
                unit_price_ht=price,
            )
        )
    if errors:
        raise ValidationError({"materials": errors})
    return lines


def _duration(sub: Submission) -> int | None:
    if sub.duration_minutes:
        return sub.duration_minutes
    if sub.started_at and sub.ended_at and sub.ended_at > sub.started_at:
        return max(1, round((sub.ended_at - sub.started_at).total_seconds() / 60))
    return None


def report_missing(visit: Visit, sub: Submission, report: InterventionReport | None) -> list[str]:
    """What still prevents "Terminer", in the words the technician sees ("photo Après"…)."""
    missing: list[str] = []
    if not sub.work_done.strip():
        missing.append(_("travaux réalisés"))
    started = sub.started_at or (report.started_at if report else None)
    ended = sub.ended_at or (report.ended_at if report else None)
    if not sub.duration_minutes and not (started and ended):
        missing.append(_("durée"))
    for item in checklist_for(visit):
        if item.is_required and item.pk not in sub.checked:
            missing.append(_("contrôle « {label} »").format(label=item.label))
    if not any(kind == PhotoKind.AFTER for kind, _file in sub.photos):
        missing.append(_("photo Après"))
    if sub.signature is None:
        missing.append(_("signature"))
    if not sub.signer_name.strip():
        missing.append(_("nom du signataire"))
    return missing


@dataclass
class ReportResult:
    report: InterventionReport
    replayed: bool


def report_complete(*, visit: Visit, by: Any, submission: Submission) -> ReportResult:
    """ "Terminer": store the report, make the PDF, e-mail it, close the appointment.

    Idempotent on ``submission.uuid``: the same submission sent again (a phone that lost the
    answer and retries) returns the report already made, and nothing is e-mailed twice.
    """
    try:
        return _report_complete(visit=visit, by=by, sub=submission)
    except IntegrityError:
        # Two copies of one submission raced: the first one won, answer with its result.
        report = InterventionReport.objects.filter(
            workspace_id=visit.workspace_id, submission_uuid=submission.uuid
        ).first()
        if report is None:
            raise
        return ReportResult(report=report, replayed=True)


@transaction.atomic
def _report_complete(*, visit: Visit, by: Any, sub: Submission) -> ReportResult:
    _require_field_writer(visit, by)
    visit = _lock_visit(visit)
    done = InterventionReport.objects.filter(
        workspace_id=visit.workspace_id, submission_uuid=sub.uuid
    ).first()
    if done is not None:
        if done.visit_id != visit.pk:
            raise ValidationError(_("Cet envoi concerne une autre intervention."))
        return ReportResult(report=done, replayed=True)
    report = InterventionReport.objects.filter(visit=visit).first()
    if report is not None and report.is_completed:
        raise ValidationError(_("Le rapport de cette intervention est déjà terminé."))
    photo_errors = []
    for kind, upload in sub.photos:
        if kind not in PhotoKind.values:
            photo_errors.append(_("Moment de photo inconnu."))
            continue
        try:
            check_image(upload, label=_("photo"))
        except ValidationError as exc:
            photo_errors.extend(exc.messages)
    if photo_errors:
        raise ValidationError({"photos": photo_errors})
    if sub.signature is not None:
        try:
            check_image(sub.signature, label=_("signature"))
        except ValidationError as exc:
            raise ValidationError({"signature": exc.messages}) from None
    missing = report_missing(visit, sub, report)
    if missing:
        raise ValidationError(
            {"__all__": _("Il manque : {items}.").format(items=", ".join(missing))},
            code="missing",
        )
    if sub.started_at and sub.ended_at and sub.ended_at < sub.started_at:
        raise ValidationError({"ended_at": _("Le départ doit suivre l'arrivée.")})

    report = report or _report_for(visit, by)
    before = snapshot(report)
    now = timezone.now()
    report.started_at = sub.started_at or report.started_at
    report.ended_at = sub.ended_at or report.ended_at or (now if report.started_at else None)
    report.duration_minutes = _duration(
        Submission(
            uuid=sub.uuid,
            duration_minutes=sub.duration_minutes,
            started_at=report.started_at,
            ended_at=report.ended_at,
        )
    )
    report.work_done = sub.work_done.strip()
    report.checklist = [
        {"label": item.label, "done": item.pk in sub.checked, "required": item.is_required}
        for item in checklist_for(visit)
    ]
    report.signer_name = " ".join(sub.signer_name.split())[:200]
    report.signed_at = now
    report.signature.save(f"signature-{visit.reference}.png", sub.signature, save=False)
    report.status = ReportStatus.COMPLETED
    report.completed_at = now
    report.submission_uuid = sub.uuid
    report.full_clean(exclude=["workspace", "visit", "technician", "pdf", "signature"])
    report.save()

    report.lines.all().delete()
    MaterialLine.objects.bulk_create(
        MaterialLine(
            workspace_id=visit.workspace_id,
            report=report,
            item=m.item,
            label=m.label,
            unit=m.unit,
            quantity=m.quantity,
            unit_price_ht=m.item.unit_price_ht if m.item else (m.unit_price_ht or Decimal(0)),
            vat_rate=m.item.vat_rate if m.item else Decimal("20.00"),
            position=position,
        )
        for position, m in enumerate(sub.materials, start=1)
    )
    for number, (kind, upload) in enumerate(sub.photos, start=1):
        photo = ReportPhoto(workspace_id=visit.workspace_id, report=report, kind=kind)
        photo.image.save(f"{visit.reference}-{kind}-{number}.jpg", upload, save=False)
        photo.save()

    from comptoir.field.pdf import report_pdf

    pdf = report_pdf(report)
    report.pdf.save(f"rapport-{visit.reference}.pdf", ContentFile(pdf), save=False)
    report.save(update_fields=["pdf"])
    audit_record(actor=by, instance=report, action=Action.UPDATE, before=before)

    interaction_update(
        interaction=visit.interaction, by=by, state=State.DONE, outcome=report.work_done
    )
    _report_send(report, visit, pdf)
    _report_link(report, visit, by)
    _report_on_ticket(report, visit, pdf, by)
    return ReportResult(report=report, replayed=False)


def report_recipient(visit: Visit) -> str:
    """The address given with the booking, else the customer's (site, person, company)."""
    if visit.contact_email:
        return visit.contact_email
    interaction = visit.interaction
    return contact_for(
        person=interaction.person, company=interaction.company, site=interaction.site
    )["contact_email"]


def customer_name(visit: Visit) -> str:
    customer = visit.interaction.person or visit.interaction.company
    if customer is not None:
        return str(customer)
    return visit.contact_name or _("Madame, Monsieur")


def site_address(visit: Visit) -> str:
    site = visit.interaction.site
    if site is not None and site.address_line:
        return site.address_line
    customer = visit.interaction.person or visit.interaction.company
    return str(getattr(customer, "address_line", "") or "")


def _report_send(report: InterventionReport, visit: Visit, pdf: bytes) -> None:
    """The report to the customer, in the workspace's language (the technician's phone may
    replay it later)."""
    with translation.override(workspace_language(visit.workspace)):
        _report_send_in_language(report, visit, pdf)


def _report_send_in_language(report: InterventionReport, visit: Visit, pdf: bytes) -> None:
    person = visit.interaction.person
    context = appointment_context(
        workspace=visit.workspace,
        client_name=visit.contact_name or customer_name(visit),
        client_first_name=person.first_name if person is not None else "",
        starts_at=visit.starts_at,
        ends_at=visit.interaction.ends_at,
        address=site_address(visit),
        service=visit.service_type.name,
        technician=visit.technician.user.first_name or visit.technician.name,
        reference=visit.reference,
    )
    message_send(
        workspace=visit.workspace,
        channel=Channel.EMAIL,
        to=report_recipient(visit),
        template_code="intervention_report",
        context=context,
        interaction=visit.interaction,
        attachments=[
            (_("rapport-{reference}.pdf").format(reference=visit.reference), pdf, "application/pdf")
        ],
        dedupe_key=f"intervention_report:{report.pk}",
    )


def _report_link(report: InterventionReport, visit: Visit, by: Any) -> None:
    """The report on the appointment and on the request it answers (a ticket's interaction)."""
    url = reverse("field:report_pdf", args=[report.pk])
    body = _("Rapport d'intervention {reference} signé par {signer} : {url}").format(
        reference=visit.reference, signer=report.signer_name, url=url
    )
    note_add(interaction=visit.interaction, body=body, by=by)
    if visit.request_id and visit.request_id != visit.interaction_id:
        note_add(interaction=visit.request, body=body, by=by)  # type: ignore[arg-type]


def _report_on_ticket(report: InterventionReport, visit: Visit, pdf: bytes, by: Any) -> None:
    """The ticket the visit answers keeps the signed report (PDF attached, internal note)."""
    ticket = ticket_for_request(visit.workspace_id, visit.request_id)
    if ticket is None:
        return
    summary = _(
        "Intervention {reference} terminée par {name} ; rapport signé par {signer} (PDF joint)."
    ).format(
        reference=visit.reference,
        name=visit.technician.user.first_name or visit.technician.name,
        signer=report.signer_name,
    )
    ticket_visit_event(
        ticket=ticket,
        event=VisitEvent.REPORTED,
        summary=summary,
        by=by,
        report=(f"rapport-{visit.reference}.pdf", pdf),
    )


# --- needs detected on site ------------------------------------------------------------------

NEED_DELAYS = {Urgency.HIGH: 1, Urgency.NORMAL: 3, Urgency.LOW: 7}


def _subject(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass
class NeedResult:
    need: DetectedNeed
    replayed: bool


def need_capture(
    *,
    visit: Visit,
    by: Any,
    submission_uuid: uuid.UUID,
    description: str,
    urgency: str = Urgency.NORMAL,
    photo: Any = None,
) -> NeedResult:
    """ "Besoin détecté": a sales opportunity (Vente, stage 01) for the customer and the site.

    Idempotent on ``submission_uuid`` like the report.
    """
    try:
        return _need_capture(
            visit=visit,
            by=by,
            submission_uuid=submission_uuid,
            description=description,
            urgency=urgency,
            photo=photo,
        )
    except IntegrityError:
        need = DetectedNeed.objects.filter(
            workspace_id=visit.workspace_id, submission_uuid=submission_uuid
        ).first()
        if need is None:
            raise
        return NeedResult(need=need, replayed=True)


@transaction.atomic
def _need_capture(
    *,
    visit: Visit,
    by: Any,
    submission_uuid: uuid.UUID,
    description: str,
    urgency: str,
    photo: Any,
) -> NeedResult:
    _require_field_writer(visit, by)
    existing = DetectedNeed.objects.filter(
        workspace_id=visit.workspace_id, submission_uuid=submission_uuid
    ).first()
    if existing is not None:
        return NeedResult(need=existing, replayed=True)
    errors: dict[str, Any] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Décrivez le besoin détecté.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Urgence inconnue.")
    if photo is not None:
        try:
            check_image(photo, label=_("photo"))
        except ValidationError as exc:
            errors["photo"] = exc.messages
    process = Process.objects.filter(workspace_id=visit.workspace_id, code="vente").first()
    stage = (
        Stage.objects.filter(process=process, outcome="").order_by("position").first()
        if process
        else None
    )
    if process is None or stage is None:
        errors["__all__"] = _("Le processus Vente n'existe pas dans cet espace.")
    owner = sales_owner(visit.workspace_id)
    if owner is None:
        errors["__all__"] = _("Aucun responsable commercial : réglez-le dans les demandes.")
    if errors:
        raise ValidationError(errors)
    interaction = visit.interaction
    now = timezone.now()
    opportunity = interaction_create(
        by=by,
        process=process,
        stage=stage,
        kind=Kind.TASK,
        state=State.OPEN,
        subject=_("Besoin détecté : {text}").format(text=_subject(description, 60)),
        owner=owner,
        person=interaction.person,
        company=interaction.company,
        site=interaction.site,
        starts_at=now,
        deadline=now + dt.timedelta(days=NEED_DELAYS[Urgency(urgency)]),
    )
    need = DetectedNeed(
        workspace_id=visit.workspace_id,
        visit=visit,
        opportunity=opportunity,
        description=description,
        urgency=urgency,
        created_by=by,
        submission_uuid=submission_uuid,
    )
    if photo is not None:
        need.photo.save(f"besoin-{visit.reference}.jpg", photo, save=False)
    need.save()
    audit_record(actor=by, instance=need, action=Action.CREATE)
    urgency_label = Urgency(urgency).label
    note_add(
        interaction=opportunity,
        body=_("Signalé par {who} lors de l'intervention {reference} ({urgency}) :\n{text}").format(
            who=by.full_name or by.email,
            reference=visit.reference,
            urgency=str(urgency_label).lower(),
            text=description,
        ),
        by=by,
    )
    return NeedResult(need=need, replayed=False)
