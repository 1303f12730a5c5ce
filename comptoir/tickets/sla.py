"""The SLA clock: business minutes over opening hours, French public holidays and DST.

Pure functions over aware datetimes. Opening hours are read in the workspace's local time
(``tz``), while durations are measured in real elapsed time (UTC): a day when clocks go
forward still has the ten opening hours it shows on the wall.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterator, Mapping, Sequence
from zoneinfo import ZoneInfo

# weekday (0 = Monday) → opening intervals [(opens, closes)] in local wall-clock time.
WeekHours = Mapping[int, Sequence[tuple[dt.time, dt.time]]]

UTC = dt.UTC
# Ten years without a single open minute means no opening hours at all: stop rather than loop.
MAX_DAYS = 3660

DEFAULT_HOURS: dict[int, list[tuple[dt.time, dt.time]]] = {
    day: [(dt.time(8), dt.time(18))] for day in range(5)
}


class NoBusinessHours(ValueError):
    """The week has no open minute: no due time can be computed."""


def _open_intervals(
    first_day: dt.date, hours: WeekHours, holidays: Container[dt.date], tz: ZoneInfo
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Open intervals (UTC) day after day from ``first_day``, for at most MAX_DAYS days."""
    for offset in range(MAX_DAYS):
        day = first_day + dt.timedelta(days=offset)
        if day in holidays:
            continue
        for opens, closes in sorted(hours.get(day.weekday(), ())):
            if closes <= opens:
                continue
            start = dt.datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
            end = dt.datetime.combine(day, closes, tzinfo=tz).astimezone(UTC)
            yield start, end


def _has_hours(hours: WeekHours) -> bool:
    return any(closes > opens for intervals in hours.values() for opens, closes in intervals)


def add_business_minutes(
    start: dt.datetime,
    minutes: float,
    hours: WeekHours,
    holidays: Container[dt.date],
    tz: ZoneInfo,
) -> dt.datetime:
    """The moment ``minutes`` open minutes after ``start`` (aware), in ``tz``.

    A clock started outside opening hours starts at the next opening; a result that lands
    exactly on a closing time stays there (« dû vendredi 18:00 », not « lundi 8:00 »).
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if not _has_hours(hours):
        raise NoBusinessHours("no opening hours")
    remaining = dt.timedelta(minutes=max(minutes, 0))
    cursor = start.astimezone(UTC)
    for opens, closes in _open_intervals(cursor.astimezone(tz).date(), hours, holidays, tz):
        if closes <= cursor:
            continue
        begin = max(opens, cursor)
        available = closes - begin
        if remaining <= available:
            return (begin + remaining).astimezone(tz)
        remaining -= available
    raise NoBusinessHours("no opening hours within ten years")


def business_minutes_between(
    a: dt.datetime,
    b: dt.datetime,
    hours: WeekHours,
    holidays: Container[dt.date],
    tz: ZoneInfo,
) -> int:
    """Whole open minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
    if a.tzinfo is None or b.tzinfo is None:
        raise ValueError("datetimes must be aware")
    if b < a:
        return -business_minutes_between(b, a, hours, holidays, tz)
    start, end = a.astimezone(UTC), b.astimezone(UTC)
    total = dt.timedelta()
    if not _has_hours(hours):
        return 0
    for opens, closes in _open_intervals(start.astimezone(tz).date(), hours, holidays, tz):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > dt.timedelta():
            total += overlap
    return int(total.total_seconds() // 60)
