"""Every write of the customer portal and of satisfaction surveys.

Customers are not users: the portal acts for them through services that take the signed-in
customer (``Viewer``) and never a staff login. A request filed on the portal is opened in
tickets by the colleague who receives portal requests (``requests_owner``), flagged as opened
by the customer, so no colleague is recorded as its author.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.accounts.models import User
from comptoir.activities.models import Interaction, Kind, Process, State
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.contacts.models import ContactKind, ContactLabel, ContactPoint, Person
from comptoir.lib.phone import try_normalize_phone
from comptoir.messaging.models import Channel
from comptoir.messaging.rendering import company_context
from comptoir.messaging.services import message_send, templates_ensure, workspace_language
from comptoir.portal import defaults
from comptoir.portal.models import (
    CODE_LIFETIME,
    CODE_MAX_ATTEMPTS,
    LOCK_DURATION,
    SESSION_LIFETIME,
    PortalSession,
    PortalSettings,
    SignInCode,
    Survey,
    SurveyChannel,
)
from comptoir.portal.selectors import (
    Viewer,
    hash_secret,
    people_with_identifier,
    portal_settings,
    requests_owner,
)
from comptoir.scheduling.models import Visit
from comptoir.tickets.models import FINISHED_STATUSES, Status, Ticket, TicketChannel, TicketMessage
from comptoir.tickets.services import ticket_attach, ticket_message_receive, ticket_open

logger = logging.getLogger(__name__)

# Codes asked for one identifier within this window; beyond, nothing more is sent.
CODE_REQUESTS_PER_IDENTIFIER = 3
CODE_REQUEST_WINDOW = dt.timedelta(minutes=15)
MAX_COMMENT = 2000
MAX_FILES = 5


# --- settings --------------------------------------------------------------------------------


@transaction.atomic
def portal_settings_update(
    *,
    by: Any,
    portal_enabled: bool,
    requests_owner: Any,
    surveys_enabled: bool,
    survey_delay_hours: int,
    survey_channel: str,
) -> PortalSettings:
    """Managers open or close the portal and set how surveys are sent."""
    if not getattr(by, "is_active", False) or not getattr(by, "is_manager", False):
        raise PermissionDenied(
            _("Seuls les administrateurs et les responsables modifient ces réglages.")
        )
    errors: dict[str, str] = {}
    if requests_owner is not None and (
        requests_owner.workspace_id != by.workspace_id
        or not requests_owner.is_active
        or not requests_owner.can_write
    ):
        errors["requests_owner"] = _("Choisissez un collègue actif de l'espace.")
    if not 0 <= survey_delay_hours <= 24 * 14:
        errors["survey_delay_hours"] = _("Le délai va de 0 à 336 heures (14 jours).")
    if survey_channel not in SurveyChannel.values:
        errors["survey_channel"] = _("Canal inconnu.")
    if errors:
        raise ValidationError(errors)
    row, _created = PortalSettings.objects.get_or_create(workspace_id=by.workspace_id)
    before = snapshot(row)
    row.portal_enabled = portal_enabled
    row.requests_owner = requests_owner
    row.surveys_enabled = surveys_enabled
    row.survey_delay_hours = survey_delay_hours
    row.survey_channel = survey_channel
    row.full_clean(exclude=["workspace"])
    row.save()
    audit_record(actor=by, instance=row, action=Action.UPDATE, before=before)
    return row


def _ensure_templates(workspace_id: int, code: str) -> None:
    """Create this message's texts on first use, in the workspace's language (then editable in
    Réglages › Messages)."""
    subject, email, sms = defaults.TEMPLATES[code]
    templates_ensure(workspace_id=workspace_id, code=code, subject=subject, email=email, sms=sms)


def _public_url(path: str) -> str:
    return f"{settings.COMPTOIR_PUBLIC_URL.rstrip('/')}{path}"


# --- sign-in by one-time code ----------------------------------------------------------------


def _hmac(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), "sha256").hexdigest()


def parse_identifier(raw: str) -> tuple[str, str]:
    """``(kind, normalized)`` of what a customer typed: an e-mail or a phone number."""
    value = (raw or "").strip()
    if "@" in value:
        address = value.lower()
        local, _sep, domain = address.partition("@")
        if local and "." in domain and " " not in address:
            return ContactKind.EMAIL, address
    elif value:
        number = try_normalize_phone(value, settings.COMPTOIR_DEFAULT_REGION)
        if number:
            return ContactKind.PHONE, number
    raise ValidationError(
        {
            "identifier": _(
                "Indiquez votre adresse e-mail ou votre numéro de mobile "
                "(par exemple 06 12 34 56 78)."
            )
        }
    )


def _identifier_hash(workspace_id: int, normalized: str) -> str:
    return _hmac(f"identifier:{workspace_id}:{normalized}")


def _code_hash(handle: str, code: str) -> str:
    return _hmac(f"code:{handle}:{code}")


def _locked_until(workspace_id: int, identifier_hash: str, now: dt.datetime) -> dt.datetime | None:
    row = (
        SignInCode.objects.filter(
            workspace_id=workspace_id, identifier_hash=identifier_hash, locked_until__gt=now
        )
        .order_by("-locked_until")
        .first()
    )
    return row.locked_until if row is not None else None


@transaction.atomic
def portal_code_request(*, workspace: Any, identifier: str) -> str:
    """Send a 6-digit code to a customer's e-mail or mobile; returns the request's handle.

    Whatever the identifier (a customer's or not, locked or not), the caller gets a handle and
    shows the same message: nobody learns who is a customer. A code is sent only to an address
    or mobile found on a person's record, at most 3 times per 15 minutes.
    """
    kind, normalized = parse_identifier(identifier)
    now = timezone.now()
    id_hash = _identifier_hash(workspace.pk, normalized)
    handle = secrets.token_urlsafe(24)
    code = f"{secrets.randbelow(10**6):06d}"
    recent = SignInCode.objects.filter(
        workspace=workspace, identifier_hash=id_hash, created_at__gte=now - CODE_REQUEST_WINDOW
    ).count()
    locked = _locked_until(workspace.pk, id_hash, now)
    # A new code replaces the previous ones.
    SignInCode.objects.filter(
        workspace=workspace, identifier_hash=id_hash, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    people = people_with_identifier(workspace.pk, kind, normalized)
    person = people[0] if people else None
    will_send = person is not None and locked is None and recent < CODE_REQUESTS_PER_IDENTIFIER
    SignInCode.objects.create(
        workspace=workspace,
        handle=handle,
        identifier_hash=id_hash,
        person=person if will_send else None,
        channel=kind,
        code_hash=_code_hash(handle, code if will_send else secrets.token_hex(16)),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
        locked_until=locked,
    )
    if will_send:
        assert person is not None
        _ensure_templates(workspace.pk, defaults.CODE_TEMPLATE)
        message_send(
            workspace=workspace,
            channel=Channel.EMAIL if kind == ContactKind.EMAIL else Channel.SMS,
            to=normalized,
            template_code=defaults.CODE_TEMPLATE,
            context={
                "client": {"nom": str(person)},
                "entreprise": company_context(workspace),
                "portail": {
                    "code": code,
                    "minutes": int(CODE_LIFETIME.total_seconds() // 60),
                    "lien": _public_url(reverse("portal:home", args=[workspace.slug])),
                },
            },
            dedupe_key=f"portal_code:{handle}",
        )
    return handle


@dataclass(frozen=True)
class SignedIn:
    session: PortalSession
    key: str  # goes into the cookie; only its hash is stored


def _verify(workspace: Any, handle: str, code: str) -> SignedIn | str:
    """The new session, or the French reason of the refusal (after recording the attempt)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update()
            .filter(workspace=workspace, handle=handle)
            .first()
            if handle
            else None
        )
        if row is None:
            return _("Ce code n'est plus valable : demandez-en un nouveau.")
        locked = _locked_until(workspace.pk, row.identifier_hash, now)
        if locked is not None:
            minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
            return _(
                "Trop d'essais : par sécurité, la connexion est bloquée {minutes} min. "
                "Réessayez ensuite avec un nouveau code."
            ).format(minutes=minutes)
        if row.used_at is not None:
            return _("Ce code a déjà servi : demandez-en un nouveau.")
        if row.expires_at <= now:
            return _("Ce code a expiré (il est valable 10 minutes) : demandez-en un nouveau.")
        typed = "".join(ch for ch in (code or "") if ch.isdigit())
        if not (
            row.person_id is not None
            and len(typed) == 6
            and hmac.compare_digest(row.code_hash, _code_hash(handle, typed))
        ):
            row.attempts += 1
            if row.attempts >= CODE_MAX_ATTEMPTS:
                row.locked_until = now + LOCK_DURATION
                row.save(update_fields=["attempts", "locked_until"])
                return _(
                    "Code incorrect, 5 essais manqués : par sécurité, la connexion est bloquée "
                    "15 min."
                )
            row.save(update_fields=["attempts"])
            left = CODE_MAX_ATTEMPTS - row.attempts
            return ngettext(
                "Code incorrect. Il vous reste {left} essai.",
                "Code incorrect. Il vous reste {left} essais.",
                left,
            ).format(left=left)
        row.used_at = now
        row.save(update_fields=["used_at"])
        key = secrets.token_urlsafe(32)
        assert row.person is not None
        session = PortalSession.objects.create(
            workspace=workspace,
            person=row.person,
            key_hash=hash_secret(key),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            last_seen_at=now,
        )
        return SignedIn(session=session, key=key)


