"""Every write on tickets: opened, answered, moved through their statuses, timed against the SLA."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.services import require_writer
from comptoir.activities.models import Interaction, Kind, Process
from comptoir.activities.models import State as InteractionState
from comptoir.activities.selectors import processes_for
from comptoir.activities.services import interaction_create, interaction_update, note_add
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.lib.holidays import french_holidays
from comptoir.live.services import publish as live_publish
from comptoir.messaging.models import Channel as MessageChannel
from comptoir.messaging.rendering import company_context
from comptoir.messaging.services import message_send, templates_ensure
from comptoir.tickets import defaults, sla
from comptoir.tickets.models import (
    FINISHED_STATUSES,
    TRANSITIONS,
    BusinessHours,
    MessageKind,
    Priority,
    SlaPolicy,
    Status,
    Ticket,
    TicketAttachment,
    TicketCategory,
    TicketChannel,
    TicketCounter,
    TicketMessage,
)
from comptoir.tickets.selectors import Recipient, reply_recipients
from comptoir.tickets.signals import ticket_opened, ticket_reply_headers, ticket_status_changed

__all__ = [
    "business_hours_update",
    "sla_policies_update",
    "ticket_attach",
    "ticket_attachment_store",
    "ticket_category_save",
    "ticket_message_receive",
    "ticket_note",
    "ticket_number_next",
    "ticket_open",
    "ticket_reply",
    "ticket_set_status",
    "ticket_update",
    "ticket_visit_event",
    "tickets_seed",
    "tickets_warn_due",
]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}
EXTENSIONS = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
# Interaction state that mirrors each ticket status on the customer's timeline.
INTERACTION_STATES = {
    Status.NEW: InteractionState.OPEN,
    Status.IN_PROGRESS: InteractionState.IN_PROGRESS,
    Status.WAITING: InteractionState.IN_PROGRESS,
    Status.SCHEDULED: InteractionState.IN_PROGRESS,
    Status.RESOLVED: InteractionState.DONE,
    Status.CLOSED: InteractionState.DONE,
}
# Warn this long before a due time, or at 20 % of the target when that is shorter.
WARNING_WINDOW = dt.timedelta(minutes=30)
WARNING_SHARE = 0.2


# --- seeding and settings --------------------------------------------------------------------


def tickets_seed(*, workspace: Any) -> None:
    """French default categories, SLA targets and opening hours (idempotent)."""
    for position, name in enumerate(defaults.CATEGORIES, start=1):
        TicketCategory.objects.get_or_create(
            workspace=workspace, name=name, defaults={"position": position}
        )
    for priority, (first, resolution) in defaults.SLA_TARGETS.items():
        SlaPolicy.objects.get_or_create(
            workspace=workspace,
            priority=priority,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )
    for weekday, (is_open, opens, closes) in defaults.BUSINESS_HOURS.items():
        BusinessHours.objects.get_or_create(
            workspace=workspace,
            weekday=weekday,
            defaults={"is_open": is_open, "opens": opens, "closes": closes},
        )


def require_manager(by: Any) -> None:
    if not getattr(by, "is_active", False) or not getattr(by, "is_manager", False):
        raise PermissionDenied(
            _("Seuls les administrateurs et les responsables modifient ces réglages.")
        )


@transaction.atomic
def sla_policies_update(*, by: Any, targets: Mapping[int, tuple[int, int]]) -> int:
    """Set first-response and resolution targets (open minutes) per priority; how many changed.

    Open tickets keep the due times they were given; new and re-prioritised ones use the new
    targets.
    """
    require_manager(by)
    errors: dict[str, str] = {}
    for priority, (first, resolution) in targets.items():
        label = Priority(priority).label
        if first <= 0 or resolution <= 0:
            errors[f"p{priority}"] = _("{label} : les délais doivent être positifs.").format(
                label=label
            )
        elif resolution < first:
            errors[f"p{priority}"] = _(
                "{label} : la résolution ne peut pas être attendue avant la première réponse."
            ).format(label=label)
    if errors:
        raise ValidationError(errors)
    changed = 0
    for priority, (first, resolution) in targets.items():
        policy, _created = SlaPolicy.objects.get_or_create(
            workspace_id=by.workspace_id,
            priority=priority,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )
        if (policy.first_response_minutes, policy.resolution_minutes) == (first, resolution):
            continue
        before = snapshot(policy)
        policy.first_response_minutes, policy.resolution_minutes = first, resolution
        policy.save()
        audit_record(actor=by, instance=policy, action=Action.UPDATE, before=before)
        changed += 1
    return changed


@transaction.atomic
def business_hours_update(
    *, by: Any, days: Mapping[int, tuple[bool, dt.time | None, dt.time | None]]
) -> int:
    """Set opening hours per weekday (0 = lundi); how many days changed."""
    require_manager(by)
    errors: dict[str, str] = {}
    for weekday, (is_open, opens, closes) in days.items():
        if is_open and (opens is None or closes is None or closes <= opens):
            errors[f"day{weekday}"] = _("La fermeture doit suivre l'ouverture.")
    if not errors and not any(is_open for is_open, _o, _c in days.values()):
        errors["__all__"] = _("Ouvrez au moins un jour : sans horaires, aucun délai ne court.")
    if errors:
        raise ValidationError(errors)
    changed = 0
    for weekday, (is_open, opens, closes) in days.items():
        row, _created = BusinessHours.objects.get_or_create(
            workspace_id=by.workspace_id, weekday=weekday
        )
        new = (is_open, opens or row.opens, closes or row.closes)
        if (row.is_open, row.opens, row.closes) == new:
            continue
        before = snapshot(row)
        row.is_open, row.opens, row.closes = new
        row.save()
        audit_record(actor=by, instance=row, action=Action.UPDATE, before=before)
        changed += 1
    return changed


@transaction.atomic
def ticket_category_save(
    *,
    by: Any,
    name: str,
    category: TicketCategory | None = None,
    is_active: bool = True,
    position: int | None = None,
) -> TicketCategory:
    """Add or rename a category; a category in use is switched off, never deleted."""
    require_manager(by)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Indiquez le libellé de la catégorie.")})
    duplicate = TicketCategory.objects.filter(workspace_id=by.workspace_id, name__iexact=name)
    if category is not None:
        if category.workspace_id != by.workspace_id:
            raise ValidationError({"name": _("Élément introuvable.")})
        duplicate = duplicate.exclude(pk=category.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("Cette catégorie existe déjà.")})
    if category is None:
        last = (
            TicketCategory.objects.filter(workspace_id=by.workspace_id)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        category = TicketCategory(workspace_id=by.workspace_id, position=(last or 0) + 1)
        action = Action.CREATE
        before = None
    else:
        action = Action.UPDATE
        before = snapshot(category)
    category.name = name
    category.is_active = is_active
    if position is not None:
        category.position = position
    category.full_clean(exclude=["workspace"])
    category.save()
    audit_record(actor=by, instance=category, action=action, before=before)
    return category


# --- the SLA clock ---------------------------------------------------------------------------


def workspace_clock(workspace_id: int) -> tuple[sla.WeekHours, ZoneInfo]:
    """The workspace's opening hours and time zone."""
    from comptoir.accounts.models import Workspace

    zone_name = Workspace.objects.filter(pk=workspace_id).values_list("timezone", flat=True).first()
    hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in BusinessHours.objects.filter(workspace_id=workspace_id, is_open=True):
        hours.setdefault(row.weekday, []).append((row.opens, row.closes))
    if not BusinessHours.objects.filter(workspace_id=workspace_id).exists():
        hours = dict(sla.DEFAULT_HOURS)
    return hours, ZoneInfo(zone_name or "Europe/Paris")


