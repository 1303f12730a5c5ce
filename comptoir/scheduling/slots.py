"""The slot engine: where and when a qualified technician can take a job.

For a need (service type, place, earliest moment, number of days) it walks the days in order
and, for every qualified technician, the working periods of the day minus absences and booked
time, keeping room for the drive from the previous job and to the next one, and the daily
capacity. Slots are ranked soonest first, then least travel. Everything is read in a handful
of queries; the rest is arithmetic on sorted intervals.

Times are aware datetimes. Working hours are wall-clock times in the workspace's zone, turned
into instants day by day, so a technician starting at 8:00 starts at 8:00 on both sides of a
daylight-saving change.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.activities.models import Interaction, Kind, State, format_minutes
from comptoir.lib.geo import Point, geocoder, haversine_km, travel_minutes
from comptoir.lib.holidays import holiday_name
from comptoir.scheduling.models import (
    Absence,
    BookingSettings,
    ServiceType,
    Technician,
    VisitStatus,
    WorkingHours,
)


@dataclass(frozen=True)
class Slot:
    """A free start for the job: the appointment is [start, end), buffer not included."""

    start: dt.datetime
    end: dt.datetime
    technician_id: int
    technician_name: str
    travel_minutes: int


@dataclass
class Need:
    """What to place: a service type at a place, from a moment, over some days."""

    service: ServiceType
    earliest: dt.datetime
    days: int = 14
    point: Point | None = None
    postcode: str = ""
    technician_id: int | None = None
    # The interaction being moved: its own time does not block itself.
    exclude_interaction_id: int | None = None


@dataclass
class Busy:
    start: dt.datetime
    end: dt.datetime  # buffer included
    minutes: int  # what counts against the daily capacity (the appointment itself)
    point: Point | None
    label: str = ""


@dataclass
class _TechDay:
    periods: list[tuple[dt.datetime, dt.datetime]]
    busy: list[Busy] = field(default_factory=list)


def booking_settings(workspace_id: int) -> BookingSettings:
    found, _created = BookingSettings.objects.get_or_create(workspace_id=workspace_id)
    return found


def point_of(latitude: object, longitude: object) -> Point | None:
    if latitude is None or longitude is None:
        return None
    return (float(latitude), float(longitude))  # type: ignore[arg-type]


def locate(*, postcode: str, city: str = "", street: str = "") -> Point | None:
    if not postcode:
        return None
    return geocoder().locate(postcode=postcode, city=city, street=street)


def qualified_technicians(need: Need) -> list[Technician]:
    """Active technicians with the service's skill whose zone covers the place."""
    qs = Technician.objects.filter(
        workspace_id=need.service.workspace_id, is_active=True, user__is_active=True
    ).select_related("user")
    if need.technician_id:
        qs = qs.filter(pk=need.technician_id)
    if need.service.skill_id:
        qs = qs.filter(skills=need.service.skill_id)
    return [t for t in qs if covers(t, need.postcode, need.point)]


def covers(technician: Technician, postcode: str, point: Point | None) -> bool:
    prefixes = technician.zone_prefixes
    radius = technician.zone_radius_km
    if not prefixes and not radius:
        return True  # no zone: goes anywhere
    if postcode and any(postcode.startswith(p) for p in prefixes):
        return True
    if radius and point is not None:
        home = point_of(technician.home_latitude, technician.home_longitude)
        return home is not None and haversine_km(home, point) <= radius
    return False


