"""The dashboard's period, read from the URL: this month (default), the last 30 or 90 days, or
« du … au … ». A bad period gives a French message and the default period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_DAYS = 2 * 366
CHOICES = ("mois", "30j", "90j", "perso")


@dataclass
class Period:
    kind: str
    start: dt.date
    end: dt.date
    errors: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def period_from(query: Mapping[str, str], today: dt.date) -> Period:
    kind = query.get("periode", "") or ("perso" if query.get("du") or query.get("au") else "mois")
    if kind == "30j":
        return Period(kind, today - dt.timedelta(days=29), today)
    if kind == "90j":
        return Period(kind, today - dt.timedelta(days=89), today)
    default = Period("mois", today.replace(day=1), today)
    if kind == "mois":
        return default
    if kind != "perso":
        default.errors.append(_("Période inconnue : le mois en cours est affiché."))
        return default
    raw_start, raw_end = query.get("du", ""), query.get("au", "")
    if not raw_start or not raw_end:
        default.errors.append(
            _("Indiquez les deux dates « du » et « au » : le mois en cours est affiché.")
        )
        return default
    start, end = _date(raw_start), _date(raw_end)
    if start is None or end is None:
        default.errors.append(
            _("Date non reconnue (attendu : 2025-03-20) : le mois en cours est affiché.")
        )
    elif end < start:
        default.errors.append(
            _("La date de fin est avant la date de début : le mois en cours est affiché.")
        )
    elif (end - start).days >= MAX_DAYS:
        default.errors.append(_("Deux ans au plus : le mois en cours est affiché."))
    else:
        return Period("perso", start, end)
    return default