def _targets(workspace_id: int, priority: int) -> tuple[int, int]:
    policy = SlaPolicy.objects.filter(workspace_id=workspace_id, priority=priority).first()
    if policy is not None:
        return policy.first_response_minutes, policy.resolution_minutes
    return defaults.SLA_TARGETS[priority]


def _compute_due(ticket: Ticket) -> None:
    """Due times = opening + targets + the open minutes spent waiting for the customer."""
    hours, zone = workspace_clock(ticket.workspace_id)
    first, resolution = _targets(ticket.workspace_id, ticket.priority)
    holidays = french_holidays()
    ticket.first_response_due_at = sla.add_business_minutes(
        ticket.created_at, first + ticket.paused_minutes, hours, holidays, zone
    )
    ticket.resolution_due_at = sla.add_business_minutes(
        ticket.created_at, resolution + ticket.paused_minutes, hours, holidays, zone
    )


def _pause_minutes(ticket: Ticket, until: dt.datetime) -> int:
    if ticket.paused_at is None:
        return 0
    hours, zone = workspace_clock(ticket.workspace_id)
    return max(
        0,
        sla.business_minutes_between(ticket.paused_at, until, hours, french_holidays(), zone),
    )


# --- opening ---------------------------------------------------------------------------------


def ticket_number_next(workspace_id: int, year: int) -> int:
    """The next number of the year, gap-free: the counter row is locked until commit."""
    try:
        with transaction.atomic():
            TicketCounter.objects.get_or_create(workspace_id=workspace_id, year=year)
    except IntegrityError:  # created meanwhile by a concurrent opening
        pass
    counter = TicketCounter.objects.select_for_update().get(workspace_id=workspace_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _check_same_workspace(by: Any, **related: Any) -> None:
    errors = {
        name: _("Élément introuvable.")
        for name, value in related.items()
        if value is not None and value.workspace_id != by.workspace_id
    }
    if errors:
        raise ValidationError(errors)


def _check_assignee(assignee: Any) -> None:
    if assignee is not None and not assignee.is_active:
        raise ValidationError(
            {"assignee": _("Ce collègue est en sommeil : choisissez un utilisateur actif.")}
        )


def _support_process(by: Any) -> Process | None:
    """The Support process, if this user may file interactions in it."""
    return processes_for(by).filter(code="support").first()


def _interaction_subject(ticket: Ticket) -> str:
    return f"{ticket.reference} · {ticket.subject}"[:200]


def _live(ticket: Ticket, *, change: str, by: Any, extra_topics: Iterable[str] = ()) -> None:
    topics = [f"workspace:{ticket.workspace_id}:tickets"]
    if ticket.assignee_id:
        topics.append(f"user:{ticket.assignee_id}")
    topics.extend(extra_topics)
    live_publish(
        workspace_id=ticket.workspace_id,
        topics=topics,
        kind="ticket",
        payload={
            "id": ticket.pk,
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "change": change,
            "url": ticket.get_absolute_url(),
            "by": getattr(by, "pk", None),
        },
    )


@transaction.atomic
def ticket_open(
    *,
    by: Any,
    subject: str,
    person: Any = None,
    company: Any = None,
    site: Any = None,
    description: str = "",
    category: TicketCategory | None = None,
    priority: int = Priority.P3,
    channel: str = TicketChannel.PHONE,
    assignee: Any = None,
    opened_by_customer: bool = False,
    origin: str = "",
) -> Ticket:
    """Open a ticket for a customer: numbered, timed against the SLA, shown on the timeline.

    ``person`` and/or ``company`` name the requester (at least one). Without ``assignee`` the
    ticket waits in the team's queue. ``opened_by_customer``: the customer filed it himself (the
    portal); ``by`` is then the colleague who receives such requests, and no colleague is
    recorded as its author.
    """
    require_writer(by)
    subject = " ".join((subject or "").split())
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = _("Indiquez l'objet de la demande.")
    if person is None and company is None:
        errors["person"] = _("Choisissez le client (personne ou société).")
    if priority not in Priority.values:
        errors["priority"] = _("Priorité inconnue.")
    if channel not in TicketChannel.values:
        errors["channel"] = _("Canal inconnu.")
    if errors:
        raise ValidationError(errors)
    _check_same_workspace(
        by, person=person, company=company, site=site, category=category, assignee=assignee
    )
    _check_assignee(assignee)
    now = timezone.now()
    ticket = Ticket(
        workspace_id=by.workspace_id,
        person=person,
        company=company,
        site=site,
        category=category,
        priority=priority,
        channel=channel,
        subject=subject,
        description=(description or "").strip(),
        assignee=assignee,
        created_by=None if opened_by_customer else by,
        created_at=now,
    )
    year = timezone.localtime(now).year
    ticket.year = year
    ticket.number = ticket_number_next(by.workspace_id, year)
    ticket.reference = f"T-{year}-{ticket.number:04d}"
    _compute_due(ticket)
    ticket.full_clean(exclude=["workspace", "created_by", "interaction"])
    ticket.save()
    process = _support_process(by)
    if process is not None:
        ticket.interaction = interaction_create(
            by=by,
            process=process,
            stage=process.stages.order_by("position").first(),
            kind=Kind.TASK,
            state=InteractionState.OPEN,
            subject=_interaction_subject(ticket),
            owner=assignee or by,
            person=person,
            company=company,
            site=site,
            starts_at=now,
            deadline=ticket.resolution_due_at,
        )
        ticket.save(update_fields=["interaction"])
    audit_record(actor=by, instance=ticket, action=Action.CREATE)
    if origin:
        ticket_opened.send(Ticket, ticket=ticket, by=by, origin=origin[:40])
    _live(ticket, change="opened", by=by)
    return ticket


# --- changes ---------------------------------------------------------------------------------

EDITABLE = ("status", "priority", "assignee", "category", "subject", "description", "site")


def _apply_status(ticket: Ticket, status: str, now: dt.datetime) -> None:
    old = ticket.status
    if status == old:
        return
    if status not in TRANSITIONS.get(Status(old), ()):
        raise ValidationError(
            {
                "status": _("Une demande « {old} » ne peut pas passer à « {new} ».").format(
                    old=Status(old).label, new=Status(status).label
                )
            }
        )
    if old == Status.WAITING and ticket.paused_at is not None:
        ticket.paused_minutes += _pause_minutes(ticket, now)
        ticket.paused_at = None
    if status == Status.WAITING:
        ticket.paused_at = now
    if status == Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
    elif old in FINISHED_STATUSES:  # reopened
        ticket.resolved_at = None
        ticket.closed_at = None
        ticket.resolution_warned_at = None
    ticket.status = status


def _sync_interaction(ticket: Ticket, *, by: Any, note: str = "") -> None:
    """Keep the timeline's interaction in step: subject, owner, state, deadline."""
    interaction = ticket.interaction
    if interaction is None:
        return
    if not processes_for(by).filter(pk=interaction.process_id).exists():
        return
    wanted: dict[str, Any] = {
        "subject": _interaction_subject(ticket),
        "state": INTERACTION_STATES[Status(ticket.status)],
        "site": ticket.site,
    }
    if ticket.assignee is not None and ticket.assignee.is_active:
        wanted["owner"] = ticket.assignee
    if ticket.resolution_due_at and ticket.resolution_due_at >= interaction.starts_at:
        wanted["deadline"] = ticket.resolution_due_at
    changes = {k: v for k, v in wanted.items() if getattr(interaction, k) != v}
    if changes:
        interaction_update(interaction=interaction, by=by, **changes)
    if note:
        note_add(interaction=interaction, body=note, by=by)


@transaction.atomic
def ticket_update(*, ticket: Ticket, by: Any, **fields: Any) -> Ticket:
    """Change status, priority, assignee, category… with the rules, the SLA and the audit trail."""
    require_writer(by)
    if ticket.workspace_id != by.workspace_id:
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = snapshot(ticket)
    old_status = ticket.status
    old_assignee_id = ticket.assignee_id
    old_priority = ticket.priority
    now = timezone.now()
    if "subject" in fields:
        fields["subject"] = " ".join((fields["subject"] or "").split())
        if not fields["subject"]:
            raise ValidationError({"subject": _("Indiquez l'objet de la demande.")})
    if "priority" in fields and fields["priority"] not in Priority.values:
        raise ValidationError({"priority": _("Priorité inconnue.")})
    _check_same_workspace(
        by,
        **{k: fields[k] for k in ("assignee", "category", "site") if k in fields},
    )
    if "assignee" in fields:
        _check_assignee(fields["assignee"])
    for name, value in fields.items():
        if name != "status":
            setattr(ticket, name, value)
    if "status" in fields:
        if fields["status"] not in Status.values:
            raise ValidationError({"status": _("Statut inconnu.")})
        _apply_status(ticket, fields["status"], now)
    if ticket.priority != old_priority or (
        old_status == Status.WAITING and ticket.status != Status.WAITING
    ):
        _compute_due(ticket)
        ticket.response_warned_at = ticket.resolution_warned_at = None
    ticket.full_clean(exclude=["workspace", "created_by", "interaction"])
    ticket.save()
    entry = audit_record(actor=by, instance=ticket, action=Action.UPDATE, before=before)
    if entry is None:
        return ticket
    note = ""
    if ticket.status != old_status:
        note = _("Demande {ref} : {old} → {new}").format(
            ref=ticket.reference, old=Status(old_status).label, new=Status(ticket.status).label
        )
    _sync_interaction(ticket, by=by, note=note)
    extra = [f"user:{old_assignee_id}"] if old_assignee_id != ticket.assignee_id else []
    _live(ticket, change="updated", by=by, extra_topics=[t for t in extra if t != "user:None"])
    if ticket.status != old_status:
        status_before = old_status
        transaction.on_commit(
            lambda: ticket_status_changed.send(Ticket, ticket=ticket, before=status_before, by=by),
            robust=True,
        )
    return ticket


def ticket_set_status(*, ticket: Ticket, status: str, by: Any) -> Ticket:
    return ticket_update(ticket=ticket, by=by, status=status)


# --- conversation ----------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": _("Le message est vide.")})
    return body


@transaction.atomic
def ticket_reply(*, ticket: Ticket, by: Any, body: str, via: str = "") -> TicketMessage:
    """A public answer to the requester: sent by e-mail or SMS (or given by phone), it counts
    as the first response and takes a new ticket into « En cours ».

    ``via`` is ``"email"``, ``"sms"`` or ``"phone"``; empty = the first address found.
    """
    require_writer(by)
    if ticket.workspace_id != by.workspace_id:
        raise PermissionDenied
    body = _clean_body(body)
    if ticket.status == Status.CLOSED:
        raise ValidationError({"body": _("Cette demande est close : rouvrez-la d'abord.")})
    recipient: Recipient | None = None
    if via != "phone":
        recipients = reply_recipients(ticket)
        recipient = next((r for r in recipients if not via or r.channel == via), None)
        if recipient is None:
            raise ValidationError(
                {
                    "body": _(
                        "Aucune adresse e-mail ni aucun mobile pour ce client : ajoutez-en un "
                        "sur sa fiche, ou notez la réponse donnée par téléphone."
                    )
                }
            )
    now = timezone.now()
    message = TicketMessage(
        workspace_id=ticket.workspace_id,
        ticket=ticket,
        kind=MessageKind.REPLY,
        author=by,
        body=body,
        sent_via=recipient.channel if recipient else "phone",
        sent_to=recipient.address if recipient else "",
        created_at=now,
    )
    if recipient is not None:
        templates_ensure(
            workspace_id=ticket.workspace_id,
            code=defaults.REPLY_TEMPLATE_CODE,
            subject=defaults.REPLY_SUBJECT,
            email=defaults.REPLY_EMAIL,
            sms=defaults.REPLY_SMS,
        )
        headers: dict[str, str] = {}
        if recipient.channel == MessageChannel.EMAIL:
            for _receiver, extra in ticket_reply_headers.send(Ticket, ticket=ticket):
                if isinstance(extra, dict):
                    headers.update(extra)
        context = {
            "client": {"nom": recipient.name},
            "entreprise": company_context(ticket.workspace),
            "demande": {
                "reference": ticket.reference,
                "objet": ticket.subject,
                "reponse": body,
                "auteur": str(by),
            },
        }
        message.outbox_message = message_send(
            workspace=ticket.workspace,
            channel=recipient.channel,
            to=recipient.address,
            template_code=defaults.REPLY_TEMPLATE_CODE,
            context=context,
            interaction=ticket.interaction,
            headers=headers,
        )
    message.save()
    fields: dict[str, Any] = {}
    if ticket.status == Status.NEW:
        fields["status"] = Status.IN_PROGRESS
    if ticket.first_response_at is None:
        Ticket.objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(
            first_response_at=now
        )
        ticket.first_response_at = now
        audit_record(
            actor=by,
            instance=ticket,
            action=Action.UPDATE,
            changes={"first_response_at": ["", timezone.localtime(now).strftime("%d/%m/%Y %H:%M")]},
        )
    if fields:
        ticket_update(ticket=ticket, by=by, **fields)
        ticket.refresh_from_db()
    if (
        ticket.interaction is not None
        and processes_for(by).filter(pk=ticket.interaction.process_id).exists()
    ):
        target = recipient.name if recipient else _("par téléphone")
        note_add(
            interaction=ticket.interaction,
            body=_("Réponse à {who} : {body}").format(who=target, body=body),
            by=by,
        )
    _live(ticket, change="replied", by=by)
    return message


@transaction.atomic
def ticket_note(*, ticket: Ticket, by: Any, body: str) -> TicketMessage:
    """An internal note: seen by colleagues only, never sent."""
    require_writer(by)
    if ticket.workspace_id != by.workspace_id:
        raise PermissionDenied
    message = TicketMessage.objects.create(
        workspace_id=ticket.workspace_id,
        ticket=ticket,
        kind=MessageKind.NOTE,
        author=by,
        body=_clean_body(body),
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    if (
        ticket.interaction is not None
        and processes_for(by).filter(pk=ticket.interaction.process_id).exists()
    ):  # the customer's timeline keeps the team's notes too (never shown to the customer)
        note_add(interaction=ticket.interaction, body=message.body, by=by)
    return message


@transaction.atomic
def ticket_message_receive(
    *, ticket: Ticket, body: str, person: Any = None, author_name: str = ""
) -> TicketMessage:
    """A message from the customer (e-mail, portal): added, and the clock restarts if it waited.

    A resolved ticket answered by the customer goes back to « En cours »; a closed one stays
    closed (the message is kept on it).
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    message = TicketMessage.objects.create(
        workspace_id=ticket.workspace_id,
        ticket=ticket,
        kind=MessageKind.INCOMING,
        author_person=person,
        author_name=(author_name or str(person or ""))[:200],
        body=_clean_body(body),
    )
    now = timezone.now()
    if ticket.status in (Status.WAITING, Status.RESOLVED):
        before = snapshot(ticket)
        _apply_status(ticket, Status.IN_PROGRESS, now)
        _compute_due(ticket)
        ticket.save()
        audit_record(actor=None, instance=ticket, action=Action.UPDATE, before=before)
        if ticket.interaction is not None:
            Interaction.objects.filter(pk=ticket.interaction.pk).update(
                state=InteractionState.IN_PROGRESS, completed_at=None, updated_at=now
            )
    else:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    _live(ticket, change="message", by=None)
    return message


# --- visits planned for a ticket ----------------------------------------------------------------


class VisitEvent:
    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"
    REPORTED = "reported"


@transaction.atomic
def ticket_visit_event(
    *,
    ticket: Ticket,
    event: str,
    summary: str,
    by: Any = None,
    visits_left: int = 0,
    report: tuple[str, bytes] | None = None,
) -> Ticket:
    """A visit for this ticket was booked, moved, cancelled or reported: the ticket follows.

    Booked: « Planifié » (the confirmation sent to the customer is the first response).
    Cancelled with no other visit planned: back to « En cours ». Reported: the report PDF
    (``report`` = file name, bytes) is attached. Each event leaves an internal note
    (``summary``). A finished ticket only gets the note. ``by`` may be None (online booking).
    """
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("interaction")
        .get(pk=ticket.pk)
    )
    before = snapshot(ticket)
    now = timezone.now()
    old_status = ticket.status
    status = ""
    if event == VisitEvent.BOOKED and ticket.is_open:
        status = Status.SCHEDULED
        if ticket.first_response_at is None:
            ticket.first_response_at = now
    elif event == VisitEvent.CANCELLED and ticket.status == Status.SCHEDULED and not visits_left:
        status = Status.IN_PROGRESS
    if status and status != old_status:
        _apply_status(ticket, status, now)
        if old_status == Status.WAITING:
            _compute_due(ticket)
    ticket.save()
    author = by if getattr(by, "pk", None) and by.workspace_id == ticket.workspace_id else None
    message = TicketMessage.objects.create(
        workspace_id=ticket.workspace_id,
        ticket=ticket,
        kind=MessageKind.NOTE,
        author=author,
        author_name="" if author else _("Planning"),
        body=summary.strip() or "—",
    )
    if report is not None:
        filename, content = report
        ticket_attachment_store(
            ticket=ticket,
            message=message,
            filename=filename,
            content_type="application/pdf",
            content=content,
            by=author,
        )
    audit_record(actor=author, instance=ticket, action=Action.UPDATE, before=before)
    if ticket.status != old_status and ticket.interaction is not None:
        Interaction.objects.filter(pk=ticket.interaction.pk).update(
            state=INTERACTION_STATES[Status(ticket.status)], updated_at=now
        )
        transaction.on_commit(
            lambda: ticket_status_changed.send(Ticket, ticket=ticket, before=old_status, by=author),
            robust=True,
        )
    _live(ticket, change="updated", by=author)
    return ticket


# --- attachments -----------------------------------------------------------------------------


def _validate_upload(upload: UploadedFile) -> str:
    """The file's type if it is an image or a PDF of at most 10 Mo; ValidationError otherwise."""
    name = upload.name or ""
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": _("« {name} » est trop lourd ({size} Mo) : 10 Mo au plus.").format(
                    name=name, size=f"{size / (1024 * 1024):.1f}".replace(".", ",")
                )
            }
        )
    if size == 0:
        raise ValidationError({"file": _("« {name} » est vide.").format(name=name)})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = EXTENSIONS.get(extension)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if content_type is None or not any(head.startswith(m) for m in ALLOWED_TYPES[content_type]):
        raise ValidationError(
            {
                "file": _("« {name} » n'est ni une image (JPEG, PNG, GIF, WebP) ni un PDF.").format(
                    name=name
                )
            }
        )
    if content_type == "image/webp" and head[8:12] != b"WEBP":
        raise ValidationError(
            {"file": _("« {name} » n'est pas une image WebP valide.").format(name=name)}
        )
    return content_type