def _local_periods(
    hours: Iterable[tuple[int, dt.time, dt.time]], day: dt.date, tz: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The working periods of ``day`` as instants; ``hours`` are (weekday, starts, ends)."""
    weekday = day.weekday()
    return sorted(
        (dt.datetime.combine(day, starts, tz), dt.datetime.combine(day, ends, tz))
        for on, starts, ends in hours
        if on == weekday
    )


def _subtract(
    periods: list[tuple[dt.datetime, dt.datetime]], holes: list[tuple[dt.datetime, dt.datetime]]
) -> list[tuple[dt.datetime, dt.datetime]]:
    out = periods
    for hole_start, hole_end in holes:
        cut: list[tuple[dt.datetime, dt.datetime]] = []
        for start, end in out:
            if hole_end <= start or hole_start >= end:
                cut.append((start, end))
                continue
            if hole_start > start:
                cut.append((start, hole_start))
            if hole_end < end:
                cut.append((hole_end, end))
        out = cut
    return out


class Calendar:
    """Working periods and booked time of some technicians, read once per stretch of days.

    Booked time is read a week at a time, then in growing stretches, as the search walks
    forward: a search that fills its page on the first days never reads the two months after.
    """

    FIRST_STRETCH_DAYS = 7

    def __init__(
        self,
        technicians: list[Technician],
        start: dt.datetime,
        end: dt.datetime,
        tz: ZoneInfo,
        *,
        exclude_interaction_id: int | None = None,
    ) -> None:
        self.technicians = technicians
        self.tz = tz
        self.exclude_interaction_id = exclude_interaction_id
        ids = [t.pk for t in technicians]
        self.hours: dict[int, list[tuple[int, dt.time, dt.time]]] = defaultdict(list)
        rows = WorkingHours.objects.filter(technician_id__in=ids).values_list(
            "technician_id", "weekday", "starts", "ends"
        )
        for technician_id, weekday, starts, ends in rows:
            self.hours[technician_id].append((weekday, starts, ends))
        self.absences: dict[int, list[tuple[dt.datetime, dt.datetime, str]]] = defaultdict(list)
        for a in Absence.objects.filter(
            technician_id__in=ids, ends_at__gt=start, starts_at__lt=end
        ).order_by("starts_at"):
            self.absences[a.technician_id].append((a.starts_at, a.ends_at, a.reason))
        self.by_user = {t.user_id: t.pk for t in technicians}
        self.workspace_id = technicians[0].workspace_id if technicians else 0
        self.window_end = end
        self.window_start = self.loaded_until = start
        self.stretch = dt.timedelta(days=self.FIRST_STRETCH_DAYS)
        # (technician id, local date) → booked time touching that day, sorted by start
        self.busy: dict[tuple[int, dt.date], list[Busy]] = defaultdict(list)

    def _load_until(self, moment: dt.datetime) -> None:
        while self.loaded_until < moment:
            start = self.loaded_until
            end = min(start + self.stretch, self.window_end + dt.timedelta(days=1))
            if end <= start:
                end = moment
            self._load(start, end)
            self.loaded_until = end
            self.stretch *= 2

    def _load(self, start: dt.datetime, end: dt.datetime) -> None:
        rows = (
            Interaction.objects.filter(
                workspace_id=self.workspace_id,
                owner_id__in=list(self.by_user),
                kind=Kind.APPOINTMENT,
                starts_at__lt=end,
                ends_at__gt=start - dt.timedelta(days=1),
            )
            .exclude(state=State.CANCELLED)
            .order_by()
            .values_list(
                "id",
                "owner_id",
                "starts_at",
                "duration_minutes",
                "subject",
                "site__latitude",
                "site__longitude",
                "visit__service_type__buffer_minutes",
                "visit__status",
            )
        )
        tz = self.tz
        touched: set[tuple[int, dt.date]] = set()
        for pk, owner_id, b_start, minutes, subject, lat, lon, buffer, status in rows:
            if pk == self.exclude_interaction_id or status == VisitStatus.CANCELLED:
                continue
            if b_start < start and start > self.window_start:
                continue  # read with the previous stretch
            minutes = minutes or 0
            busy = Busy(
                b_start,
                b_start + dt.timedelta(minutes=minutes + (buffer or 0)),
                minutes,
                point_of(lat, lon),
                subject,
            )
            tech = self.by_user[owner_id]
            first = b_start.astimezone(tz).date()
            last = busy.end.astimezone(tz).date()
            day = first
            while day <= last:
                self.busy[(tech, day)].append(busy)
                touched.add((tech, day))
                day += dt.timedelta(days=1)
        for key in touched:
            self.busy[key].sort(key=lambda b: b.start)

    def day(self, technician: Technician, day: dt.date) -> _TechDay:
        periods = _local_periods(self.hours.get(technician.pk, []), day, self.tz)
        absences = [(s, e) for s, e, _r in self.absences.get(technician.pk, [])]
        periods = _subtract(periods, absences)
        self._load_until(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, self.tz))
        return _TechDay(periods=periods, busy=self.busy.get((technician.pk, day), []))

    def booked_minutes(self, technician: Technician, day: dt.date) -> int:
        """What counts against the daily capacity: appointments starting that day."""
        return sum(
            b.minutes
            for b in self.busy.get((technician.pk, day), [])
            if b.start.astimezone(self.tz).date() == day
        )


def _day_slots(
    technician: Technician,
    tech_day: _TechDay,
    *,
    duration: int,
    buffer: int,
    step: int,
    earliest: dt.datetime,
    point: Point | None,
    speed: int,
    capacity_left: int,
) -> list[Slot]:
    if capacity_left < duration or not tech_day.periods:
        return []
    home = point_of(technician.home_latitude, technician.home_longitude)
    busy = tech_day.busy
    starts = [b.start for b in busy]
    length = dt.timedelta(minutes=duration)
    block = dt.timedelta(minutes=duration + buffer)
    slots: list[Slot] = []
    for period_start, period_end in tech_day.periods:
        offset = (period_start.hour * 60 + period_start.minute) % step
        candidate = period_start + dt.timedelta(minutes=(step - offset) % step)
        while candidate + block <= period_end:
            if candidate < earliest:
                candidate += dt.timedelta(minutes=step)
                continue
            block_end = candidate + block
            # busy[:i] start before the block ends: all of them must end before it starts.
            i = bisect.bisect_left(starts, block_end)
            if any(b.end > candidate for b in busy[:i]):
                candidate += dt.timedelta(minutes=step)
                continue
            before = max(busy[:i], key=lambda b: b.end, default=None)
            origin = before.point if before is not None else home
            travel_in = travel_minutes(origin, point, speed_kmh=speed)
            if before is not None and before.end + dt.timedelta(minutes=travel_in) > candidate:
                candidate += dt.timedelta(minutes=step)
                continue
            following = busy[i] if i < len(busy) else None
            if following is not None:
                travel_out = travel_minutes(point, following.point, speed_kmh=speed)
                if block_end + dt.timedelta(minutes=travel_out) > following.start:
                    candidate += dt.timedelta(minutes=step)
                    continue
            slots.append(
                Slot(
                    start=candidate,
                    end=candidate + length,
                    technician_id=technician.pk,
                    technician_name=technician.name,
                    travel_minutes=travel_in,
                )
            )
            candidate += dt.timedelta(minutes=step)
    return slots


def find_slots(need: Need, *, limit: int = 20, distinct_starts: bool = False) -> list[Slot]:
    """The best free slots for ``need``: soonest first, then least travel.

    ``distinct_starts`` keeps one slot per start time (the best technician for it), as a
    customer choosing a time sees it.
    """
    service = need.service
    workspace_id = service.workspace_id
    rules = booking_settings(workspace_id)
    tz = ZoneInfo(service.workspace.timezone)
    technicians = qualified_technicians(need)
    if not technicians or need.days <= 0:
        return []
    point = need.point or locate(postcode=need.postcode)
    first_day = timezone.localtime(need.earliest, tz).date()
    window_start = dt.datetime.combine(first_day, dt.time.min, tz)
    window_end = window_start + dt.timedelta(days=need.days + 1)
    calendar = Calendar(
        technicians,
        window_start,
        window_end,
        tz,
        exclude_interaction_id=need.exclude_interaction_id,
    )
    found: list[Slot] = []
    for offset in range(need.days):
        day = first_day + dt.timedelta(days=offset)
        if holiday_name(day):
            continue
        today: list[Slot] = []
        for technician in technicians:
            tech_day = calendar.day(technician, day)
            used = calendar.booked_minutes(technician, day)
            today.extend(
                _day_slots(
                    technician,
                    tech_day,
                    duration=service.duration_minutes,
                    buffer=service.buffer_minutes,
                    step=rules.slot_step_minutes or 30,
                    earliest=need.earliest,
                    point=point,
                    speed=rules.average_speed_kmh,
                    capacity_left=technician.daily_capacity_minutes - used,
                )
            )
        today.sort(key=lambda s: (s.start, s.travel_minutes, s.technician_name, s.technician_id))
        if distinct_starts:
            seen: set[dt.datetime] = set()
            today = [s for s in today if not (s.start in seen or seen.add(s.start))]  # type: ignore[func-returns-value]
        found.extend(today)
        if len(found) >= limit:
            break
    return found[:limit]


def conflicts(
    *,
    technician: Technician,
    start: dt.datetime,
    end: dt.datetime,
    buffer: int = 0,
    exclude_interaction_id: int | None = None,
    check_capacity: bool = True,
) -> list[str]:
    """Why ``technician`` cannot take [start, end): French reasons, empty when it fits.

    Used to re-validate a drag on the planning board and a booking at the last moment.
    """
    tz = ZoneInfo(technician.workspace.timezone)
    day = timezone.localtime(start, tz).date()
    reasons: list[str] = []
    holiday = holiday_name(day)
    if holiday:
        reasons.append(_("Jour férié (%(name)s).") % {"name": holiday})
    window_start = dt.datetime.combine(day, dt.time.min, tz)
    calendar = Calendar(
        [technician],
        window_start,
        window_start + dt.timedelta(days=1),
        tz,
        exclude_interaction_id=exclude_interaction_id,
    )
    for a_start, a_end, reason in calendar.absences.get(technician.pk, []):
        if a_start < end and a_end > start:
            reasons.append(
                _("%(name)s est indisponible (%(reason)s).")
                % {"name": technician.name, "reason": reason or _("absence")}
            )
    periods = _local_periods(calendar.hours.get(technician.pk, []), day, tz)
    block_end = end + dt.timedelta(minutes=buffer)
    if not any(p_start <= start and block_end <= p_end for p_start, p_end in periods):
        hours = ", ".join(
            f"{timezone.localtime(s, tz):%H:%M}–{timezone.localtime(e, tz):%H:%M}"
            for s, e in periods
        )
        reasons.append(
            _("En dehors des horaires de travail de %(name)s (%(hours)s).")
            % {"name": technician.name, "hours": hours or _("ne travaille pas ce jour-là")}
        )
    tech_day = calendar.day(technician, day)
    for b in tech_day.busy:
        if b.start < block_end and b.end > start:
            reasons.append(
                _("Chevauche « %(subject)s » (%(start)s–%(end)s).")
                % {
                    "subject": b.label,
                    "start": f"{timezone.localtime(b.start, tz):%H:%M}",
                    "end": f"{timezone.localtime(b.end, tz):%H:%M}",
                }
            )
    if check_capacity:
        used = calendar.booked_minutes(technician, day)
        wanted = int((end - start).total_seconds() // 60)
        if used + wanted > technician.daily_capacity_minutes:
            reasons.append(
                _("Capacité du jour dépassée : %(used)s planifiées sur %(cap)s.")
                % {
                    "used": _minutes(used + wanted),
                    "cap": _minutes(technician.daily_capacity_minutes),
                }
            )
    return reasons


def _minutes(value: int) -> str:
    return format_minutes(value)
