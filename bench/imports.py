"""Import benchmark: a 100 000-row customer export (Windows-1252, ``;``, messy formats) into an
empty workspace of a fresh embedded SQLite database, then the same file again (idempotent).

    .venv/bin/python bench/imports.py                  # 100 000 rows
    BENCH_IMPORT_ROWS=10000 .venv/bin/python bench/imports.py

Output: ``import_100k rows=<n> seconds=<s>`` (target ≤ 60 s), then ``import_again``.
The database is ``var/bench/imports.sqlite3``, recreated at each run.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60
CIVILITIES = ["M.", "Mme", "Monsieur", "Madame", "Mlle", ""]
FIRST = [
    "Pierre",
    "Claire",
    "Élodie",
    "Noël",
    "Jean-Pierre",
    "Gaëtan",
    "Marie",
    "Luc",
    "Inès",
    "Hélène",
]
LAST = [
    "DUPONT",
    "Martin",
    "LEFÈVRE",
    "garcia",
    "Roux",
    "Bernard",
    "PETIT",
    "de la Tour",
    "Moreau",
    "Girard",
]
STREETS = [
    "R. de la Paix",
    "Bd Voltaire",
    "av. Jean Jaurès",
    "Pl. St Pierre",
    "Chem. des Vignes",
    "Imp. du Lac",
]
TOWNS = [
    ("74000", "ANNECY"),
    ("69003", "Lyon"),
    ("75011", "PARIS"),
    ("13001", "Marseille"),
    ("97100", "Basse-Terre"),
]


def phone_as_typed(n: int, rng: random.Random) -> str:
    digits = f"06{n:08d}"
    style = rng.randrange(4)
    if style == 0:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if style == 1:
        return digits
    if style == 2:
        return "+33 " + digits[1:]
    return ".".join(digits[i : i + 2] for i in range(0, 10, 2))


def generate(rows: int, *, seed: int = 42) -> bytes:
    rng = random.Random(seed)
    lines = [
        "Export clients;;;;;;;;",
        "Réf client;Civilité;Nom;Prénom;Adresse;CP;Ville;Portable;E-mail",
    ]
    for n in range(rows):
        postcode, city = TOWNS[n % len(TOWNS)]
        last = f"{rng.choice(LAST)}{n}"
        lines.append(
            ";".join(
                [
                    f"C{n:06d}",
                    rng.choice(CIVILITIES),
                    last,
                    rng.choice(FIRST),
                    f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
                    postcode,
                    city,
                    phone_as_typed(n, rng),
                    f"client{n}@exemple.fr" if n % 3 else "",
                ]
            )
        )
    return "\r\n".join(lines).encode("cp1252")


def main() -> int:
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "100000").replace("_", ""))
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "imports.sqlite3"
    for path in folder.glob("imports.sqlite3*"):
        path.unlink()
    os.environ["COMPTOIR_BENCH_DATABASE"] = str(target)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from comptoir.accounts.models import Role
    from comptoir.accounts.services import user_create, workspace_create
    from comptoir.imports import services

    settings.STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    call_command("migrate", verbosity=0)
    workspace = workspace_create(name="Bench imports", slug="bench-imports")
    user = user_create(
        workspace=workspace, email="import@bench.example", password=None, role=Role.AGENT
    )
    content = generate(rows)
    print(
        f"# fichier : {rows} lignes, {len(content) / 1e6:.1f} Mo, Windows-1252, « ; »", flush=True
    )

    for name in ("import_100k", "import_again"):
        started = time.perf_counter()
        job = services.job_create(
            by=user, file_name="clients.csv", content=content, kind="people", source="ERP MDE"
        )
        job.status = "queued"
        job.save(update_fields=["status"])
        job = services.job_process(job.pk)
        seconds = time.perf_counter() - started
        verdict = "tenu" if seconds <= TARGET_SECONDS else "MANQUÉ"
        print(f"{name} rows={rows} seconds={seconds:.1f}", flush=True)
        print(
            f"#   créées {job.created_count}, mises à jour {job.updated_count}, "
            f"inchangées {job.skipped_count}, erreurs {job.error_count}"
            + (f" ; objectif ≤ {TARGET_SECONDS} s : {verdict}" if name == "import_100k" else ""),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
