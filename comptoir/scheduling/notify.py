"""What happens after a booking, a move or a cancellation is committed; reminders.

The customer gets the confirmation by e-mail (with an .ics invitation) and SMS, through
messaging's outbox: a provider that fails is retried there and shows on the appointment, it
never undoes the booking. Open pages of the technician (and of the office, for bookings made
online) are told through live events. Reminders go the day before and the same morning,
each claimed once so that two workers never send the same one.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.activities.models import Interaction, Kind
from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import ContactKind, ContactLabel, ContactPoint
from comptoir.lib import ics
from comptoir.lib.phone import InvalidPhone, format_phone, normalize_phone, region_for
from comptoir.scheduling.models import Channel, Reminder, ReminderKind, Visit, VisitStatus

try:  # messaging and live sit below scheduling; a trimmed install still books.
    from comptoir.messaging import services as messaging
except ImportError:  # pragma: no cover
    messaging = None  # type: ignore[assignment]
try:
    from comptoir.live import services as live
except ImportError:  # pragma: no cover
    live = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

BOOKED, RESCHEDULED, CANCELLED = "booked", "rescheduled", "cancelled"
TEMPLATES = {
    BOOKED: "booking_confirmed",
    RESCHEDULED: "booking_rescheduled",
    CANCELLED: "booking_cancelled",
}
REMINDER_TEMPLATES = {
    ReminderKind.DAY_BEFORE: "reminder_day_before",
    ReminderKind.SAME_DAY: "reminder_same_day",
}
EMAIL, SMS = "email", "sms"
# Alarms of the invitation and of the phone feed: the day before and one hour before.
ALARMS = (dt.timedelta(days=1), dt.timedelta(hours=1))
SMS_CAPABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


# --- reading a visit -----------------------------------------------------------------------


def _load(visit_id: int) -> Visit | None:
    return (
        Visit.objects.select_related(
            "workspace",
            "technician__user",
            "service_type",
            "interaction__person",
            "interaction__company",
            "interaction__site",
        )
        .filter(pk=visit_id)
        .first()
    )


def public_url(path: str) -> str:
    """``/r/duret/…`` → the absolute address customers reach (``COMPTOIR_PUBLIC_URL``)."""
    return f"{settings.COMPTOIR_PUBLIC_URL.rstrip('/')}{path}"


def manage_url(visit: Visit) -> str:
    """The signed page where the customer moves or cancels the visit."""
    slug = visit.workspace.slug
    try:
        path = reverse("scheduling:public_manage", args=[slug, visit.public_token])
    except NoReverseMatch:
        path = f"/r/{slug}/rdv/{visit.public_token}/"
    return public_url(path)


def event_uid(interaction_id: int) -> str:
    """One UID per appointment, shared by its invitations and the phone feeds."""
    host = urlsplit(settings.COMPTOIR_PUBLIC_URL).hostname or "comptoir"
    return f"rdv-{interaction_id}@{host}"


def _audit_entries(interaction_ids: list[int]) -> Any:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Interaction), object_id__in=interaction_ids
    )


def event_sequences(interaction_ids: list[int]) -> dict[int, int]:
    """The SEQUENCE of each appointment: how many times it changed since it was created.

    It grows with every recorded change (move, new technician, cancellation), so calendars
    replace their copy of the event instead of adding another.
    """
    rows = (
        _audit_entries(interaction_ids)
        .values("object_id")
        .annotate(n=Count("id"))
        .values_list("object_id", "n")
    )
    return {int(object_id): max(int(n) - 1, 0) for object_id, n in rows}


def event_sequence(interaction: Interaction) -> int:
    return event_sequences([interaction.pk]).get(interaction.pk, 0)


def last_actor_id(interaction: Interaction) -> int | None:
    """Who made the latest recorded change (None: the customer, online)."""
    entry = _audit_entries([interaction.pk]).order_by("-created_at", "-id").first()
    return entry.actor_id if entry is not None else None


def _customer(visit: Visit) -> Any:
    interaction = visit.interaction
    return interaction.person or interaction.company


def _contact_points(visit: Visit, kind: str) -> list[ContactPoint]:
    interaction = visit.interaction
    owners = [
        ("person_id", interaction.person_id),
        ("company_id", interaction.company_id),
        ("site_id", interaction.site_id),
    ]
    points: list[ContactPoint] = []
    for field, value in owners:
        if value is not None:
            points.extend(
                ContactPoint.objects.filter(
                    workspace_id=visit.workspace_id, kind=kind, **{field: value}
                ).order_by("-is_primary", "id")
            )
    return points


def _region(visit: Visit) -> str:
    site = visit.interaction.site
    if site is not None:
        return region_for(site.country, site.postcode)
    return str(settings.COMPTOIR_DEFAULT_REGION)


def takes_sms(e164: str) -> bool:
    """A mobile number (a landline cannot receive the SMS)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in SMS_CAPABLE