def portal_code_verify(*, workspace: Any, handle: str, code: str) -> SignedIn:
    """Check a code: right → a portal session; wrong, expired, used or locked → ValidationError.

    5 wrong codes lock the identifier for 15 minutes; every attempt is recorded even though
    the answer is a refusal.
    """
    result = _verify(workspace, handle, code)
    if isinstance(result, str):
        raise ValidationError({"code": result})
    return result


def portal_sign_out(*, viewer: Viewer) -> None:
    PortalSession.objects.filter(pk=viewer.session.pk).delete()


def portal_cleanup(*, now: dt.datetime | None = None) -> int:
    """Forget expired sessions and codes older than a day; how many rows went."""
    now = now or timezone.now()
    sessions, _d = PortalSession.objects.filter(expires_at__lte=now).delete()
    codes, _d = SignInCode.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    return sessions + codes


# --- requests from the portal ----------------------------------------------------------------


def _owner(workspace_id: int) -> User:
    owner = requests_owner(workspace_id)
    if owner is None:
        raise ValidationError(
            _("Le portail ne peut pas enregistrer de demande pour l'instant : appelez-nous.")
        )
    return owner


def _attach_actor(ticket: Ticket) -> User:
    """Whose name files the customer's uploads: the portal's owner, else the ticket's people."""
    owner = requests_owner(ticket.workspace_id)
    for candidate in (owner, ticket.assignee, ticket.created_by):
        if candidate is not None and candidate.is_active and candidate.can_write:
            return candidate
    return _owner(ticket.workspace_id)


