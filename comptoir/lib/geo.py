"""Distances and travel times from coordinates, and the pluggable geocoder.

No routing service: a straight-line distance stretched by a road factor and an average speed
is close enough to plan a technician's day, and works offline.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
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


def geocoder() -> Geocoder:
    """The geocoder named by ``COMPTOIR_GEOCODER`` (a dotted path to a class).

    One instance per dotted path, so a settings override in tests takes effect at once.
    """
    return _geocoder_for(settings.COMPTOIR_GEOCODER)


@lru_cache(maxsize=8)
def _geocoder_for(path: str) -> Geocoder:
    return import_string(path)()


class NullGeocoder:
    """Knows no place: every address stays without coordinates."""

    def locate(
        self, *, postcode: str, city: str = "", street: str = "", country: str = "FR"
    ) -> Point | None:
        return None


# --- Offline French postcode centroids ---------------------------------------------------

POSTCODES_FILE = Path(__file__).with_name("data") / "postcodes_fr.csv.gz"
# France and the ISO codes its overseas departments are sometimes filed under.
FRENCH_COUNTRIES = frozenset({"FR", "FRA", "GP", "MQ", "GF", "RE", "PM", "YT"})
_POSTCODE = re.compile(r"^(\d{4,5})(?!\d)")


@dataclass(frozen=True)
class PostcodeTable:
    """Centroids by exact postcode, by its first three digits and by département."""

    exact: dict[str, Point]
    sector: dict[str, Point]
    department: dict[str, Point]

    def locate(self, code: str) -> Point | None:
        return (
            self.exact.get(code)
            or self.sector.get(code[:3])
            or self.department.get(department_of(code))
        )


def department_of(code: str) -> str:
    """« 69 » for 69003, « 20 » for Corsica's 20000, « 972 » for 97200."""
    return code[:3] if code.startswith("97") else code[:2]


def normalize_postcode(postcode: str) -> str | None:
    """Five digits from what people type: « 69 003 », « 1000 » (01000), « 69421 CEDEX 03 »."""
    match = _POSTCODE.match(re.sub(r"(?<=\d)[\s.]+(?=\d)", "", (postcode or "").strip()))
    if match is None:
        return None
    return match.group(1).zfill(5)


def _average(points: list[Point]) -> Point:
    return (
        round(sum(p[0] for p in points) / len(points), 5),
        round(sum(p[1] for p in points) / len(points), 5),
    )


def load_postcode_table(path: Path = POSTCODES_FILE) -> PostcodeTable:
    """Read the gzipped ``postcode;latitude;longitude`` file (see data/build_postcodes.py)."""
    exact: dict[str, Point] = {}
    with gzip.open(path, "rb") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="ascii"), delimiter=";")
        for row in reader:
            exact[row["postcode"]] = (float(row["latitude"]), float(row["longitude"]))
    sectors: dict[str, list[Point]] = {}
    departments: dict[str, list[Point]] = {}
    for code, point in exact.items():
        sectors.setdefault(code[:3], []).append(point)
        departments.setdefault(department_of(code), []).append(point)
    return PostcodeTable(
        exact=exact,
        sector={k: _average(v) for k, v in sectors.items()},
        department={k: _average(v) for k, v in departments.items()},
    )


_table: PostcodeTable | None = None
_table_lock = threading.Lock()


def postcode_table() -> PostcodeTable:
    """The built-in table, read once per process on first use."""
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                _table = load_postcode_table()
    return _table


class PostcodeCentroidGeocoder:
    """Offline default: the centre of the postcode's communes (France and overseas).

    An unknown postcode falls back to the centre of its first three digits, then of its
    département; a foreign address or a postcode that is not one gives None.
    """

    def locate(
        self, *, postcode: str, city: str = "", street: str = "", country: str = "FR"
    ) -> Point | None:
        if (country or "FR").strip().upper() not in FRENCH_COUNTRIES:
            return None
        code = normalize_postcode(postcode)
        if code is None:
            return None
        return postcode_table().locate(code)
