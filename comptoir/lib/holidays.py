"""French public holidays, for opening hours (SLA clocks) and technicians' days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from functools import lru_cache

import holidays as holiday_calendars


@lru_cache(maxsize=1)
def french_holidays() -> Container[dt.date]:
    """French public holidays of any year (years are loaded on first use)."""
    return holiday_calendars.country_holidays("FR", language="fr")


@lru_cache(maxsize=16)
def _of_year(year: int) -> dict[dt.date, str]:
    return dict(holiday_calendars.country_holidays("FR", years=(year,), language="fr"))


def holiday_name(day: dt.date) -> str | None:
    """The French public holiday on ``day`` (« Noël »), or None."""
    return _of_year(day.year).get(day)
