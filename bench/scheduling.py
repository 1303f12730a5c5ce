"""Scheduling benchmark: slot search on a busy team, and one slot wanted by 200 at once.

    .venv/bin/python bench/scheduling.py            # SQLite file under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scheduling.py

Generates (afresh, in seconds) a workspace with 20 technicians working 8-12 / 14-18 on
weekdays around Lyon and 2,000 appointments spread over the next 60 days, then prints:

    slot_search_first p50=<ms> p95=<ms>     the 20 best slots for a need (what a screen shows)
    slot_search_60d p50=<ms> p95=<ms>       every free start over the 60 days (worst case)
    concurrent_booking attempts=200 booked=1 taken=199 errors=0 seconds=<s>
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TECHNICIANS = 20
APPOINTMENTS = 2000
DAYS = 60
SEARCHES = 200
ATTEMPTS = 200
DB_NAME = "comptoir_bench_scheduling"
TARGET_MS = 50
# Around Lyon: postcode, latitude, longitude.
PLACES = [
    ("69001", 45.7670, 4.8340),
    ("69003", 45.7597, 4.8422),
    ("69100", 45.7719, 4.8902),
    ("69200", 45.6967, 4.8857),
    ("69400", 45.9899, 4.7188),
    ("69500", 45.7333, 4.9167),
    ("69600", 45.7167, 4.8000),
    ("01700", 45.8164, 4.9531),
]


def setup() -> None:
    admin_url = os.environ.get("DATABASE_URL", "")
    if admin_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        parts = urlsplit(admin_url)
        target = urlunsplit((parts.scheme, parts.netloc, f"/{DB_NAME}", parts.query, ""))
    else:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "scheduling.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        target = str(path)
    os.environ["COMPTOIR_BENCH_DATABASE"] = target
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("COMPTOIR_GEOCODER", "comptoir.lib.geo.PostcodeCentroidGeocoder")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    print(f"# base : {connection.vendor}")


def generate(rng: random.Random):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from comptoir.accounts.models import Role
    from comptoir.accounts.services import user_create, workspace_create
    from comptoir.activities.models import Interaction, Kind, Process
    from comptoir.contacts.models import Person, Site
    from comptoir.scheduling.models import Channel, ServiceType, Skill, Visit
    from comptoir.scheduling.services import technician_enable

    started = time.perf_counter()
    tz = ZoneInfo("Europe/Paris")
    with transaction.atomic():
        workspace = workspace_create(name="Banc Planification", slug="banc-planif")
        boss = user_create(
            workspace=workspace, email="chef@banc.example", password=None, role=Role.ADMIN
        )
        skills = list(Skill.objects.filter(workspace=workspace))
        technicians = []
        for n in range(TECHNICIANS):
            user = user_create(
                workspace=workspace,
                email=f"tech{n}@banc.example",
                password=None,
                first_name=f"Tech{n:02d}",
                role=Role.TECHNICIAN,
            )
            _code, lat, lon = rng.choice(PLACES)
            tech = technician_enable(user=user, by=boss, home_latitude=lat, home_longitude=lon)
            tech.skills.set(rng.sample(skills, 4))
            technicians.append(tech)
        people = Person.objects.bulk_create(
            Person(workspace=workspace, last_name=f"Client{n}", search_name=f"client{n}")
            for n in range(400)
        )
        sites = []
        for person in people:
            code, lat, lon = rng.choice(PLACES)
            sites.append(
                Site(
                    workspace=workspace,
                    person=person,
                    postcode=code,
                    city="Lyon",
                    latitude=lat + rng.uniform(-0.01, 0.01),
                    longitude=lon + rng.uniform(-0.01, 0.01),
                )
            )
        sites = Site.objects.bulk_create(sites)
        support = Process.objects.get(workspace=workspace, code="support")
        service = ServiceType.objects.get(workspace=workspace, code="depannage")
        today = dt.datetime.now(tz).date()
        taken: set[tuple[int, dt.datetime]] = set()
        made = 0
        while made < APPOINTMENTS:
            tech = rng.choice(technicians)
            day = today + dt.timedelta(days=rng.randrange(1, DAYS))
            if day.weekday() >= 5:
                continue
            hour = rng.choice([8, 10, 14, 16])  # 75-minute blocks that never overlap
            start = dt.datetime.combine(day, dt.time(hour), tz)
            if (tech.pk, start) in taken:
                continue
            taken.add((tech.pk, start))
            site = rng.choice(sites)
            interaction = Interaction.objects.create(
                workspace=workspace,
                kind=Kind.APPOINTMENT,
                process=support,
                subject=f"Intervention {made}",
                owner=tech.user,
                person_id=site.person_id,
                site=site,
                starts_at=start,
                duration_minutes=60,
            )
            Visit.objects.create(
                workspace=workspace,
                interaction=interaction,
                technician=tech,
                service_type=service,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=75),
                channel=Channel.PHONE,
                reference=f"B-{made:05d}",
                requested_at=start - dt.timedelta(days=3),
            )
            made += 1
    print(
        f"# {TECHNICIANS} techniciens, {APPOINTMENTS} rendez-vous sur {DAYS} jours, "
        f"générés en {time.perf_counter() - started:.1f} s"
    )
    return workspace, technicians, sites


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_search(workspace, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from comptoir.scheduling.models import ServiceType
    from comptoir.scheduling.slots import Need, find_slots

    services = list(ServiceType.objects.filter(workspace=workspace))
    find_slots(Need(service=services[0], earliest=timezone.now(), days=7, postcode="69003"))
    for name, limit in (("slot_search_first", 20), ("slot_search_60d", 100_000)):
        times: list[float] = []
        cpu: list[float] = []
        counts: list[int] = []
        for _ in range(SEARCHES):
            service = rng.choice(services)
            _code, lat, lon = rng.choice(PLACES)
            earliest = timezone.now() + dt.timedelta(days=rng.randrange(0, 10))
            need = Need(service=service, earliest=earliest, days=DAYS, point=(lat, lon))
            started, started_cpu = time.perf_counter(), time.process_time()
            found = find_slots(need, limit=limit)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            counts.append(len(found))
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        verdict = "OK" if p95 <= TARGET_MS else f"AU-DESSUS de {TARGET_MS} ms"
        print(
            f"{name} p50={p50:.1f} p95={p95:.1f}  "
            f"# temps CPU p95={percentile(cpu, 0.95):.1f} · "
            f"créneaux trouvés médiane {statistics.median(counts):.0f} · {verdict}"
        )


def measure_concurrency(workspace, technicians, sites) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from django.db import close_old_connections

    from comptoir.scheduling.models import ServiceType
    from comptoir.scheduling.services import SlotTaken, visit_book

    tz = ZoneInfo("Europe/Paris")
    service = ServiceType.objects.get(workspace=workspace, code="depannage")
    tech = next(t for t in technicians if t.skills.filter(pk=service.skill_id).exists())
    day = dt.datetime.now(tz).date() + dt.timedelta(days=DAYS + 7)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(9), tz)
    # 200 requests at once, served by 40 workers holding a connection each.
    workers = 40
    barrier = threading.Barrier(workers)

    def attempt(n: int) -> str:
        try:
            if n < workers:
                barrier.wait(timeout=30)
            visit_book(
                service=service, starts_at=start, channel="phone", technician=tech, site=sites[0]
            )
            return "booked"
        except SlotTaken:
            return "taken"
        except Exception as error:  # counted and printed
            return f"error {type(error).__name__}: {error}"
        finally:
            close_old_connections()

    from comptoir.scheduling.models import BookingSettings

    BookingSettings.objects.filter(workspace=workspace).update(online_enabled=True)
    ServiceType.objects.filter(pk=service.pk).update(bookable_online=True)
    service.refresh_from_db()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(attempt, range(ATTEMPTS)))
    seconds = time.perf_counter() - started
    errors = [o for o in outcomes if o.startswith("error")]
    print(
        f"concurrent_booking attempts={ATTEMPTS} booked={outcomes.count('booked')} "
        f"taken={outcomes.count('taken')} errors={len(errors)} seconds={seconds:.1f}"
    )
    for error in sorted(set(errors))[:5]:
        print(f"# {error}")


def main() -> int:
    setup()
    rng = random.Random(20261123)
    workspace, technicians, sites = generate(rng)
    measure_search(workspace, rng)
    measure_concurrency(workspace, technicians, sites)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