def _check_files(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ValidationError({"file": _("Joignez au plus 5 fichiers à la fois.")})
    return files


@transaction.atomic
def portal_ticket_open(
    *,
    viewer: Viewer,
    subject: str,
    description: str,
    files: Iterable[UploadedFile] = (),
) -> Ticket:
    """« Nouvelle demande »: a ticket on the portal channel, in the team's queue."""
    files = _check_files(files)
    owner = _owner(viewer.workspace.pk)
    ticket = ticket_open(
        by=owner,
        subject=subject,
        person=viewer.person,
        description=description,
        channel=TicketChannel.PORTAL,
        opened_by_customer=True,
    )
    if files:
        message = ticket_message_receive(
            ticket=ticket, body=_("Fichiers joints à la demande."), person=viewer.person
        )
        for upload in files:
            ticket_attach(ticket=ticket, by=owner, file=upload, message=message)
    return ticket


@transaction.atomic
def portal_message_add(
    *, viewer: Viewer, ticket: Ticket, body: str, files: Iterable[UploadedFile] = ()
) -> TicketMessage:
    """The customer writes on one of their requests, with photos or PDFs (≤ 10 Mo each)."""
    if ticket.workspace_id != viewer.workspace.pk:
        raise PermissionDenied
    files = _check_files(files)
    if ticket.status == Status.CLOSED:
        raise ValidationError(
            {"body": _("Cette demande est close : déposez une nouvelle demande.")}
        )
    body = (body or "").strip()
    if not body and not files:
        raise ValidationError({"body": _("Écrivez un message ou joignez une photo.")})
    if not body:
        body = _("Photo jointe.") if len(files) == 1 else _("Photos jointes.")
    message = ticket_message_receive(
        ticket=ticket, body=body, person=viewer.person, author_name=str(viewer.person)
    )
    if files:
        owner = _attach_actor(ticket)
        for upload in files:
            ticket_attach(ticket=ticket, by=owner, file=upload, message=message)
    return message


# --- satisfaction surveys --------------------------------------------------------------------


def _survey_recipient(
    survey: Survey, channel_rule: str, *, email: str = "", phone: str = ""
) -> tuple[str, str] | None:
    """``(channel, address)``: the e-mail first (or only), else a mobile, per the settings."""
    emails: list[str] = [email.lower()] if email else []
    mobiles: list[str] = []
    if phone:
        number = try_normalize_phone(phone, settings.COMPTOIR_DEFAULT_REGION)
        if number and number.startswith(("+336", "+337")):
            mobiles.append(number)
    owners = []
    if survey.person_id:
        owners.append({"person_id": survey.person_id})
    if survey.company_id:
        owners.append({"company_id": survey.company_id})
    for owner in owners:
        for point in ContactPoint.objects.filter(
            workspace_id=survey.workspace_id, **owner
        ).order_by("-is_primary", "id"):
            if point.kind == ContactKind.EMAIL:
                emails.append(point.normalized)
            elif point.label == ContactLabel.MOBILE or point.normalized.startswith(
                ("+336", "+337")
            ):
                mobiles.append(point.normalized)
    if channel_rule != SurveyChannel.SMS and emails:
        return Channel.EMAIL, emails[0]
    if channel_rule != SurveyChannel.EMAIL and mobiles:
        return Channel.SMS, mobiles[0]
    return None


def _create_survey(workspace_id: int, key: str, **fields: Any) -> Survey | None:
    config = portal_settings(workspace_id)
    if not config.surveys_enabled:
        return None
    existing = Survey.objects.filter(workspace_id=workspace_id, key=key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                workspace_id=workspace_id,
                key=key,
                token=secrets.token_urlsafe(24),
                send_after=now + dt.timedelta(hours=config.survey_delay_hours),
                created_at=now,
                **fields,
            )
    except IntegrityError:  # created meanwhile (the same signal delivered twice)
        return Survey.objects.filter(workspace_id=workspace_id, key=key).first()
    if config.survey_delay_hours == 0:
        survey_send(survey=survey)
    return survey


@transaction.atomic
def survey_for_ticket(*, ticket: Ticket) -> Survey | None:
    """A resolved ticket gets a survey (once); none if one of its visits was already surveyed."""
    if ticket.status not in FINISHED_STATUSES:
        return None
    already = Survey.objects.filter(workspace_id=ticket.workspace_id, ticket=ticket).first()
    if already is not None:
        return already
    technician = ticket.assignee
    if ticket.interaction_id:
        last_visit = (
            Visit.objects.filter(workspace_id=ticket.workspace_id, request_id=ticket.interaction_id)
            .select_related("technician__user")
            .order_by("-starts_at")
            .first()
        )
        if last_visit is not None:
            technician = last_visit.technician.user
    return _create_survey(
        ticket.workspace_id,
        f"ticket:{ticket.pk}",
        ticket=ticket,
        person=ticket.person,
        company=ticket.company,
        technician=technician,
        subject=_("votre demande {ref} « {subject} »").format(
            ref=ticket.reference, subject=ticket.subject
        )[:200],
    )


@transaction.atomic
def survey_for_visit(*, visit: Visit) -> Survey | None:
    """A completed visit gets a survey (once); it also counts for the ticket it answered."""
    interaction = visit.interaction
    if interaction.state != State.DONE or not visit.is_confirmed:
        return None
    ticket = (
        Ticket.objects.filter(
            workspace_id=visit.workspace_id, interaction_id=visit.request_id
        ).first()
        if visit.request_id
        else None
    )
    if ticket is not None:
        already = Survey.objects.filter(workspace_id=visit.workspace_id, ticket=ticket).first()
        if already is not None:
            return already
    day = timezone.localtime(visit.starts_at).strftime("%d/%m/%Y")
    return _create_survey(
        visit.workspace_id,
        f"visit:{visit.pk}",
        visit=visit,
        ticket=ticket,
        person=interaction.person,
        company=interaction.company,
        technician=visit.technician.user,
        subject=_("l'intervention {ref} du {day}").format(ref=visit.reference, day=day)[:200],
    )


def _still_relevant(survey: Survey) -> bool:
    if survey.visit_id is not None:
        assert survey.visit is not None
        return survey.visit.is_confirmed and survey.visit.interaction.state == State.DONE
    if survey.ticket_id is not None:
        assert survey.ticket is not None
        return survey.ticket.status in FINISHED_STATUSES
    return False


def survey_link(survey: Survey, note: int | None = None) -> str:
    url = _public_url(reverse("portal:survey", args=[survey.token]))
    return f"{url}?note={note}" if note is not None else url


@transaction.atomic
def survey_send(*, survey: Survey) -> bool:
    """Send the survey's link by e-mail or SMS (once); a reopened ticket is not surveyed."""
    survey = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("workspace", "visit__interaction", "ticket")
        .get(pk=survey.pk)
    )
    if survey.sent_at is not None or survey.cancelled_at is not None:
        return False
    now = timezone.now()
    if not _still_relevant(survey):
        if survey.ticket_id is not None and survey.visit_id is None:
            # Reopened before the survey left: it may be resolved again later.
            survey.delete()
        else:
            survey.cancelled_at = now
            survey.save(update_fields=["cancelled_at"])
        return False
    config = portal_settings(survey.workspace_id)
    visit = survey.visit
    recipient = _survey_recipient(
        survey,
        config.survey_channel,
        email=visit.contact_email if visit else "",
        phone=visit.contact_phone if visit else "",
    )
    message = None
    if recipient is not None:
        _ensure_templates(survey.workspace_id, defaults.SURVEY_TEMPLATE)
        customer = survey.person or survey.company
        with translation.override(workspace_language(survey.workspace)):
            anonymous = _("Madame, Monsieur")  # in the customer's language, even from a task
        context = {
            "client": {"nom": str(customer) if customer else anonymous},
            "entreprise": company_context(survey.workspace),
            "avis": {
                "objet": survey.subject,
                "lien": survey_link(survey),
                **{f"note_{n}": survey_link(survey, n) for n in range(1, 6)},
            },
        }
        message = message_send(
            workspace=survey.workspace,
            channel=recipient[0],
            to=recipient[1],
            template_code=defaults.SURVEY_TEMPLATE,
            context=context,
            interaction=(visit.interaction if visit else None)
            or (survey.ticket.interaction if survey.ticket else None),
            dedupe_key=f"survey:{survey.pk}",
        )
    if message is None:
        survey.cancelled_at = now  # nobody to ask, or the message switched off
        survey.save(update_fields=["cancelled_at"])
        return False
    survey.sent_at = now
    survey.sent_via, survey.sent_to = recipient  # type: ignore[misc]
    survey.save(update_fields=["sent_at", "sent_via", "sent_to"])
    return True


