"""Time what users wait for, in-process (server time, no network): lookups, search, pages.

Each measure prints ``name p50=<ms> p95=<ms>``. Pages go through Django's test ``Client``
with a signed-in user (middleware, session, templates: everything but the socket).
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.generate import DESK_USER_EMAIL, SLUG, phone_as_typed, read_meta
from comptoir.accounts.models import Role, User, Workspace
from comptoir.activities.models import Interaction
from comptoir.contacts.models import Company, ContactKind, ContactPoint, Person
from comptoir.contacts.selectors import callers_matching

# What people type in the search box, found or not (the last ones find nothing).
SEARCH_STYLES = [
    *("dupont", "martin", "lefe", "gar", "roux"),
    *("dupont pierre", "pierre dupont", "dup pier", "DUPONT P", "martin claire"),
    *("élodie", "gaetan", "noemie", "ille", "velin"),
    *("06 12 34 56 78", "+33 6 00 01 02 03", "0600000042"),
    *("pierre.dupont", "contact@societe-12.example", "732 829 320", "73282932000074"),
    *("lyon", "saint etienne", "annecy", "chaudière", "borne de recharge", "conformite"),
    *("zzzzqx", "xylophone quantique"),
]

Log = Callable[[str], None]
WARM_UP = 3


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Measure:
    name: str
    samples: list[float] = field(default_factory=list)
    queries: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return percentile(self.samples, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)

    def line(self) -> str:
        return f"{self.name} p50={self.p50:.2f} p95={self.p95:.2f}"


@dataclass
class Query:
    sql: str
    ms: float


def timed(name: str, calls: list[Callable[[], Any]], note: str = "") -> Measure:
    """Run each call once (after a short warm-up) and record its duration in ms."""
    for call in calls[: WARM_UP if len(calls) >= 10 else 1]:
        call()
    measure = Measure(name, note=note)
    for call in calls:
        started = time.perf_counter()
        call()
        measure.samples.append((time.perf_counter() - started) * 1000)
    return measure


def captured(call: Callable[[], Any]) -> list[Query]:
    """The SQL of one call, with each query's time."""
    with CaptureQueriesContext(connection) as ctx:
        call()
    return [Query(q["sql"], float(q["time"]) * 1000) for q in ctx.captured_queries]


def explain(sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"      {r[-1]}" for r in rows)
    return "\n".join(f"      {r[0]}" for r in rows)


def get_ok(client: Client, url: str, **extra: Any) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(url, **extra)
        if response.status_code != 200:
            raise AssertionError(f"{url} → {response.status_code}")
        return response

    return call


LOAD_TRIGGERED = re.compile(r"<[^>]*\bhx-trigger=\"load\"[^>]*>")
HX_GET = re.compile(r"\bhx-get=\"([^\"]+)\"")


def load_partials(html: str) -> list[str]:
    """URLs of the fragments a page fetches as soon as it is shown (``hx-trigger="load"``)."""
    urls = []
    for tag in LOAD_TRIGGERED.findall(html):
        found = HX_GET.search(tag)
        if found:
            urls.append(unescape(found.group(1)))
    return urls


def page_with_partials(client: Client, url: str) -> tuple[Callable[[], Any], list[str]]:
    """A call that gets the page and then the fragments it loads at once: what a user waits for."""
    first = get_ok(client, url)()
    partials = load_partials(first.content.decode())
    calls = [get_ok(client, url)] + [
        get_ok(client, partial, HTTP_HX_REQUEST="true") for partial in partials
    ]

    def call() -> None:
        for part in calls:
            part()

    return call, partials


