"""Every write on scheduling: bookings that cannot collide, moves, cancellations, reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from comptoir.activities.models import Interaction, Kind, Process, Stage, State
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.lib.holidays import holiday_name
from comptoir.scheduling import defaults
from comptoir.scheduling.models import (
    DEFAULT_CAPACITY_MINUTES,
    BookingSettings,
    Channel,
    Reminder,
    ReminderKind,
    ServiceType,
    Skill,
    Technician,
    Visit,
    VisitStatus,
    WorkingHours,
)
from comptoir.scheduling.slots import (
    Need,
    Slot,
    booking_settings,
    conflicts,
    find_slots,
    locate,
    point_of,
    qualified_technicians,
)
from comptoir.tickets.selectors import ticket_for_request
from comptoir.tickets.services import VisitEvent, ticket_visit_event

# Events announced after commit to whoever listens (confirmations, reminders, live views).
BOOKED, RESCHEDULED, CANCELLED = "booked", "rescheduled", "cancelled"


class SlotTaken(ValidationError):
    """The slot went to someone else (or never was free); ``alternatives`` are free ones."""

    def __init__(self, message: str, alternatives: list[Slot], *, closed: bool = False) -> None:
        super().__init__({"starts_at": message}, code="slot_taken")
        self.alternatives = alternatives
        # True when the start was never open (holiday, outside working hours): not "taken".
        self.closed = closed


@dataclass
class Place:
    """Where the job is: a site, or just a postcode (online visitor, API)."""

    site: Any = None
    postcode: str = ""

    @property
    def point(self) -> Any:
        if self.site is not None:
            found = point_of(self.site.latitude, self.site.longitude)
            if found is not None:
                return found
            return locate(postcode=self.site.postcode, city=self.site.city)
        return locate(postcode=self.postcode)

    @property
    def code(self) -> str:
        return self.site.postcode if self.site is not None else self.postcode


# --- seeding -------------------------------------------------------------------------------


def scheduling_seed(*, workspace: Any) -> None:
    """French default skills, service types and booking rules (idempotent)."""
    skills = {}
    for code, name in defaults.SKILLS:
        skills[code], _created = Skill.objects.get_or_create(
            workspace=workspace, code=code, defaults={"name": name}
        )
    for position, (code, name, minutes, skill, online, price, urgent) in enumerate(
        defaults.SERVICE_TYPES, start=1
    ):
        ServiceType.objects.get_or_create(
            workspace=workspace,
            code=code,
            defaults={
                "name": name,
                "duration_minutes": minutes,
                "skill": skills[skill],
                "bookable_online": online,
                "price_label": price,
                "is_urgent": urgent,
                "position": position,
                "buffer_minutes": 15,
            },
        )
    BookingSettings.objects.get_or_create(workspace=workspace)


# --- validation helpers --------------------------------------------------------------------


def _aware(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if timezone.is_naive(value):
        return value.replace(tzinfo=tz)
    return value


def _check_start(*, service: ServiceType, starts_at: dt.datetime, channel: str) -> None:
    now = timezone.now()
    if starts_at < now:
        raise ValidationError(
            {"starts_at": _("Ce créneau est déjà passé : choisissez-en un autre.")}
        )
    if channel in (Channel.ONLINE, Channel.API):
        rules = booking_settings(service.workspace_id)
        if not rules.online_enabled or not service.bookable_online:
            raise ValidationError(
                {"service": _("Cette prestation ne se réserve pas en ligne : appelez-nous.")}
            )
        if starts_at < now + dt.timedelta(hours=rules.min_notice_hours):
            raise ValidationError(
                {
                    "starts_at": _(
                        "Ce créneau est trop proche : réservez au moins %(hours)s h à l'avance."
                    )
                    % {"hours": rules.min_notice_hours}
                }
            )
        if starts_at > now + dt.timedelta(days=rules.horizon_days + 1):
            raise ValidationError({"starts_at": _("Ce créneau est trop loin dans le temps.")})


def _lock_technician(technician_id: int) -> None:
    """Serialise bookings of one technician on PostgreSQL (SQLite serialises every writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4242, technician_id])


def _free_slot_at(
    *,
    service: ServiceType,
    place: Place,
    starts_at: dt.datetime,
    technician: Technician | None,
    exclude_interaction_id: int | None = None,
) -> Slot | None:
    need = Need(
        service=service,
        earliest=starts_at,
        days=1,
        point=place.point,
        postcode=place.code,
        technician_id=technician.pk if technician else None,
        exclude_interaction_id=exclude_interaction_id,
    )
    for slot in find_slots(need, limit=500):
        if slot.start == starts_at:
            return slot
        if slot.start > starts_at:
            break
    return None


