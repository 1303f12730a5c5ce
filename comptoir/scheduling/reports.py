"""Figures of the promise « un rendez-vous en deux minutes »: how long from the customer's first
request to a confirmed appointment, per ISO week and per channel. Read-only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from comptoir.lib.stats import Stats, format_duration
from comptoir.scheduling.models import Channel, Visit

# The promise, in seconds: 2 minutes online, 3 minutes on the phone.
TARGETS: dict[str, int] = {Channel.ONLINE: 120, Channel.PHONE: 180}
# Channels always shown, even without any appointment in the period.
ALWAYS_SHOWN = (Channel.PHONE, Channel.ONLINE)
DEFAULT_WEEKS = 12


@dataclass
class ChannelColumn:
    code: str
    label: str
    target: int | None
    total: Stats | None

    @property
    def target_label(self) -> str:
        return format_duration(self.target) if self.target else ""

    @property
    def on_target(self) -> bool | None:
        if self.target is None or self.total is None:
            return None
        return self.total.median <= self.target


@dataclass
class WeekRow:
    monday: dt.date
    cells: list[Stats | None]
    total: Stats | None

    @property
    def label(self) -> str:
        year, week, _day = self.monday.isocalendar()
        return f"S{week:02d} {year}"

    @property
    def short_label(self) -> str:
        return f"S{self.monday.isocalendar()[1]:02d}"

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


@dataclass
class LeadTimeReport:
    start: dt.date
    end: dt.date
    channels: list[ChannelColumn]
    weeks: list[WeekRow]
    total: Stats | None
    chart: dict[str, object] = field(default_factory=dict)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def default_period(today: dt.date, weeks: int = DEFAULT_WEEKS) -> tuple[dt.date, dt.date]:
    """The last ``weeks`` ISO weeks, this one included."""
    return monday_of(today) - dt.timedelta(weeks=weeks - 1), today


def build_report(
    rows: Sequence[tuple[str, dt.datetime, dt.datetime]],
    *,
    start: dt.date,
    end: dt.date,
    tz: ZoneInfo,
) -> LeadTimeReport:
    """Group (channel, requested_at, confirmed_at) rows by ISO week of confirmation and channel.

    Rows confirmed outside [start, end] are ignored; a negative lead time counts as 0.
    """
    by_week: dict[dt.date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    by_channel: dict[str, list[float]] = defaultdict(list)
    everything: list[float] = []
    for channel, requested_at, confirmed_at in rows:
        day = confirmed_at.astimezone(tz).date()
        if not start <= day <= end:
            continue
        seconds = max(0.0, (confirmed_at - requested_at).total_seconds())
        by_week[monday_of(day)][channel].append(seconds)
        by_channel[channel].append(seconds)
        everything.append(seconds)
    codes = [c.value for c in Channel if c.value in by_channel or c.value in ALWAYS_SHOWN]
    channels = [
        ChannelColumn(
            code=code,
            label=str(Channel(code).label),
            target=TARGETS.get(code),
            total=Stats.of(by_channel.get(code, [])),
        )
        for code in codes
    ]
    weeks: list[WeekRow] = []
    monday = monday_of(start)
    while monday <= end:
        found = by_week.get(monday, {})
        weeks.append(
            WeekRow(
                monday=monday,
                cells=[Stats.of(found.get(code, [])) for code in codes],
                total=Stats.of([v for values in found.values() for v in values]),
            )
        )
        monday += dt.timedelta(weeks=1)
    chart = {
        "labels": [w.short_label for w in weeks],
        "series": [
            {
                "label": column.label,
                "code": column.code,
                "minutes": [
                    round(cell.median / 60, 2) if cell is not None else None
                    for cell in (w.cells[i] for w in weeks)
                ],
            }
            for i, column in enumerate(channels)
        ],
        "targets": {code: seconds / 60 for code, seconds in TARGETS.items()},
    }
    return LeadTimeReport(
        start=start,
        end=end,
        channels=channels,
        weeks=weeks,
        total=Stats.of(everything),
        chart=chart,
    )


def lead_time_report(
    *, workspace_id: int, start: dt.date, end: dt.date, tz: ZoneInfo
) -> LeadTimeReport:
    """Every visit confirmed in [start, end] (cancelled ones too: they were confirmed)."""
    since = dt.datetime.combine(start, dt.time.min, tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)
    rows = list(
        Visit.objects.filter(
            workspace_id=workspace_id, confirmed_at__gte=since, confirmed_at__lt=until
        ).values_list("channel", "requested_at", "confirmed_at")
    )
    return build_report(rows, start=start, end=end, tz=tz)


TARGET_REMINDER = _("objectif : 2 min en ligne, 3 min au téléphone")
