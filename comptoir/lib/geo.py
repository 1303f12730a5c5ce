"""Distances and travel times from coordinates, and the pluggable geocoder.

No routing service: a straight-line distance stretched by a road factor and an average speed
is close enough to plan a technician's day, and works offline.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

Point = tuple[float, float]

EARTH_RADIUS_KM = 6371.0
ROAD_FACTOR = 1.3  # roads are about a third longer than the crow flies


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a: Point | None, b: Point | None, *, speed_kmh: float = 40) -> int:
    """Driving time estimate, rounded up to 5 minutes; 0 when a point is unknown or equal."""
    if a is None or b is None or a == b:
        return 0
    minutes = haversine_km(a, b) * ROAD_FACTOR / max(speed_kmh, 1) * 60
    return int(math.ceil(minutes / 5) * 5)


class Geocoder(Protocol):
    def locate(
        self, *, postcode: str, city: str = "", street: str = "", country: str = "FR"
    ) -> Point | None: ...


@lru_cache(maxsize=1)
def geocoder() -> Geocoder:
    """The geocoder named by ``COMPTOIR_GEOCODER`` (a dotted path to a class)."""
    return import_string(settings.COMPTOIR_GEOCODER)()  # type: ignore[no-any-return]
