import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comptoir.lib.holidays import holiday_name
from comptoir.scheduling.tests.factories import TechnicianFactory

PARIS = ZoneInfo("Europe/Paris")


def working_monday(weeks_ahead: int = 2) -> dt.date:
    """A Monday at least ``weeks_ahead`` weeks away whose whole week has no public holiday."""
    day = dt.date.today() + dt.timedelta(weeks=weeks_ahead)
    day -= dt.timedelta(days=day.weekday())
    while any(holiday_name(day + dt.timedelta(days=i)) for i in range(5)):
        day += dt.timedelta(weeks=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


@pytest.fixture
def monday():
    return working_monday()


@pytest.fixture
def gaetan(technician):
    return TechnicianFactory(user=technician)