def recipient_email(visit: Visit) -> str:
    """The address given with the booking, else the customer's (primary first)."""
    if visit.contact_email:
        return visit.contact_email
    points = _contact_points(visit, ContactKind.EMAIL)
    return points[0].normalized if points else ""


def recipient_mobile(visit: Visit) -> str:
    """The number given with the booking if it is a mobile, else the customer's mobile (E.164)."""
    if visit.contact_phone:
        try:
            number = normalize_phone(visit.contact_phone, _region(visit))
        except InvalidPhone:
            number = ""
        if number and takes_sms(number):
            return number
    points = _contact_points(visit, ContactKind.PHONE)
    points.sort(key=lambda p: (p.label != ContactLabel.MOBILE, not p.is_primary))
    for point in points:
        if takes_sms(point.normalized):
            return point.normalized
    return ""


def _address(visit: Visit) -> str:
    site = visit.interaction.site
    if site is not None and site.address_line:
        return site.address_line
    customer = _customer(visit)
    return str(getattr(customer, "address_line", "") or "")


def _client_name(visit: Visit) -> str:
    if visit.contact_name:
        return visit.contact_name
    customer = _customer(visit)
    return str(customer) if customer is not None else _("Madame, Monsieur")


def visit_context(visit: Visit) -> dict[str, Any]:
    """The merge fields of the visit's messages (``client.nom``, ``rdv.date``…)."""
    person = visit.interaction.person
    user = visit.technician.user
    return messaging.appointment_context(
        workspace=visit.workspace,
        client_name=_client_name(visit),
        client_first_name=person.first_name if person is not None else "",
        starts_at=visit.starts_at,
        ends_at=visit.interaction.ends_at,
        address=_address(visit),
        service=visit.service_type.name,
        technician=user.first_name or visit.technician.name,
        reference=visit.reference,
        change_url=manage_url(visit),
    )


def visit_invitation(visit: Visit, *, attendee: str = "") -> bytes:
    """The .ics sent to the customer: REQUEST (new or moved), CANCEL once cancelled."""
    return ics.invitation(visit_calendar_event(visit, attendee=attendee))


def visit_download(visit: Visit) -> bytes:
    """« Ajouter à mon agenda » on the booking page: the same event as the e-mailed invitation
    (same UID, SEQUENCE, text), published rather than sent as an invitation."""
    return ics.calendar([visit_calendar_event(visit)], method=ics.PUBLISH)