def has_url(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def heaviest(model: type[Person | Company], field_name: str, ws: Workspace) -> int:
    row = (
        Interaction.objects.filter(workspace=ws, **{f"{field_name}__isnull": False})
        .values(field_name)
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert row is not None, f"aucune interaction liée à un(e) {model.__name__}"
    return int(row[field_name])


class Bench:
    """Everything the measures need, picked once from the generated data."""

    def __init__(self, *, repeat: int, seed: int = 7) -> None:
        self.repeat = repeat
        self.rng = random.Random(seed)
        self.ws = Workspace.objects.get(slug=SLUG)
        meta = read_meta()
        self.user = User.objects.get(email=meta.get("desk_user_email", DESK_USER_EMAIL))
        self.person_id = int(meta.get("heavy_person_id") or heaviest(Person, "person", self.ws))
        self.company_id = int(meta.get("heavy_company_id") or heaviest(Company, "company", self.ws))
        self.client = Client()
        self.client.force_login(self.user)

    def sample_phones(self) -> list[str]:
        numbers = list(
            ContactPoint.objects.filter(workspace=self.ws, kind=ContactKind.PHONE)
            .order_by("?")
            .values_list("normalized", flat=True)[: self.repeat]
        )
        return [phone_as_typed(n, self.rng) for n in numbers]

    def sample_fragments(self) -> list[str]:
        people = list(
            Person.objects.filter(workspace=self.ws)
            .order_by("?")
            .values_list("first_name", "last_name")[: self.repeat]
        )
        companies = list(
            Company.objects.filter(workspace=self.ws)
            .order_by("?")
            .values_list("name", flat=True)[: self.repeat]
        )
        fragments = []
        for index, (first, last) in enumerate(people):
            style = index % 4
            if style == 0:
                fragments.append(last[: self.rng.randint(3, 5)].lower())
            elif style == 1:
                fragments.append(f"{first.lower()} {last[:3].lower()}")
            elif style == 2:
                fragments.append(last)
            else:
                word = self.rng.choice(companies[index % len(companies)].split())
                fragments.append(word[: self.rng.randint(4, 7)].lower())
        return fragments

    def caller_lookup(self) -> list[Measure]:
        numbers = self.sample_phones()
        for number in numbers[:20]:
            assert callers_matching(self.user, number), f"{number} introuvable"
        calls = [lambda n=n: list(callers_matching(self.user, n)) for n in numbers]
        measures = [self.with_queries(timed("caller_lookup", calls), calls[0])]
        if has_url("/api/v1/calls/lookup"):
            from comptoir.accounts.services import api_token_issue

            key = api_token_issue(user=self.user, label="bench")
            api = Client()
            header = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
            api_calls = [
                get_ok(api, "/api/v1/calls/lookup", data={"number": n}, **header) for n in numbers
            ]
            measures.append(self.with_queries(timed("caller_lookup_api", api_calls), api_calls[0]))
        return measures

    def search(self) -> Measure:
        fragments = self.sample_fragments()
        try:
            from comptoir.search.selectors import search
        except ImportError:
            calls = [get_ok(self.client, "/recherche/", data={"q": q}) for q in fragments]
            return self.with_queries(
                timed("search_name_fragment", calls, note="page /recherche/"), calls[0]
            )
        selector_calls = [lambda q=q: list(search(self.user, q)) for q in fragments]
        return self.with_queries(
            timed("search_name_fragment", selector_calls, note="comptoir.search.selectors.search"),
            selector_calls[0],
        )

    def search_styles(self) -> Measure:
        """Every way people search: names, numbers, e-mails, identifiers, cities, subjects."""
        from comptoir.search.selectors import search

        styles = [SEARCH_STYLES[i % len(SEARCH_STYLES)] for i in range(self.repeat)]
        calls = [lambda q=q: list(search(self.user, q)) for q in styles]
        return self.with_queries(
            timed("search_query_styles", calls, note=f"{len(SEARCH_STYLES)} requêtes types"),
            calls[0],
        )

    def search_page(self) -> Measure:
        fragments = self.sample_fragments()
        calls = [get_ok(self.client, "/recherche/", data={"q": q}) for q in fragments]
        return self.with_queries(timed("search_page", calls), calls[0])

    def page(self, name: str, url: str) -> Measure:
        call, partials = page_with_partials(self.client, url)
        note = " + ".join([url, *(p.split("?")[0] for p in partials)])
        return self.with_queries(timed(name, [call] * self.repeat, note=note), call)

    def typical_desk(self) -> Measure:
        """The desk of an ordinary office colleague (half the load of the heaviest user)."""
        colleague = (
            User.objects.filter(workspace=self.ws, role=Role.AGENT)
            .exclude(pk=self.user.pk)
            .order_by("pk")
            .first()
        )
        assert colleague is not None
        client = Client()
        client.force_login(colleague)
        call, _partials = page_with_partials(client, "/bureau/")
        return self.with_queries(
            timed("desk_page_typical", [call] * self.repeat, note=colleague.email), call
        )

    def with_queries(self, measure: Measure, call: Callable[[], Any]) -> Measure:
        measure.queries = len(captured(call))
        return measure

    def run(self, log: Log | None = None) -> list[Measure]:
        measures = self.caller_lookup()
        measures.append(self.search())
        measures.append(self.page("desk_page", "/bureau/"))
        measures.append(self.typical_desk())
        measures.append(self.page("customer_page", f"/clients/personnes/{self.person_id}/"))
        measures.append(self.page("company_page", f"/clients/societes/{self.company_id}/"))
        measures.append(self.search_styles())
        measures.append(self.search_page())
        return measures

    def slow_queries(self, measure: Measure, top: int = 3) -> str:
        """The slowest queries of one call of ``measure``, with their plans."""
        pages = {
            "desk_page": "/bureau/",
            "customer_page": f"/clients/personnes/{self.person_id}/",
            "company_page": f"/clients/societes/{self.company_id}/",
        }
        number = self.sample_phones()[0]
        calls: dict[str, Callable[[], Any]] = {
            "search_page": get_ok(self.client, "/recherche/", data={"q": "dup"}),
            "caller_lookup": lambda: callers_matching(self.user, number),
        }
        if measure.name in pages:
            calls[measure.name] = page_with_partials(self.client, pages[measure.name])[0]
        if measure.name == "search_name_fragment":
            try:
                from comptoir.search.selectors import search

                calls[measure.name] = lambda: list(search(self.user, "dup"))
            except ImportError:
                calls[measure.name] = get_ok(self.client, "/recherche/", data={"q": "dup"})
        call = calls.get(measure.name)
        if call is None:
            return ""
        queries = sorted(captured(call), key=lambda q: -q.ms)[:top]
        lines = []
        for query in queries:
            lines.append(f"#   {query.ms:.1f} ms  {query.sql[:600]}")
            try:
                lines.append(explain(query.sql))
            except Exception as exc:
                lines.append(f"      (plan indisponible : {exc})")
        return "\n".join(lines)


def measure_all(*, repeat: int, log: Log, explain_slow: bool = False) -> list[Measure]:
    bench = Bench(repeat=repeat)
    measures = bench.run()
    if explain_slow:
        for measure in measures:
            text = bench.slow_queries(measure)
            if text:
                log(f"# {measure.name} : requêtes les plus lentes")
                log(text)
    return measures
