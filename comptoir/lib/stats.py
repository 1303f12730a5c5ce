"""Small statistics shared by the figures pages: percentiles and lead times said in French."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, interpolating linearly between ranks
    (the usual definition: the median of 1..10 is 5.5, its 90th percentile 9.1)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def format_duration(seconds: float) -> str:
    """A lead time as said in French: « 40 s », « 1 min 40 s », « 2 h 05 », « 2 j 3 h »."""
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        minutes, rest = divmod(total, 60)
        return f"{minutes} min {rest:02d} s" if rest else f"{minutes} min"
    total_minutes = round(total / 60)
    if total_minutes < 24 * 60:
        hours, minutes = divmod(total_minutes, 60)
        return f"{hours} h {minutes:02d}"
    total_hours = round(total / 3600)
    days, hours = divmod(total_hours, 24)
    return f"{days} j {hours} h" if hours else f"{days} j"


@dataclass(frozen=True)
class Stats:
    """Count, median and 90th percentile of some durations, in seconds."""

    count: int
    median: float
    p90: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats | None:
        if not values:
            return None
        return cls(count=len(values), median=percentile(values, 50), p90=percentile(values, 90))

    @property
    def median_label(self) -> str:
        return format_duration(self.median)

    @property
    def p90_label(self) -> str:
        return format_duration(self.p90)
