"""Comptoir's benchmark: generate a large workspace once, then time what users wait for.

    make bench                                  # 100 000 people, 20 000 companies, 1 M interactions
    .venv/bin/python bench/run.py --quick       # small sizes, a smoke test in seconds
    BENCH_PEOPLE=2000 BENCH_COMPANIES=400 BENCH_INTERACTIONS=20000 make bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench   # on PostgreSQL

Data goes to its own database: a SQLite file under var/bench/ named after the sizes, or,
when DATABASE_URL points to PostgreSQL, a ``comptoir_bench`` database created next to the
one given (which is only used to create and drop it). A database that already holds the
same sizes is re-used: only the first run pays for the generation.

Output: one line per measure, ``name p50=<ms> p95=<ms>``, plus lines starting with ``#``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_DB = "comptoir_bench"
QUICK = {"BENCH_PEOPLE": 2000, "BENCH_COMPANIES": 400, "BENCH_INTERACTIONS": 20000}
DEFAULTS = {"BENCH_PEOPLE": 100_000, "BENCH_COMPANIES": 20_000, "BENCH_INTERACTIONS": 1_000_000}
TARGETS_MS = {
    "caller_lookup": 5,
    "caller_lookup_api": 5,
    "search_name_fragment": 50,
    "desk_page": 100,
    "desk_page_typical": 100,
    "customer_page": 100,
    "company_page": 100,
}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value.replace("_", "")) if value else default


def postgres_urls(admin_url: str) -> tuple[str, str]:
    parts = urlsplit(admin_url)
    bench = urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DB}", parts.query, ""))
    return admin_url, bench


def postgres_recreate(admin_url: str, *, drop: bool, create: bool = True) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
            exists = None
        if not exists and create:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def sqlite_stats(connection: Any, *, analyze: bool) -> None:
    """SQLite: gather planner statistics (ANALYZE), or forget them.

    Comptoir refreshes them after ``migrate`` and every night (``comptoir.ops``), so measures
    run with statistics by default; ``--sqlite-no-stats`` shows a base that has none yet.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if analyze:
            from comptoir.ops.services import database_optimize

            print(f"# SQLite : statistiques à jour, comme chaque nuit ({database_optimize()})")
            return
        tables = connection.introspection.table_names(cursor)
        for table in ("sqlite_stat1", "sqlite_stat4"):
            if table in tables:
                cursor.execute(f"DELETE FROM {table}")
        cursor.execute("ANALYZE sqlite_schema")