def ticket_attachment_store(
    *,
    ticket: Ticket,
    filename: str,
    content_type: str,
    content: File | bytes,
    message: TicketMessage | None = None,
    by: Any = None,
) -> TicketAttachment:
    """Write a file onto a ticket as given: callers have checked it (an upload, an e-mail's
    attachment, a report PDF). The one place a ticket's files are stored."""
    file = ContentFile(content) if isinstance(content, bytes) else content
    attachment = TicketAttachment(
        workspace_id=ticket.workspace_id,
        ticket=ticket,
        message=message,
        filename=filename[:200],
        content_type=content_type,
        size=file.size or 0,
        uploaded_by=by,
    )
    attachment.file.save(filename, file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def ticket_attach(
    *, ticket: Ticket, by: Any, file: UploadedFile, message: TicketMessage | None = None
) -> TicketAttachment:
    """Attach a photo or PDF (≤ 10 Mo); anything else is refused with a French message."""
    require_writer(by)
    if ticket.workspace_id != by.workspace_id:
        raise PermissionDenied
    content_type = _validate_upload(file)
    filename = (file.name or "fichier").replace("/", "_").replace("\\", "_")[-200:]
    attachment = ticket_attachment_store(
        ticket=ticket,
        message=message,
        filename=filename,
        content_type=content_type,
        content=file,
        by=by,
    )
    audit_record(
        actor=by,
        instance=ticket,
        action=Action.UPDATE,
        changes={"attachment": ["", filename]},
    )
    return attachment


# --- breach warnings -------------------------------------------------------------------------


def _warning_due(due: dt.datetime, target_minutes: int, now: dt.datetime) -> bool:
    window = min(WARNING_WINDOW, dt.timedelta(minutes=target_minutes * WARNING_SHARE))
    return due - window <= now


def tickets_warn_due(*, now: dt.datetime | None = None) -> int:
    """Warn assignees (and the team) of due times about to pass; each due time warned once."""
    now = now or timezone.now()
    horizon = now + WARNING_WINDOW
    candidates = (
        Ticket.objects.running()
        .filter(
            Q(
                first_response_at__isnull=True,
                response_warned_at__isnull=True,
                first_response_due_at__lte=horizon,
            )
            | Q(resolution_warned_at__isnull=True, resolution_due_at__lte=horizon)
        )
        .order_by("pk")
    )
    targets: dict[tuple[int, int], tuple[int, int]] = {}
    warned = 0
    for ticket in candidates:
        key = (ticket.workspace_id, ticket.priority)
        if key not in targets:
            targets[key] = _targets(*key)
        first, resolution = targets[key]
        which = ""
        if (
            ticket.first_response_at is None
            and ticket.response_warned_at is None
            and ticket.first_response_due_at
            and _warning_due(ticket.first_response_due_at, first, now)
        ):
            which = "response"
            due = ticket.first_response_due_at
            field = "response_warned_at"
        elif (
            ticket.resolution_warned_at is None
            and ticket.resolution_due_at
            and _warning_due(ticket.resolution_due_at, resolution, now)
        ):
            which = "resolution"
            due = ticket.resolution_due_at
            field = "resolution_warned_at"
        if not which:
            continue
        with transaction.atomic():
            # One conditional update: two workers never warn twice for the same due time.
            claimed = Ticket.objects.filter(pk=ticket.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
            if not claimed:
                continue
            topics = [f"workspace:{ticket.workspace_id}:tickets"]
            if ticket.assignee_id:
                topics.append(f"user:{ticket.assignee_id}")
            live_publish(
                workspace_id=ticket.workspace_id,
                topics=topics,
                kind="ticket",
                payload={
                    "id": ticket.pk,
                    "reference": ticket.reference,
                    "subject": ticket.subject,
                    "change": "warning",
                    "due": which,
                    "due_at": due.isoformat(),
                    "overdue": due <= now,
                    "url": ticket.get_absolute_url(),
                },
            )
        warned += 1
    return warned