def surveys_send_due(*, now: dt.datetime | None = None) -> int:
    """Send the surveys whose delay has passed; how many went."""
    now = now or timezone.now()
    sent = 0
    for survey in Survey.objects.due(now).order_by("send_after", "pk")[:500]:
        try:
            sent += survey_send(survey=survey)
        except Exception:  # one broken survey must not block the others
            logger.exception("Survey %s could not be sent", survey.pk)
    return sent


def _answer_subject(survey: Survey) -> str:
    parts = [_("Avis client")]
    if survey.csat is not None:
        parts.append(_("satisfaction {n}/5").format(n=survey.csat))
    if survey.nps is not None:
        parts.append(_("recommandation {n}/10").format(n=survey.nps))
    if survey.ticket is not None:
        parts.append(survey.ticket.reference)
    elif survey.visit is not None:
        parts.append(survey.visit.reference)
    subject = " · ".join(parts)
    if survey.comment:
        subject += f" · « {' '.join(survey.comment.split())} »"
    return subject if len(subject) <= 200 else subject[:198].rstrip() + "…»"


def _timeline(survey: Survey, now: dt.datetime) -> None:
    """The answer as a finished « Avis client » interaction on the customer's timeline."""
    if survey.person_id is None and survey.company_id is None:
        return
    subject = _answer_subject(survey)
    if survey.interaction_id is not None:
        Interaction.objects.filter(pk=survey.interaction_id).update(
            subject=subject, outcome=survey.comment, updated_at=now
        )
        return
    process = Process.objects.filter(
        workspace_id=survey.workspace_id, code="support", is_active=True
    ).first()
    owner = survey.technician if survey.technician and survey.technician.is_active else None
    owner = owner or requests_owner(survey.workspace_id)
    if owner is None:
        handled = survey.visit.interaction if survey.visit else None
        handled = handled or (survey.ticket.interaction if survey.ticket else None)
        owner = handled.owner if handled is not None and handled.owner.is_active else None
    if process is None or owner is None:
        return
    site = None
    if survey.visit is not None:
        site = survey.visit.interaction.site
    elif survey.ticket is not None:
        site = survey.ticket.site
    interaction = Interaction(
        workspace_id=survey.workspace_id,
        kind=Kind.TASK,
        process=process,
        state=State.DONE,
        subject=subject,
        owner=owner,
        person_id=survey.person_id,
        company_id=survey.company_id,
        site=site,
        starts_at=now,
        deadline=now,
        outcome=survey.comment,
        completed_at=now,
    )
    interaction.save()
    audit_record(actor=None, instance=interaction, action=Action.CREATE)
    survey.interaction = interaction
    survey.save(update_fields=["interaction"])