def visit_calendar_event(visit: Visit, *, attendee: str = "") -> ics.CalendarEvent:
    """The visit as the customer's calendar event (one builder for every .ics they get)."""
    interaction = visit.interaction
    lines = [
        visit.service_type.name,
        _("Technicien : %(name)s")
        % {"name": visit.technician.user.first_name or visit.technician.name},
        _("Référence : %(ref)s") % {"ref": visit.reference},
    ]
    if visit.workspace.phone:
        lines.append(_("Téléphone : %(phone)s") % {"phone": format_phone(visit.workspace.phone)})
    change = manage_url(visit)
    if visit.is_confirmed:
        lines.append(_("Modifier ou annuler : %(url)s") % {"url": change})
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return ics.CalendarEvent(
        uid=event_uid(interaction.pk),
        start=visit.starts_at,
        end=interaction.ends_at,
        summary=f"{visit.service_type.name} · {visit.workspace.name}",
        location=_address(visit),
        description="\n".join(lines),
        url=change if visit.is_confirmed else "",
        sequence=event_sequence(interaction),
        cancelled=not visit.is_confirmed,
        alarms=ALARMS,
        organizer=ics.Person(sender, visit.workspace.name) if sender else None,
        attendee=ics.Person(attendee, _client_name(visit)) if attendee else None,
    )


# --- after a booking, a move, a cancellation -----------------------------------------------


def visit_event(visit_id: int, event: str, **extra: Any) -> None:
    """Tell the customer (confirmation e-mail with .ics, SMS) and refresh live views.

    Called after commit; whatever fails here is logged, never raised to the booking.
    """
    visit = _load(visit_id)
    if visit is None:
        return
    for step in (_confirm, _announce):
        try:
            step(visit, event, **extra)
        except Exception:
            logger.exception("After %s of visit %s: %s failed", event, visit_id, step.__name__)


def _confirm(visit: Visit, event: str, **extra: Any) -> None:
    template = TEMPLATES.get(event)
    if template is None or messaging is None:
        return
    key = f"visit:{visit.pk}:{event}:{visit.starts_at.isoformat()}"
    if event == RESCHEDULED:
        # Moved back and forth: each move is a change the customer must hear about.
        key += f":{event_sequence(visit.interaction)}"
    with transaction.atomic():
        _send_to_customer(
            visit, template, key, invitation="CANCEL" if event == CANCELLED else "REQUEST"
        )


def _send_to_customer(visit: Visit, template: str, key: str, *, invitation: str = "") -> None:
    """``template`` to the customer by e-mail and by SMS, each sent once for ``key``.

    ``invitation``: the iCalendar method ("REQUEST", "CANCEL") of an invitation to attach to
    the e-mail; none when empty. Written in the workspace's language, whoever made the change.
    """
    with translation.override(visit.workspace.locale or settings.LANGUAGE_CODE):
        _send_in_language(visit, template, key, invitation=invitation)


def _send_in_language(visit: Visit, template: str, key: str, *, invitation: str) -> None:
    context = visit_context(visit)
    email = recipient_email(visit)
    if email:
        attachments = []
        if invitation:
            attachments.append(
                (
                    _("rendez-vous.ics"),
                    visit_invitation(visit, attendee=email),
                    # The method in the header too: mail programs then offer "add".
                    f"text/calendar; method={invitation}",
                )
            )
        messaging.message_send(
            workspace=visit.workspace,
            channel=EMAIL,
            to=email,
            template_code=template,
            context=context,
            interaction=visit.interaction,
            attachments=attachments,
            dedupe_key=f"{key}:{EMAIL}",
        )
    mobile = recipient_mobile(visit)
    if mobile:
        messaging.message_send(
            workspace=visit.workspace,
            channel=SMS,
            to=mobile,
            template_code=template,
            context=context,
            interaction=visit.interaction,
            dedupe_key=f"{key}:{SMS}",
        )


LIVE_CHANGES = {BOOKED: "created", RESCHEDULED: "moved", CANCELLED: "cancelled"}


