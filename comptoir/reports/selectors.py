"""Figures of the service dashboard. Each function takes (workspace_id, start, end) — dates
included, in the workspace's time zone — and returns plain data; a handful of queries each,
grouped in Python. Read-only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from comptoir.accounts.models import Workspace
from comptoir.calls.models import FINISHED as CALL_FINISHED
from comptoir.calls.models import Call, CallStatus
from comptoir.field.models import DetectedNeed
from comptoir.lib.holidays import french_holidays
from comptoir.lib.stats import Stats
from comptoir.portal.models import Survey
from comptoir.scheduling.models import Absence, Technician, Visit, VisitStatus, WorkingHours
from comptoir.tickets.models import Status, Ticket, TicketChannel

# Targets shown next to the figures.
SLA_TARGET_PERCENT = 95
CALLS_TRACED_TARGET_PERCENT = 100


# --- period and weeks ------------------------------------------------------------------------


def workspace_tz(workspace_id: int) -> ZoneInfo:
    name = Workspace.objects.filter(pk=workspace_id).values_list("timezone", flat=True).first()
    try:
        return ZoneInfo(name or "Europe/Paris")
    except (ValueError, KeyError):
        return ZoneInfo("Europe/Paris")


def bounds(start: dt.date, end: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) as aware datetimes."""
    return (
        dt.datetime.combine(start, dt.time.min, tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
    )


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The Mondays of the ISO weeks touching [start, end]."""
    mondays = []
    monday = monday_of(start)
    while monday <= end:
        mondays.append(monday)
        monday += dt.timedelta(weeks=1)
    return mondays


def week_label(monday: dt.date) -> str:
    return f"S{monday.isocalendar()[1]:02d}"


def _week(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    return monday_of(timezone.localtime(moment, tz).date())


# --- pure figures ----------------------------------------------------------------------------


def nps(scores: Iterable[int]) -> int | None:
    """Net Promoter Score: % of 9-10 minus % of 0-6, rounded; None without any answer."""
    values = list(scores)
    if not values:
        return None
    promoters = sum(1 for s in values if s >= 9)
    detractors = sum(1 for s in values if s <= 6)
    return round(100 * (promoters - detractors) / len(values))


def csat_average(scores: Iterable[int]) -> float | None:
    """Average satisfaction (1 to 5), one decimal; None without any answer."""
    values = list(scores)
    if not values:
        return None
    return round(sum(values) / len(values), 1)


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


# --- requests (tickets) ----------------------------------------------------------------------


@dataclass
class ChannelSeries:
    code: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Requests:
    weeks: list[dt.date]
    series: list[ChannelSeries]
    total: int


def requests_by_channel(workspace_id: int, start: dt.date, end: dt.date) -> Requests:
    """Tickets created in the period, per channel and ISO week (one query)."""
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    weeks = weeks_between(start, end)
    index = {monday: i for i, monday in enumerate(weeks)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    rows = Ticket.objects.filter(
        workspace_id=workspace_id, created_at__gte=since, created_at__lt=until
    ).values_list("channel", "created_at")
    total = 0
    for channel, created_at in rows:
        counts[channel][index[_week(created_at, tz)]] += 1
        total += 1
    series = [
        ChannelSeries(code=c.value, label=str(c.label), counts=counts[c.value])
        for c in TicketChannel
        if c.value in counts
    ]
    return Requests(weeks=weeks, series=series, total=total)


@dataclass
class WeekTimes:
    monday: dt.date
    first_response: Stats | None
    resolution: Stats | None


@dataclass
class Times:
    first_response: Stats | None
    resolution: Stats | None
    weeks: list[WeekTimes]


def response_times(workspace_id: int, start: dt.date, end: dt.date) -> Times:
    """Time from opening to the first response, counted in the week the response was given;
    time from opening to resolution, counted in the week of resolution (wall-clock time, as
    the customer lived it). One query."""
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    rows = Ticket.objects.filter(workspace_id=workspace_id).filter(
        Q(first_response_at__gte=since, first_response_at__lt=until)
        | Q(resolved_at__gte=since, resolved_at__lt=until)
    )
    weeks = weeks_between(start, end)
    responses: dict[dt.date, list[float]] = defaultdict(list)
    resolutions: dict[dt.date, list[float]] = defaultdict(list)
    for created_at, responded_at, resolved_at in rows.values_list(
        "created_at", "first_response_at", "resolved_at"
    ):
        if responded_at is not None and since <= responded_at < until:
            seconds = max(0.0, (responded_at - created_at).total_seconds())
            responses[_week(responded_at, tz)].append(seconds)
        if resolved_at is not None and since <= resolved_at < until:
            seconds = max(0.0, (resolved_at - created_at).total_seconds())
            resolutions[_week(resolved_at, tz)].append(seconds)
    return Times(
        first_response=Stats.of([v for values in responses.values() for v in values]),
        resolution=Stats.of([v for values in resolutions.values() for v in values]),
        weeks=[
            WeekTimes(
                monday=monday,
                first_response=Stats.of(responses.get(monday, [])),
                resolution=Stats.of(resolutions.get(monday, [])),
            )
            for monday in weeks
        ],
    )


@dataclass
class WeekSla:
    monday: dt.date
    met: int
    breached: int

    @property
    def rate(self) -> float | None:
        return rate(self.met, self.met + self.breached)


@dataclass
class Sla:
    met: int
    breached: int
    pending: int
    weeks: list[WeekSla]
    target: int = SLA_TARGET_PERCENT

    @property
    def rate(self) -> float | None:
        return rate(self.met, self.met + self.breached)

    @property
    def on_target(self) -> bool | None:
        return None if self.rate is None else self.rate >= self.target


def sla_verdict(
    *,
    status: str,
    now: dt.datetime,
    responded_at: dt.datetime | None,
    response_due: dt.datetime | None,
    resolved_at: dt.datetime | None,
    resolution_due: dt.datetime | None,
) -> bool | None:
    """True when both targets were met, False as soon as one was missed, None while still
    undecided (or without SLA). A ticket waiting for the customer has its clock stopped."""
    if response_due is None and resolution_due is None:
        return None
    paused = status == Status.WAITING
    decided = True
    for done_at, due in ((responded_at, response_due), (resolved_at, resolution_due)):
        if due is None:
            continue
        if done_at is not None:
            if done_at > due:
                return False
        elif due < now and not paused:
            return False
        else:
            decided = False
    return True if decided else None


def sla_compliance(
    workspace_id: int, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> Sla:
    """Tickets opened in the period whose first-response and resolution targets were both met,
    out of those already decided (met both, or missed one). Per ISO week of opening."""
    now = now or timezone.now()
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    weeks = weeks_between(start, end)
    met: dict[dt.date, int] = defaultdict(int)
    breached: dict[dt.date, int] = defaultdict(int)
    pending = 0
    rows = Ticket.objects.filter(
        workspace_id=workspace_id, created_at__gte=since, created_at__lt=until
    ).values_list(
        "created_at",
        "status",
        "first_response_at",
        "first_response_due_at",
        "resolved_at",
        "resolution_due_at",
    )
    for created_at, status, responded_at, response_due, resolved_at, resolution_due in rows:
        verdict = sla_verdict(
            status=status,
            now=now,
            responded_at=responded_at,
            response_due=response_due,
            resolved_at=resolved_at,
            resolution_due=resolution_due,
        )
        week = _week(created_at, tz)
        if verdict is True:
            met[week] += 1
        elif verdict is False:
            breached[week] += 1
        elif response_due is not None or resolution_due is not None:
            pending += 1
    return Sla(
        met=sum(met.values()),
        breached=sum(breached.values()),
        pending=pending,
        weeks=[WeekSla(monday=m, met=met[m], breached=breached[m]) for m in weeks],
    )


@dataclass
class Backlog:
    open_at_end: int
    weeks: list[tuple[dt.date, int]]


def backlog(
    workspace_id: int, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> Backlog:
    """Open requests at the end of the period (or now, if sooner) and at the end of each week:
    opened before that moment and not resolved or closed by then. One query."""
    now = now or timezone.now()
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    rows = list(
        Ticket.objects.filter(workspace_id=workspace_id, created_at__lt=until)
        .filter(
            Q(resolved_at__isnull=True, closed_at__isnull=True)
            | Q(resolved_at__gte=since)
            | Q(resolved_at__isnull=True, closed_at__gte=since)
        )
        .values_list("created_at", "resolved_at", "closed_at")
    )

    def open_at(moment: dt.datetime) -> int:
        count = 0
        for created_at, resolved_at, closed_at in rows:
            finished = resolved_at or closed_at
            if created_at < moment and (finished is None or finished >= moment):
                count += 1
        return count

    weeks = []
    for monday in weeks_between(start, end):
        week_end = min(
            dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tz), until, now
        )
        weeks.append((monday, open_at(week_end)))
    return Backlog(open_at_end=open_at(min(until, now)), weeks=weeks)


# --- calls -----------------------------------------------------------------------------------


@dataclass
class Calls:
    total: int
    traced: int
    missed: int
    callbacks: int
    weeks: list[tuple[dt.date, int, int]]  # monday, calls, traced
    target: int = CALLS_TRACED_TARGET_PERCENT

    @property
    def rate(self) -> float | None:
        return rate(self.traced, self.total)

    @property
    def untraced(self) -> int:
        return self.total - self.traced


def calls_traced(workspace_id: int, start: dt.date, end: dt.date) -> Calls:
    """Finished calls of the period, and how many left an « Appel » interaction on a timeline
    (the goal: all of them). Missed ones, and the call-back tasks they left. One query."""
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    weeks = weeks_between(start, end)
    totals: dict[dt.date, int] = defaultdict(int)
    traced: dict[dt.date, int] = defaultdict(int)
    missed = callbacks = 0
    rows = Call.objects.filter(
        workspace_id=workspace_id,
        started_at__gte=since,
        started_at__lt=until,
        status__in=CALL_FINISHED,
    ).values_list("started_at", "status", "interaction_id", "callback_task_id")
    for started_at, status, interaction_id, callback_id in rows:
        week = _week(started_at, tz)
        totals[week] += 1
        if interaction_id is not None:
            traced[week] += 1
        if status == CallStatus.MISSED:
            missed += 1
            if callback_id is not None:
                callbacks += 1
    return Calls(
        total=sum(totals.values()),
        traced=sum(traced.values()),
        missed=missed,
        callbacks=callbacks,
        weeks=[(m, totals[m], traced[m]) for m in weeks],
    )


# --- technicians -----------------------------------------------------------------------------


@dataclass
class Workload:
    technician_id: int
    user_id: int
    name: str
    color: str
    booked_minutes: int
    capacity_minutes: int

    @property
    def rate(self) -> float | None:
        return rate(self.booked_minutes, self.capacity_minutes)

    @property
    def booked_hours(self) -> float:
        return round(self.booked_minutes / 60, 1)

    @property
    def capacity_hours(self) -> float:
        return round(self.capacity_minutes / 60, 1)


def technician_workload(
    workspace_id: int, start: dt.date, end: dt.date, *, user_id: int | None = None
) -> list[Workload]:
    """Per active technician: time booked on confirmed visits starting in the period (buffer
    included) against their capacity — daily capacity × working days (their weekly hours,
    French public holidays and whole days of absence excepted). Four queries."""
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    technicians = Technician.objects.filter(workspace_id=workspace_id, is_active=True)
    if user_id is not None:
        technicians = technicians.filter(user_id=user_id)
    techs = list(technicians.select_related("user"))
    ids = [t.pk for t in techs]
    weekdays: dict[int, set[int]] = defaultdict(set)
    for tech_id, weekday in WorkingHours.objects.filter(technician_id__in=ids).values_list(
        "technician_id", "weekday"
    ):
        weekdays[tech_id].add(weekday)
    absent: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for tech_id, a_start, a_end in Absence.objects.filter(
        technician_id__in=ids, starts_at__lt=until, ends_at__gt=since
    ).values_list("technician_id", "starts_at", "ends_at"):
        absent[tech_id].append((a_start, a_end))
    booked: dict[int, int] = defaultdict(int)
    for tech_id, v_start, v_end in Visit.objects.filter(
        technician_id__in=ids,
        status=VisitStatus.CONFIRMED,
        starts_at__gte=since,
        starts_at__lt=until,
    ).values_list("technician_id", "starts_at", "ends_at"):
        booked[tech_id] += int((v_end - v_start).total_seconds() // 60)
    holidays = french_holidays()
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    result = []
    for tech in techs:
        working = 0
        for day in days:
            if day.weekday() not in weekdays[tech.pk] or day in holidays:
                continue
            day_start, day_end = bounds(day, day, tz)
            if any(a <= day_start and b >= day_end for a, b in absent[tech.pk]):
                continue
            working += 1
        result.append(
            Workload(
                technician_id=tech.pk,
                user_id=tech.user_id,
                name=tech.name,
                color=tech.color,
                booked_minutes=booked[tech.pk],
                capacity_minutes=tech.daily_capacity_minutes * working,
            )
        )
    return result


@dataclass
class Needs:
    captured: int
    converted: int
    weeks: list[tuple[dt.date, int, int]]  # monday, captured, converted

    @property
    def rate(self) -> float | None:
        return rate(self.converted, self.captured)


def needs_captured(
    workspace_id: int, start: dt.date, end: dt.date, *, user_id: int | None = None
) -> Needs:
    """« Besoins détectés » by technicians in the period, and how many of them became a won
    sale (by week of capture). One query."""
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    qs = DetectedNeed.objects.filter(
        workspace_id=workspace_id, created_at__gte=since, created_at__lt=until
    )
    if user_id is not None:
        qs = qs.filter(created_by_id=user_id)
    converted_ids = set(qs.converted().values_list("pk", flat=True))
    captured: dict[dt.date, int] = defaultdict(int)
    won: dict[dt.date, int] = defaultdict(int)
    for pk, created_at in qs.values_list("pk", "created_at"):
        week = _week(created_at, tz)
        captured[week] += 1
        if pk in converted_ids:
            won[week] += 1
    return Needs(
        captured=sum(captured.values()),
        converted=sum(won.values()),
        weeks=[(m, captured[m], won[m]) for m in weeks_between(start, end)],
    )


# --- satisfaction ----------------------------------------------------------------------------


@dataclass
class WeekSatisfaction:
    monday: dt.date
    csat: float | None
    nps: int | None
    answers: int


@dataclass
class Satisfaction:
    csat: float | None
    nps: int | None
    csat_answers: int
    nps_answers: int
    weeks: list[WeekSatisfaction] = field(default_factory=list)


def satisfaction_from(
    answers: Iterable[tuple[dt.datetime, int | None, int | None]],
    *,
    start: dt.date,
    end: dt.date,
    tz: ZoneInfo,
) -> Satisfaction:
    """CSAT average and NPS of (answered_at, csat, nps) survey answers, overall and per week."""
    csat_by: dict[dt.date, list[int]] = defaultdict(list)
    nps_by: dict[dt.date, list[int]] = defaultdict(list)
    count: dict[dt.date, int] = defaultdict(int)
    for answered_at, csat_score, nps_score in answers:
        week = _week(answered_at, tz)
        count[week] += 1
        if csat_score is not None:
            csat_by[week].append(csat_score)
        if nps_score is not None:
            nps_by[week].append(nps_score)
    all_csat = [s for values in csat_by.values() for s in values]
    all_nps = [s for values in nps_by.values() for s in values]
    return Satisfaction(
        csat=csat_average(all_csat),
        nps=nps(all_nps),
        csat_answers=len(all_csat),
        nps_answers=len(all_nps),
        weeks=[
            WeekSatisfaction(
                monday=m,
                csat=csat_average(csat_by.get(m, [])),
                nps=nps(nps_by.get(m, [])),
                answers=count[m],
            )
            for m in weeks_between(start, end)
        ],
    )


def satisfaction(workspace_id: int, start: dt.date, end: dt.date) -> Satisfaction:
    """CSAT and NPS of the survey answers received in the period (one query)."""
    tz = workspace_tz(workspace_id)
    since, until = bounds(start, end, tz)
    answers = [
        (answered_at, csat_score, nps_score)
        for answered_at, csat_score, nps_score in Survey.objects.filter(
            workspace_id=workspace_id, answered_at__gte=since, answered_at__lt=until
        ).values_list("answered_at", "csat", "nps")
        if answered_at is not None
    ]
    return satisfaction_from(answers, start=start, end=end, tz=tz)