def alternatives_for(
    *, service: ServiceType, place: Place, around: dt.datetime, limit: int = 5
) -> list[Slot]:
    need = Need(
        service=service,
        earliest=max(around, timezone.now()),
        days=14,
        point=place.point,
        postcode=place.code,
    )
    return find_slots(need, limit=limit, distinct_starts=True)


def _support_process(workspace_id: int) -> tuple[Process, Stage | None]:
    process = (
        Process.objects.filter(workspace_id=workspace_id, code="support").first()
        or Process.objects.filter(workspace_id=workspace_id).order_by("position").first()
    )
    if process is None:
        raise ValidationError(_("Aucun processus n'est configuré pour les interventions."))
    stage = (
        process.stages.filter(name="Intervention").first()
        or process.stages.order_by("position").first()
    )
    return process, stage


def visit_reference_next(workspace_id: int, when: dt.datetime) -> str:
    """R-2026-0042: one sequence per workspace and year, numbered under a lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4243, workspace_id])
    year = timezone.localtime(when).year
    prefix = f"R-{year}-"
    last = (
        Visit.objects.filter(workspace_id=workspace_id, reference__startswith=prefix)
        .order_by("-id")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _reminder_times(visit: Visit) -> dict[str, dt.datetime]:
    rules = booking_settings(visit.workspace_id)
    tz = ZoneInfo(visit.workspace.timezone)
    day = timezone.localtime(visit.starts_at, tz).date()
    return {
        ReminderKind.DAY_BEFORE: dt.datetime.combine(
            day - dt.timedelta(days=1), dt.time(rules.reminder_day_before_hour), tz
        ),
        ReminderKind.SAME_DAY: dt.datetime.combine(day, dt.time(rules.reminder_same_day_hour), tz),
    }


def _plan_reminders(visit: Visit) -> None:
    """Create or move the unsent reminders; one that would come after the visit is dropped."""
    for kind, due_at in _reminder_times(visit).items():
        if due_at >= visit.starts_at:
            Reminder.objects.filter(visit=visit, kind=kind, sent_at__isnull=True).delete()
            continue
        reminder, created = Reminder.objects.get_or_create(
            visit=visit, kind=kind, defaults={"workspace_id": visit.workspace_id, "due_at": due_at}
        )
        if not created and reminder.sent_at is None:
            # A moved visit is reminded again at its new time, even if an old reminder went.
            Reminder.objects.filter(pk=reminder.pk).update(due_at=due_at, cancelled_at=None)
        elif not created and reminder.sent_at is not None and reminder.due_at != due_at:
            Reminder.objects.filter(pk=reminder.pk).update(
                due_at=due_at, sent_at=None, cancelled_at=None
            )


def _announce(visit_id: int, event: str, **extra: Any) -> None:
    from comptoir.scheduling import notify

    transaction.on_commit(lambda: notify.visit_event(visit_id, event, **extra))


# --- the ticket a visit answers --------------------------------------------------------------


def visit_summary(visit: Visit, event: str) -> str:
    """« Intervention V-2026-0012 planifiée le jeudi 26/11 à 8 h 00 avec Gaëtan (Dépannage). »"""
    start = timezone.localtime(visit.starts_at, ZoneInfo(visit.workspace.timezone))
    values = {
        "reference": visit.reference,
        "day": formats.date_format(start, "l d/m/Y"),
        "time": f"{start:%H:%M}"
        if (translation.get_language() or "").startswith("en")
        else f"{start.hour} h {start.minute:02d}",
        "name": visit.technician.user.first_name or visit.technician.name,
        "service": visit.service_type.name,
    }
    texts = {
        VisitEvent.BOOKED: _(
            "Intervention %(reference)s planifiée le %(day)s à %(time)s avec %(name)s "
            "(%(service)s)."
        ),
        VisitEvent.MOVED: _(
            "Intervention %(reference)s déplacée au %(day)s à %(time)s avec %(name)s."
        ),
        VisitEvent.CANCELLED: _("Intervention %(reference)s du %(day)s annulée."),
    }
    return texts[event] % values


def _follow_ticket(visit: Visit, event: str, by: Any = None) -> None:
    """The ticket this visit answers (its request) hears of the booking, move or cancel."""
    ticket = ticket_for_request(visit.workspace_id, visit.request_id)
    if ticket is None:
        return
    left = 0
    if event == VisitEvent.CANCELLED:
        left = (
            Visit.objects.filter(request_id=visit.request_id, status=VisitStatus.CONFIRMED)
            .exclude(pk=visit.pk)
            .count()
        )
    ticket_visit_event(
        ticket=ticket, event=event, summary=visit_summary(visit, event), by=by, visits_left=left
    )


# --- booking -------------------------------------------------------------------------------


def visit_book(
    *,
    service: ServiceType,
    starts_at: dt.datetime,
    channel: str,
    by: Any = None,
    technician: Technician | None = None,
    person: Any = None,
    company: Any = None,
    site: Any = None,
    postcode: str = "",
    requested_at: dt.datetime | None = None,
    request: Interaction | None = None,
    subject: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    customer_notes: str = "",
) -> Visit:
    """Book ``service`` at ``starts_at`` with ``technician`` (or the best free one).

    Raises SlotTaken, with free alternatives, when the slot is not (or no longer) free, and
    ValidationError for any other bad input. Nothing is written unless all of it is right.
    """
    tz = ZoneInfo(service.workspace.timezone)
    starts_at = _aware(starts_at, tz)
    if by is not None and by.workspace_id != service.workspace_id:
        raise ValidationError({"service": _("Prestation introuvable.")})
    if not service.is_active:
        raise ValidationError({"service": _("Cette prestation n'est plus proposée.")})
    for related in (technician, person, company, site, request):
        if related is not None and related.workspace_id != service.workspace_id:
            raise ValidationError(_("Élément introuvable."))
    if by is not None and not by.can_write:
        raise ValidationError(_("Votre rôle ne permet pas de prendre un rendez-vous."))
    _check_start(service=service, starts_at=starts_at, channel=channel)
    place = Place(site=site, postcode=postcode)
    try:
        return _book(
            service=service,
            starts_at=starts_at,
            channel=channel,
            by=by,
            technician=technician,
            person=person,
            company=company,
            site=site,
            place=place,
            requested_at=requested_at,
            request=request,
            subject=subject,
            contact=(contact_name, contact_phone, contact_email),
            customer_notes=customer_notes,
        )
    except _Taken:
        closed = _closed_reason(
            service=service, place=place, starts_at=starts_at, technician=technician
        )
        raise SlotTaken(
            closed or _("Ce créneau vient d'être pris. Voici les prochains créneaux libres."),
            alternatives_for(service=service, place=place, around=starts_at),
            closed=bool(closed),
        ) from None


def _closed_reason(
    *, service: ServiceType, place: Place, starts_at: dt.datetime, technician: Technician | None
) -> str:
    """Why nobody works at ``starts_at`` (public holiday, outside every working period of the
    qualified technicians); "" when the start is open and only taken."""
    tz = ZoneInfo(service.workspace.timezone)
    local = timezone.localtime(starts_at, tz)
    holiday = holiday_name(local.date())
    if holiday:
        return _("Nous n'intervenons pas le %(day)s (%(name)s, jour férié).") % {
            "day": f"{local:%d/%m/%Y}",
            "name": holiday,
        }
    end = local + dt.timedelta(minutes=service.duration_minutes + service.buffer_minutes)
    if technician is not None:
        candidates = [technician]
    else:
        need = Need(service=service, earliest=starts_at, point=place.point, postcode=place.code)
        candidates = qualified_technicians(need)
    periods = WorkingHours.objects.filter(technician__in=candidates, weekday=local.weekday())
    if end.date() == local.date() and any(
        p.starts <= local.time() and end.time() <= p.ends for p in periods
    ):
        return ""
    return _(
        "Ce créneau (%(day)s à %(time)s) est en dehors de nos horaires d'intervention : "
        "choisissez l'un des créneaux libres."
    ) % {"day": f"{local:%d/%m/%Y}", "time": f"{local:%H:%M}"}


class _Taken(Exception):
    pass


@transaction.atomic
def _book(
    *,
    service: ServiceType,
    starts_at: dt.datetime,
    channel: str,
    by: Any,
    technician: Technician | None,
    person: Any,
    company: Any,
    site: Any,
    place: Place,
    requested_at: dt.datetime | None,
    request: Interaction | None,
    subject: str,
    contact: tuple[str, str, str],
    customer_notes: str,
) -> Visit:
    if technician is not None:
        _lock_technician(technician.pk)
    slot = _free_slot_at(service=service, place=place, starts_at=starts_at, technician=technician)
    if slot is None:
        raise _Taken
    if technician is None:
        technician = Technician.objects.select_related("user").get(pk=slot.technician_id)
        _lock_technician(technician.pk)
        # Re-read after the lock: a concurrent booking may have taken this technician.
        slot = _free_slot_at(
            service=service, place=place, starts_at=starts_at, technician=technician
        )
        if slot is None:
            raise _Taken
    now = timezone.now()
    process, stage = _support_process(service.workspace_id)
    if not subject:
        customer = person or company
        subject = f"{service.name} · {customer}" if customer is not None else service.name
    interaction = Interaction(
        workspace_id=service.workspace_id,
        kind=Kind.APPOINTMENT,
        process=process,
        stage=stage,
        state=State.OPEN,
        subject=subject[:200],
        owner=technician.user,
        person=person,
        company=company,
        site=site,
        starts_at=starts_at,
        duration_minutes=service.duration_minutes,
        created_by=by,
    )
    interaction.save()
    contact_name, contact_phone, contact_email = contact
    visit = Visit(
        workspace_id=service.workspace_id,
        interaction=interaction,
        technician=technician,
        service_type=service,
        request=request,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=service.duration_minutes + service.buffer_minutes),
        channel=channel,
        reference=visit_reference_next(service.workspace_id, now),
        requested_at=min(requested_at or now, now),
        confirmed_at=now,
        contact_name=contact_name[:200],
        contact_phone=contact_phone[:40],
        contact_email=contact_email[:254],
        customer_notes=customer_notes,
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError as error:
        if "visit_no_overlap" in str(error):
            raise _Taken from error
        raise
    visit.workspace = service.workspace
    _plan_reminders(visit)
    audit_record(actor=by, instance=interaction, action=Action.CREATE)
    _follow_ticket(visit, VisitEvent.BOOKED, by)
    _announce(visit.pk, BOOKED)
    return visit


def visit_reschedule(
    *,
    visit: Visit,
    starts_at: dt.datetime,
    by: Any = None,
    technician: Technician | None = None,
    duration_minutes: int | None = None,
    channel: str = Channel.STAFF,
) -> Visit:
    """Move a visit (and its appointment, reminders) to a new time or technician."""
    if by is not None and not by.can_write:
        raise ValidationError(_("Votre rôle ne permet pas de déplacer un rendez-vous."))
    if not visit.is_confirmed:
        raise ValidationError(_("Ce rendez-vous est annulé : reprenez-en un nouveau."))
    tz = ZoneInfo(visit.workspace.timezone)
    starts_at = _aware(starts_at, tz)
    technician = technician or visit.technician
    if technician.workspace_id != visit.workspace_id:
        raise ValidationError({"technician": _("Technicien introuvable.")})
    minutes = duration_minutes or visit.interaction.duration_minutes or 60
    if starts_at < timezone.now():
        raise ValidationError(
            {"starts_at": _("Ce créneau est déjà passé : choisissez-en un autre.")}
        )
    with transaction.atomic():
        _lock_technician(technician.pk)
        reasons = conflicts(
            technician=technician,
            start=starts_at,
            end=starts_at + dt.timedelta(minutes=minutes),
            buffer=visit.service_type.buffer_minutes,
            exclude_interaction_id=visit.interaction_id,
            check_capacity=channel != Channel.STAFF,
        )
        if reasons:
            raise ValidationError({"starts_at": reasons})
        interaction = visit.interaction
        before = snapshot(interaction)
        interaction.starts_at = starts_at
        interaction.duration_minutes = minutes
        interaction.owner = technician.user
        _sync(visit, interaction, technician=technician, by=by)
        interaction.save()
        audit_record(actor=by, instance=interaction, action=Action.UPDATE, before=before)
    return visit


def _sync(
    visit: Visit, interaction: Interaction, *, technician: Technician, by: Any = None
) -> None:
    """Align the visit on its appointment; refuse (rolled back) if it now collides."""
    old_owner = visit.technician.user_id
    visit.technician = technician
    visit.starts_at = interaction.starts_at
    visit.ends_at = interaction.compute_ends_at() + dt.timedelta(
        minutes=visit.service_type.buffer_minutes
    )
    try:
        with transaction.atomic():
            visit.save(update_fields=["technician", "starts_at", "ends_at"])
    except IntegrityError as error:
        raise ValidationError(
            {"starts_at": _("Ce créneau vient d'être pris : choisissez-en un autre.")}
        ) from error
    _plan_reminders(visit)
    _follow_ticket(visit, VisitEvent.MOVED, by)
    _announce(visit.pk, RESCHEDULED, previous_owner_id=old_owner)


def visit_cancel(*, visit: Visit, by: Any = None, reason: str = "") -> Visit:
    """Cancel: the slot is freed, reminders are dropped, the customer is told."""
    if by is not None and not by.can_write:
        raise ValidationError(_("Votre rôle ne permet pas d'annuler un rendez-vous."))
    if not visit.is_confirmed:
        return visit
    with transaction.atomic():
        interaction = visit.interaction
        before = snapshot(interaction)
        interaction.state = State.CANCELLED
        interaction.completed_at = None
        if reason:
            interaction.outcome = reason
        interaction.save()
        _cancel_visit(visit, by)
        audit_record(actor=by, instance=interaction, action=Action.UPDATE, before=before)
    return visit


def _cancel_visit(visit: Visit, by: Any = None) -> None:
    now = timezone.now()
    visit.status = VisitStatus.CANCELLED
    visit.cancelled_at = now
    visit.save(update_fields=["status", "cancelled_at"])
    Reminder.objects.filter(visit=visit, sent_at__isnull=True).update(cancelled_at=now)
    _follow_ticket(visit, VisitEvent.CANCELLED, by)
    _announce(visit.pk, CANCELLED)


def interaction_changing_check(
    *, interaction: Interaction, before: dict[str, Any], by: Any
) -> None:
    """Keep a visit in step when its appointment is changed from the agenda or the API.

    A move onto another booking, an absence, a holiday or outside working hours is refused
    with the reasons; a cancelled appointment frees the visit.
    """
    try:
        visit = Visit.objects.select_related("technician__user", "service_type").get(
            interaction_id=interaction.pk
        )
    except Visit.DoesNotExist:
        return
    if not visit.is_confirmed:
        return
    if interaction.state == State.CANCELLED:
        _cancel_visit(visit, by)
        return
    moved = (
        interaction.starts_at != visit.starts_at
        or interaction.compute_ends_at() + dt.timedelta(minutes=visit.service_type.buffer_minutes)
        != visit.ends_at
        or interaction.owner_id != visit.technician.user_id
    )
    if not moved:
        return
    try:
        technician = Technician.objects.select_related("user").get(
            user_id=interaction.owner_id, workspace_id=interaction.workspace_id
        )
    except Technician.DoesNotExist:
        raise ValidationError(
            {"owner": _("Ce rendez-vous est une intervention : confiez-le à un technicien.")}
        ) from None
    _lock_technician(technician.pk)
    reasons = conflicts(
        technician=technician,
        start=interaction.starts_at,
        end=interaction.compute_ends_at(),
        buffer=visit.service_type.buffer_minutes,
        exclude_interaction_id=interaction.pk,
        check_capacity=False,
    )
    if reasons:
        raise ValidationError({"starts_at": reasons})
    _sync(visit, interaction, technician=technician, by=by)


# --- technicians and absences --------------------------------------------------------------


@transaction.atomic
def technician_enable(*, user: Any, by: Any, **fields: Any) -> Technician:
    """Make ``user`` bookable, with default hours 8:00-12:00 / 14:00-18:00 Monday to Friday."""
    if not by.is_manager:
        raise ValidationError(_("Seul un responsable peut gérer les techniciens."))
    if user.workspace_id != by.workspace_id:
        raise ValidationError(_("Utilisateur introuvable."))
    profile = fields.pop("capacity_profile", "planned")
    technician, created = Technician.objects.get_or_create(
        user=user,
        defaults={
            "workspace_id": user.workspace_id,
            "capacity_profile": profile,
            "daily_capacity_minutes": DEFAULT_CAPACITY_MINUTES.get(profile, 300),
            **fields,
        },
    )
    if created:
        from comptoir.scheduling.models import WorkingHours

        WorkingHours.objects.bulk_create(
            WorkingHours(
                workspace_id=user.workspace_id,
                technician=technician,
                weekday=day,
                starts=dt.time(start),
                ends=dt.time(end),
            )
            for day in range(5)
            for start, end in ((8, 12), (14, 18))
        )
        audit_record(actor=by, instance=technician, action=Action.CREATE)
    return technician