@transaction.atomic
def survey_answer(
    *,
    survey: Survey,
    csat: int | None = None,
    nps: int | None = None,
    comment: str | None = None,
) -> Survey:
    """Record (or change, within 7 days) an answer; ``None`` leaves a value as it was."""
    survey = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("ticket", "visit__interaction__site", "technician")
        .get(pk=survey.pk)
    )
    now = timezone.now()
    if survey.sent_at is None or not survey.is_open(now):
        raise ValidationError(
            _("Cette enquête est close : les réponses se modifient pendant 7 jours.")
        )
    errors: dict[str, str] = {}
    if csat is not None and not 1 <= csat <= 5:
        errors["csat"] = _("Choisissez une note de 1 à 5.")
    if nps is not None and not 0 <= nps <= 10:
        errors["nps"] = _("Choisissez une note de 0 à 10.")
    if comment is not None and len(comment.strip()) > MAX_COMMENT:
        errors["comment"] = _("Votre commentaire dépasse 2 000 caractères.")
    if csat is None and survey.csat is None and nps is None and survey.nps is None:
        errors["csat"] = _("Choisissez au moins une note.")
    if errors:
        raise ValidationError(errors)
    if csat is not None:
        survey.csat = csat
    if nps is not None:
        survey.nps = nps
    if comment is not None:
        survey.comment = comment.strip()
    survey.answered_at = survey.answered_at or now
    survey.updated_at = now
    survey.full_clean(exclude=["workspace", "ticket", "visit", "interaction", "technician"])
    survey.save()
    _timeline(survey, now)
    return survey


def person_label(person: Person) -> str:
    return " ".join(p for p in (person.first_name, person.last_name) if p) or str(person)
