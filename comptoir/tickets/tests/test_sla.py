"""The SLA clock across nights, weekends, holidays and DST changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comptoir.lib.holidays import french_holidays, holiday_name
from comptoir.tickets.sla import (
    DEFAULT_HOURS,
    NoBusinessHours,
    add_business_minutes,
    business_minutes_between,
)

PARIS = ZoneInfo("Europe/Paris")
HOLIDAYS = french_holidays()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def add(start: dt.datetime, minutes: int, hours=DEFAULT_HOURS) -> dt.datetime:
    return add_business_minutes(start, minutes, hours, HOLIDAYS, PARIS)


def between(a: dt.datetime, b: dt.datetime, hours=DEFAULT_HOURS) -> int:
    return business_minutes_between(a, b, hours, HOLIDAYS, PARIS)


def test_p1_opened_friday_evening_is_due_monday_morning():
    friday = at(2026, 3, 13, 17, 30)
    assert add(friday, 60) == at(2026, 3, 16, 8, 30)  # first response
    assert add(friday, 240) == at(2026, 3, 16, 11, 30)  # resolution
    assert between(friday, at(2026, 3, 16, 11, 30)) == 240


def test_the_clock_sleeps_at_night_and_starts_at_opening():
    assert add(at(2026, 3, 10, 20, 0), 60) == at(2026, 3, 11, 9, 0)
    assert add(at(2026, 3, 10, 6, 0), 30) == at(2026, 3, 10, 8, 30)
    assert between(at(2026, 3, 10, 17, 0), at(2026, 3, 11, 9, 0)) == 120


def test_a_due_time_landing_on_closing_stays_on_that_day():
    assert add(at(2026, 3, 13, 16, 0), 120) == at(2026, 3, 13, 18, 0)


def test_a_whole_business_day_is_ten_hours():
    assert add(at(2026, 3, 10, 8, 0), 600) == at(2026, 3, 10, 18, 0)
    assert add(at(2026, 3, 10, 9, 0), 600) == at(2026, 3, 11, 9, 0)


def test_french_public_holidays_are_closed():
    assert holiday_name(dt.date(2026, 7, 14)) == "Fête nationale"
    # Monday 13 July 17:00 + 2 h: Tuesday 14 July is a holiday → Wednesday 9:00.
    assert add(at(2026, 7, 13, 17, 0), 120) == at(2026, 7, 15, 9, 0)
    # Easter Monday 2026 is 6 April.
    assert add(at(2026, 4, 3, 17, 0), 120) == at(2026, 4, 7, 9, 0)
    # Ascension (Thursday 14 May 2026).
    assert between(at(2026, 5, 13, 8, 0), at(2026, 5, 15, 18, 0)) == 1200


def test_opened_the_saturday_before_the_spring_dst_change():
    # 29 March 2026 is the last Sunday of March: clocks go 2:00 → 3:00.
    saturday = at(2026, 3, 28, 10, 0)
    due = add(saturday, 600)
    assert due == at(2026, 3, 30, 18, 0)
    assert due.utcoffset() == dt.timedelta(hours=2)
    # In real time the Friday → Monday gap is an hour shorter than on the wall.
    friday = at(2026, 3, 27, 17, 0)
    monday = add(friday, 120)
    assert monday == at(2026, 3, 30, 9, 0)
    assert monday.astimezone(dt.UTC) - friday.astimezone(dt.UTC) == dt.timedelta(days=2, hours=15)
    assert monday.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 7, 0, tzinfo=dt.UTC)


def test_round_the_clock_hours_count_real_minutes_on_dst_days():
    always = {day: [(dt.time(0), dt.time(12))] for day in range(7)}
    spring = at(2026, 3, 29, 0, 0)
    assert between(spring, at(2026, 3, 29, 12, 0), always) == 11 * 60
    assert add(spring, 11 * 60, always) == at(2026, 3, 29, 12, 0)
    autumn = at(2026, 10, 25, 0, 0)
    assert between(autumn, at(2026, 10, 25, 12, 0), always) == 13 * 60


def test_round_trip_over_a_month_with_holidays_and_dst():
    start = at(2026, 3, 20, 0, 0)
    for step in range(0, 60 * 24 * 25, 397):
        begin = start + dt.timedelta(minutes=step)
        for minutes in (1, 45, 600, 1800):
            due = add(begin, minutes)
            assert between(begin, due) == minutes, (begin, minutes, due)


def test_between_is_antisymmetric_and_zero_on_closed_days():
    a, b = at(2026, 3, 16, 9, 0), at(2026, 3, 17, 9, 0)
    assert between(b, a) == -between(a, b) == -600
    assert between(at(2026, 3, 14, 8, 0), at(2026, 3, 15, 20, 0)) == 0


def test_edited_hours_and_no_hours_at_all():
    saturdays = {**DEFAULT_HOURS, 5: [(dt.time(9), dt.time(12))]}
    assert add(at(2026, 3, 13, 17, 30), 60, saturdays) == at(2026, 3, 14, 9, 30)
    with pytest.raises(NoBusinessHours):
        add(at(2026, 3, 13, 17, 30), 60, {})
    with pytest.raises(ValueError):
        add(dt.datetime(2026, 3, 13, 17, 30), 60)