def database_size() -> float:
    """Size of the bench database in MB."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return float(cursor.fetchone()[0]) / 1e6
    name = Path(str(connection.settings_dict["NAME"]))
    return sum(p.stat().st_size for p in name.parent.glob(name.name + "*")) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de Comptoir.")
    parser.add_argument("--quick", action="store_true", help="petites tailles (test rapide)")
    parser.add_argument("--fresh", action="store_true", help="régénère les données")
    parser.add_argument("--explain", action="store_true", help="requêtes lentes et plans")
    parser.add_argument(
        "--drop", action="store_true", help="PostgreSQL : supprime la base à la fin"
    )
    parser.add_argument(
        "--sqlite-no-stats",
        action="store_true",
        help="SQLite : mesure sans statistiques du planificateur (base jamais analysée)",
    )
    parser.add_argument(
        "--only",
        metavar="NOM[,NOM]",
        default="",
        help=f"seulement ces mesures ({', '.join([*ONLY_CHOICES, *DEDUPE])})",
    )
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in only if name not in ONLY_CHOICES and name not in DEDUPE]
    if unknown:
        parser.error(f"mesure inconnue : {', '.join(unknown)}")
    # Dedupe quality and speed need no database: scoring code on plain records.
    dedupe_only = [name for name in only if name in DEDUPE]
    only = [name for name in only if name not in DEDUPE]
    if dedupe_only and not only:
        from bench import dedupe

        dedupe.run(None if "dedupe" in dedupe_only else dedupe_only)
        return 0

    sizes_env = {k: env_int(k, (QUICK if args.quick else DEFAULTS)[k]) for k in DEFAULTS}
    repeat = env_int("BENCH_REPEAT", 30 if args.quick else 200)

    admin_url = os.environ.get("DATABASE_URL", "")
    postgres = admin_url.startswith(("postgres://", "postgresql://"))
    label = (
        f"p{sizes_env['BENCH_PEOPLE']}-c{sizes_env['BENCH_COMPANIES']}"
        f"-i{sizes_env['BENCH_INTERACTIONS']}"
    )
    if postgres:
        admin_url, target = postgres_urls(admin_url)
        postgres_recreate(admin_url, drop=args.fresh)
    else:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        target = str(folder / f"bench-{label}.sqlite3")
        if args.fresh:
            for path in folder.glob(f"bench-{label}.sqlite3*"):
                path.unlink()
    os.environ["COMPTOIR_BENCH_DATABASE"] = target
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import Sizes, generate, matches, read_meta
    from bench.measure import measure_all

    sizes = Sizes(
        sizes_env["BENCH_PEOPLE"], sizes_env["BENCH_COMPANIES"], sizes_env["BENCH_INTERACTIONS"]
    )
    call_command("migrate", verbosity=0)
    meta = read_meta()
    if (meta and not matches(meta, sizes)) or (not meta and _has_data()):
        # Other sizes, or an interrupted generation: start again from an empty database.
        print(
            "# base existante d'une autre taille, d'une autre version ou incomplète : régénération",
            flush=True,
        )
        connection.close()
        if postgres:
            postgres_recreate(admin_url, drop=True)
        else:
            for path in Path(target).parent.glob(Path(target).name + "*"):
                path.unlink()
        call_command("migrate", verbosity=0)

    where = f"postgresql {BENCH_DB}" if postgres else os.path.relpath(target, ROOT)
    print(f"# base : {where}", flush=True)
    print(
        f"# tailles : {sizes.people} personnes, {sizes.companies} sociétés, "
        f"{sizes.interactions} interactions ; {repeat} mesures par ligne",
        flush=True,
    )
    started = time.perf_counter()
    generated = generate(sizes, log=lambda s: print(s, flush=True))
    if generated.reused:
        print(
            f"generation_s={generated.seconds:.1f} (réutilisée, générée le "
            f"{generated.meta.get('generated_at', '?')})"
        )
    else:
        print(f"generation_s={time.perf_counter() - started:.1f}")
    print(f"db_size_mb={database_size():.0f}", flush=True)

    sqlite_stats(connection, analyze=not args.sqlite_no_stats)
    try:
        if only:
            measures = _measure_only(only, repeat=repeat, explain_slow=args.explain)
        else:
            measures = measure_all(repeat=repeat, log=print, explain_slow=args.explain)
    finally:
        sqlite_stats(connection, analyze=False)
    missed = []
    for measure in measures:
        print(measure.line(), flush=True)
        target_ms = TARGETS_MS.get(measure.name)
        verdict = ""
        if target_ms is not None:
            ok = measure.p95 <= target_ms
            verdict = f" ; objectif p95 ≤ {target_ms} ms : {'tenu' if ok else 'MANQUÉ'}"
            if not ok:
                missed.append(measure.name)
        note = f" ; {measure.note}" if measure.note else ""
        print(f"#   {measure.queries} requêtes SQL{note}{verdict}")
    if missed:
        print(f"# objectifs manqués : {', '.join(missed)}")
    connection.close()
    if dedupe_only or not only:
        from bench import dedupe

        dedupe.run(None if not dedupe_only or "dedupe" in dedupe_only else dedupe_only)
    if postgres and args.drop:
        postgres_recreate(admin_url, drop=True, create=False)
        print(f"# base {BENCH_DB} supprimée")
    return 0


# --only dedupe (or febrl4, french_messy, dedupe_100k): bench/dedupe.py, no database needed.
DEDUPE = ("dedupe", "febrl4", "french_messy", "dedupe_100k")

# --only: each measure name and the Bench method that produces it (caller_lookup and
# caller_lookup_api come from one method).
ONLY_CHOICES = {
    "caller_lookup": "caller_lookup",
    "caller_lookup_api": "caller_lookup",
    "search_name_fragment": "search",
    "desk_page": "desk_page",
    "desk_page_typical": "typical_desk",
    "customer_page": "customer_page",
    "company_page": "company_page",
    "search_query_styles": "search_styles",
    "search_page": "search_page",
}


def _measure_only(names: list[str], *, repeat: int, explain_slow: bool) -> list[Any]:
    """The measures named by --only, in the order of a full run."""
    from bench.measure import Bench

    bench = Bench(repeat=repeat)
    pages = {
        "desk_page": "/bureau/",
        "customer_page": f"/clients/personnes/{bench.person_id}/",
        "company_page": f"/clients/societes/{bench.company_id}/",
    }
    measures: list[Any] = []
    done: set[str] = set()
    for name in ONLY_CHOICES:
        method = ONLY_CHOICES[name]
        if name not in names or method in done:
            continue
        done.add(method)
        if name in pages:
            produced = [bench.page(name, pages[name])]
        else:
            result = getattr(bench, method)()
            produced = result if isinstance(result, list) else [result]
        measures.extend(m for m in produced if m.name in names)
    if explain_slow:
        for measure in measures:
            text = bench.slow_queries(measure)
            if text:
                print(f"# {measure.name} : requêtes les plus lentes")
                print(text)
    return measures


def _has_data() -> bool:
    from comptoir.accounts.models import Workspace

    return Workspace.objects.exists()


if __name__ == "__main__":
    sys.exit(main())