def _announce(visit: Visit, event: str, **extra: Any) -> None:
    if live is None:
        return
    interaction = visit.interaction
    change = LIVE_CHANGES.get(event, "updated")
    previous = extra.get("previous_owner_id")
    topics = [f"user:{interaction.owner_id}"]
    if previous and previous != interaction.owner_id:
        topics.append(f"user:{previous}")
    topics.append(f"workspace:{visit.workspace_id}:interactions")
    by = last_actor_id(interaction)
    live.publish(
        workspace_id=visit.workspace_id,
        topics=topics,
        kind="interaction",
        payload={
            "id": interaction.pk,
            "subject": interaction.subject,
            "starts_at": interaction.starts_at.isoformat(),
            "state": interaction.state,
            "kind": interaction.kind,
            "change": change,
            "by": by,
        },
    )
    if visit.channel in (Channel.ONLINE, Channel.API):
        live.publish(
            workspace_id=visit.workspace_id,
            topics=[f"workspace:{visit.workspace_id}:bookings"],
            kind="booking",
            payload={
                "id": interaction.pk,
                "visit": visit.pk,
                "reference": visit.reference,
                "subject": interaction.subject,
                "starts_at": visit.starts_at.isoformat(),
                "technician": visit.technician.name,
                "channel": visit.channel,
                "change": change,
                "by": by,
                "announce": _booking_announce(visit, event),
            },
        )


def _booking_announce(visit: Visit, event: str) -> str:
    when = timezone.localtime(visit.starts_at, ZoneInfo(visit.workspace.timezone))
    values = {
        "subject": visit.interaction.subject,
        "when": f"{when:%d/%m} {when:%H:%M}",
        "technician": visit.technician.name,
    }
    if event == CANCELLED:
        return _("Rendez-vous annulé par le client : « %(subject)s » du %(when)s.") % values
    if event == RESCHEDULED:
        return _("Rendez-vous déplacé : « %(subject)s », désormais le %(when)s.") % values
    return (
        _("Nouvelle réservation en ligne : « %(subject)s » le %(when)s avec %(technician)s.")
        % values
    )


# --- reminders -----------------------------------------------------------------------------


def _due_reminders(now: dt.datetime) -> Any:
    return Reminder.objects.filter(
        due_at__lte=now,
        sent_at__isnull=True,
        cancelled_at__isnull=True,
        visit__status=VisitStatus.CONFIRMED,
        visit__starts_at__gt=now,
        visit__interaction__kind=Kind.APPOINTMENT,
    )


def reminders_send_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the reminders whose time has come; how many went out.

    Run every minute by the worker (and by ``manage.py scheduling_send_reminders``). Each
    reminder is claimed by one conditional UPDATE: a second worker running at the same time
    finds it taken and sends nothing.
    """
    now = now or timezone.now()
    ids = list(_due_reminders(now).order_by("due_at").values_list("pk", flat=True)[:limit])
    sent = 0
    for reminder_id in ids:
        try:
            sent += reminder_send(reminder_id)
        except Exception:
            logger.exception("Reminder %s could not be sent", reminder_id)
    return sent


def reminder_send(reminder_id: int) -> bool:
    """Claim and send one due reminder; False when another worker had it or it is moot."""
    now = timezone.now()
    with transaction.atomic():
        # A plain UPDATE on the row: under concurrency exactly one worker sees it matched.
        claimed = Reminder.objects.filter(
            pk=reminder_id, sent_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now
        ).update(sent_at=now)
        if not claimed:
            return False
        reminder = Reminder.objects.get(pk=reminder_id)
        visit = _load(reminder.visit_id)
        if (
            visit is None
            or not visit.is_confirmed
            or visit.starts_at <= now
            or visit.interaction.kind != Kind.APPOINTMENT
        ):
            transaction.set_rollback(True)
            return False
        tz = ZoneInfo(visit.workspace.timezone)
        if reminder.kind == ReminderKind.DAY_BEFORE and timezone.localdate(
            now, tz
        ) >= timezone.localdate(visit.starts_at, tz):
            # The worker was stopped too long: "tomorrow" would now be wrong.
            Reminder.objects.filter(pk=reminder_id).update(sent_at=None, cancelled_at=now)
            return False
        _remind(visit, reminder)
    return True


def _remind(visit: Visit, reminder: Reminder) -> None:
    if messaging is None:
        return
    template = REMINDER_TEMPLATES[ReminderKind(reminder.kind)]
    key = f"reminder:{visit.pk}:{reminder.kind}:{visit.starts_at.isoformat()}"
    _send_to_customer(visit, template, key)
