"""The global search: one box, ranked people, companies and interactions of the workspace.

Speed (`make bench`: 100k people, 20k companies, 1M interactions) comes from
index-friendly lookups first, bounded scans second:

- names: a prefix range on the indexed ``search_name`` (folded; "last first last" for
  people), one branch per typed word taken as the start of the name, the other words as
  word starts. The ``contains`` scan (reading only the (workspace, search_name) index)
  runs only when word starts found fewer than ``FEW`` rows, and stops at the LIMIT;
- phones (any format → E.164), e-mails, SIREN/SIRET: equality or prefix on indexed columns;
- cities: compared folded against the workspace's known cities (cached a few minutes), so
  only a query that *is* a city reads customers by city;
- interaction subjects: every typed word contained (case-insensitive; accents must match),
  among the newest ``INTERACTION_WINDOW`` interactions of the workspace only — a
  primary-key range, so a 1M-row table is never scanned whole — newest first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.activities.models import Interaction
from comptoir.activities.selectors import interactions_for
from comptoir.contacts.models import Company, ContactKind, ContactPoint, Person, Site
from comptoir.contacts.selectors import (
    affiliations_for,
    companies_for,
    contact_points_for,
    people_for,
    sites_for,
)
from comptoir.lib.phone import format_phone, try_normalize_phone
from comptoir.lib.text import fold, strip_spaces

ResultKind = Literal["person", "company", "interaction"]

# Scores: what the user typed matches…
EXACT = 100  # …the whole name, the phone, the e-mail, the SIREN/SIRET
PREFIX = 70  # …the start of words of the name, of an e-mail or of a number
CITY = 50  # …the city of the customer or of one of its sites
SUBJECT = 40  # …words of the subject of an interaction
CONTAINS = 30  # …somewhere inside the name

# The contains scan runs only when word starts found fewer than this.
FEW = 5

MAX_QUERY_LENGTH = 100
MAX_WORDS = 4
INTERACTION_LIMIT = 10
# Interaction subjects are searched among the newest interactions of the workspace only.
INTERACTION_WINDOW = 10_000
CITIES_CACHE_SECONDS = 600
WINDOW_CACHE_SECONDS = 300

PERSON_FIELDS = ("id", "workspace_id", "civility", "first_name", "last_name", "city", "search_name")
INTERACTION_FIELDS = (
    "id",
    "subject",
    "state",
    "starts_at",
    "person__civility",
    "person__first_name",
    "person__last_name",
    "company__name",
    "process__name",
)
COMPANY_FIELDS = ("id", "workspace_id", "name", "city", "siren", "siret", "search_name")


@dataclass(frozen=True, slots=True)
class Result:
    """One line of the results: what it is, how it shows, how well it matched."""

    kind: ResultKind
    object: Person | Company | Interaction
    title: str
    subtitle: str
    url: str
    score: int
    reason: str = ""


@dataclass(slots=True)
class _Hits:
    """Best score per customer, whatever lookup found it."""

    best: dict[tuple[str, int], tuple[int, str, Person | Company]] = field(default_factory=dict)

    def add(self, obj: Person | Company | None, score: int, reason: str = "") -> None:
        if obj is None:
            return
        key = (type(obj).__name__, obj.pk)
        if key not in self.best or self.best[key][0] < score:
            self.best[key] = (score, reason, obj)


def search(user: Any, query: str, limit: int = 20) -> list[Result]:
    """People, companies (best first, ``limit`` of each), then interactions (newest first)."""
    text = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    if not text or user.workspace_id is None:
        return []
    hits = _Hits()
    folded = fold(text)
    compact = strip_spaces(text).replace(".", "").replace("-", "")
    has_letters = any(c.isalpha() for c in folded)

    if any(c.isdigit() for c in text):
        _by_phone(user, text, compact, hits)
        if compact.isdigit() and len(compact) in (9, 14):
            _by_identifier(user, compact, hits)
    if " " not in text and has_letters and ("@" in text or "." in text):
        _by_email(user, text.lower(), hits)
        if "@" in text:  # an address: no name, city or subject looks like one
            return _customer_results(user, hits, limit)
    if has_letters:
        if " " not in text and "." in text:  # "pierre.dupont" may be a name too
            folded = " ".join(folded.replace(".", " ").split())
        words = list(dict.fromkeys(folded.split()))[:MAX_WORDS]
        # Names containing a city's name matter little once the city itself is found.
        in_city = _by_city(user, folded, hits, limit)
        _people_by_name(user, folded, words, hits, limit, scan=not in_city)
        _companies_by_name(user, folded, words, hits, limit, scan=not in_city)

    results = _customer_results(user, hits, limit)
    if has_letters and len(folded) >= 3:
        results += _interaction_results(user, text, min(limit, INTERACTION_LIMIT))
    return results


# --- Names ---------------------------------------------------------------------------


def _prefix(field_name: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, written so that the column's index is used.

    Where text sorts byte-wise (SQLite; PostgreSQL with a C collation) a range uses any
    index on the column. Otherwise ``startswith`` (LIKE 'x%') is the correct form, and uses
    the ``varchar_pattern_ops`` index Django adds to ``db_index`` text columns.
    """
    if _sorts_bytewise(connection.alias):
        return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix + "\uffff"})
    return Q(**{f"{field_name}__startswith": prefix})


@functools.cache
def _sorts_bytewise(alias: str) -> bool:
    db = connections[alias]
    if db.vendor == "sqlite":
        return True
    if db.vendor != "postgresql":
        return False
    with db.cursor() as cursor:
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        row = cursor.fetchone()
    return bool(row) and str(row[0]).split(".")[0] in {"C", "POSIX"}


def _words_start(name: str, words: Iterable[str]) -> bool:
    padded = f" {name}"
    return all(f" {w}" in padded for w in words)


def _name_condition(words: list[str]) -> Q:
    """One typed word starts the name, the others start some of its words."""
    condition = Q(pk__in=[])
    for lead in words:
        branch = _prefix("search_name", lead)
        for other in words:
            if other != lead:
                branch &= Q(search_name__contains=f" {other}")
        condition |= branch
    return condition


class _Glob(Func):
    """SQLite's GLOB: case-sensitive, so cheaper than LIKE; folded names hold no wildcard."""

    arg_joiner = " GLOB "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _contains_condition(words: list[str]) -> Q:
    condition = Q()
    for word in words:
        if connection.vendor == "sqlite":
            condition &= Q(_Glob(F("search_name"), Value(f"*{word}*")))
        else:
            condition &= Q(search_name__contains=word)
    return condition


def _contains_scan(qs: QuerySet[Any], words: list[str], found: list[Any], count: int) -> list[Any]:
    """Up to ``count`` more rows whose name contains every word.

    Reads only (workspace, search_name) to find them, an index smaller than the table;
    the rows themselves are fetched only when there are some.
    """
    ids = list(
        qs.filter(_contains_condition(words))
        .exclude(pk__in=[row.pk for row in found])
        .order_by()
        .values_list("pk", flat=True)[:count]
    )
    return list(qs.filter(pk__in=ids).order_by()) if ids else []


def _exact_person_keys(words: list[str]) -> list[str]:
    """``search_name`` of the people whose full name is exactly what was typed."""
    keys = [f"{' '.join(words)} {' '.join(words)}"]  # a last name alone
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        keys += [f"{tail} {head} {tail}", f"{head} {tail} {head}"]
    return keys


def _person_score(person: Person, words: list[str], exact_keys: list[str]) -> int:
    if person.search_name in exact_keys:
        return EXACT
    return PREFIX if _words_start(person.search_name, words) else CONTAINS


def _company_score(company: Company, folded: str, words: list[str]) -> int:
    if company.search_name == folded:
        return EXACT
    return PREFIX if _words_start(company.search_name, words) else CONTAINS


def _name_matches(
    qs: QuerySet[Any], words: list[str], exact: Q, *, exact_may_sort_late: bool
) -> QuerySet[Any]:
    """Word-start matches in name (index) order, exact names first.

    Sorting on "is exact" reads every match before the LIMIT, so it is only asked for when
    an exact name may sort after LIMIT other matches (several words, or a last name alone
    behind "dupont agnes dupont"…) and the words are long enough to match few rows.
    """
    qs = qs.filter(_name_condition(words) | exact)
    if exact_may_sort_late:
        first = Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
        return qs.order_by(first, "search_name")
    return qs.order_by("search_name")


def _scan_wanted(found: int, limit: int, folded: str, scan: bool) -> bool:
    """The ``contains`` scan reads every name of the workspace: only when prefixes found few."""
    return scan and found < min(limit, FEW) and len(folded) >= 3


def _people_by_name(
    user: Any, folded: str, words: list[str], hits: _Hits, limit: int, *, scan: bool
) -> None:
    exact_keys = _exact_person_keys(words)
    people = people_for(user).only(*PERSON_FIELDS)
    found = list(
        _name_matches(
            people,
            words,
            Q(search_name__in=exact_keys),
            exact_may_sort_late=len(folded) >= 3,
        )[:limit]
    )
    if _scan_wanted(len(found), limit, folded, scan):
        found += _contains_scan(people, words, found, limit - len(found))
    for person in found:
        hits.add(person, _person_score(person, words, exact_keys))


def _companies_by_name(
    user: Any, folded: str, words: list[str], hits: _Hits, limit: int, *, scan: bool
) -> None:
    companies = companies_for(user).only(*COMPANY_FIELDS)
    found = list(
        _name_matches(
            companies,
            words,
            Q(search_name=folded),
            exact_may_sort_late=len(words) > 1 and len(folded) >= 3,
        )[:limit]
    )
    if _scan_wanted(len(found), limit, folded, scan):
        found += _contains_scan(companies, words, found, limit - len(found))
    for company in found:
        hits.add(company, _company_score(company, folded, words))


# --- Phones, e-mails, identifiers, cities ----------------------------------------------


def _owner(point: ContactPoint) -> Person | Company | None:
    """Who to show for a contact point: a site's phone leads to the site's customer."""
    if point.person is not None:
        return point.person
    if point.company is not None:
        return point.company
    return point.site.customer if point.site is not None else None


def _points(user: Any) -> QuerySet[ContactPoint]:
    return contact_points_for(user).select_related(
        "person", "company", "site__person", "site__company"
    )


_NATIONAL_START = re.compile(r"^0[1-9]\d{4,8}$")


def _by_phone(user: Any, text: str, compact: str, hits: _Hits) -> None:
    """A number in any format; the start of a number (6+ digits) matches as a prefix."""
    e164 = try_normalize_phone(text)
    if e164 is not None:
        condition = Q(normalized=e164)
    elif _NATIONAL_START.match(compact):
        condition = _prefix("normalized", "+33" + compact[1:])
    elif compact.startswith("+") and compact[1:].isdigit() and len(compact) >= 7:
        condition = _prefix("normalized", compact)
    else:
        return
    for point in _points(user).filter(condition, kind=ContactKind.PHONE).order_by()[:50]:
        score = EXACT if point.normalized == e164 else PREFIX
        hits.add(_owner(point), score, _("Téléphone"))


def _by_email(user: Any, text: str, hits: _Hits) -> None:
    points = _points(user).filter(_prefix("normalized", text), kind=ContactKind.EMAIL)
    for point in points.order_by()[:50]:
        score = EXACT if point.normalized == text else PREFIX
        hits.add(_owner(point), score, _("E-mail"))


def _by_identifier(user: Any, digits: str, hits: _Hits) -> None:
    """SIREN (9 digits) or SIRET (14 digits; its SIREN finds the other establishments)."""
    condition = Q(siren=digits) if len(digits) == 9 else Q(siret=digits) | Q(siren=digits[:9])
    for company in companies_for(user).only(*COMPANY_FIELDS).filter(condition).order_by()[:50]:
        if company.siret == digits:
            hits.add(company, EXACT, _("SIRET"))
        else:
            hits.add(company, EXACT if company.siren == digits else PREFIX, _("SIREN"))


def _cities_key(workspace_id: int) -> str:
    return f"search:cities:{workspace_id}"


def forget_cities(workspace_id: int) -> None:
    """Drop the cached city names of a workspace (a customer's city changed)."""
    cache.delete(_cities_key(workspace_id))


def known_cities(workspace_id: int) -> dict[str, list[str]]:
    """Folded city → the spellings used in the workspace ("saint etienne" → ["Saint-Étienne"])."""
    key = _cities_key(workspace_id)
    cities: dict[str, list[str]] | None = cache.get(key)
    if cities is None:
        spellings = (
            Person.objects.filter(workspace_id=workspace_id)
            .order_by()
            .values_list("city")
            .union(
                Company.objects.filter(workspace_id=workspace_id).order_by().values_list("city"),
                Site.objects.filter(workspace_id=workspace_id).order_by().values_list("city"),
            )
        )
        cities = {}
        for (city,) in spellings:
            if city and fold(city):
                cities.setdefault(fold(city), []).append(city)
        cache.set(key, cities, CITIES_CACHE_SECONDS)
    return cities


def _by_city(user: Any, folded: str, hits: _Hits, limit: int) -> bool:
    """Customers in the city typed, or with a site there (accents and case ignored).

    False when no customer of the workspace is in a city of that name.
    """
    spellings = known_cities(user.workspace_id).get(folded)
    if not spellings:
        return False
    people = people_for(user).only(*PERSON_FIELDS).filter(city__in=spellings)
    for person in people.order_by()[:limit]:
        hits.add(person, CITY, _("Ville"))
    companies = companies_for(user).only(*COMPANY_FIELDS).filter(city__in=spellings)
    for company in companies.order_by()[:limit]:
        hits.add(company, CITY, _("Ville"))
    sites = sites_for(user).filter(city__in=spellings).select_related("person", "company")
    for site in sites.order_by()[:limit]:
        hits.add(site.customer, CITY, _("Site"))
    return True


# --- Results -------------------------------------------------------------------------


def _customer_results(user: Any, hits: _Hits, limit: int) -> list[Result]:
    ranked = sorted(hits.best.values(), key=lambda h: (-h[0], fold(str(h[2]))))
    people = [h for h in ranked if isinstance(h[2], Person)][:limit]
    companies = [h for h in ranked if isinstance(h[2], Company)][:limit]
    person_ids = [h[2].pk for h in people]
    company_ids = [h[2].pk for h in companies]
    employers = _employers(user, person_ids)
    phones = _phones(user, person_ids, company_ids)

    results: list[Result] = []
    for score, reason, obj in people + companies:
        kind: ResultKind = "person" if isinstance(obj, Person) else "company"
        details = [
            employers.get(obj.pk, "") if kind == "person" else "",
            obj.city,
            phones.get((kind, obj.pk), ""),
        ]
        results.append(
            Result(
                kind=kind,
                object=obj,
                title=str(obj),
                subtitle=" · ".join(d for d in details if d),
                url=obj.get_absolute_url(),
                score=score,
                reason=reason,
            )
        )
    return results


def _employers(user: Any, person_ids: list[int]) -> dict[int, str]:
    """person id → the company they currently work for (main affiliation first)."""
    if not person_ids:
        return {}
    today = timezone.localdate()
    rows = (
        affiliations_for(user)
        .filter(Q(end__isnull=True) | Q(end__gte=today), person_id__in=person_ids)
        .order_by("-is_primary", "-start", "id")
        .values_list("person_id", "company__name")
    )
    employers: dict[int, str] = {}
    for person_id, name in rows:
        employers.setdefault(person_id, name)
    return employers


def _phones(user: Any, person_ids: list[int], company_ids: list[int]) -> dict[tuple[str, int], str]:
    """(kind, id) → main phone in French format, for everyone shown.

    One query per owner kind: each then uses its foreign-key index, where an ``OR`` of both
    would make SQLite without statistics scan the workspace's phones.
    """
    phones: dict[tuple[str, int], str] = {}
    for kind, ids in (("person", person_ids), ("company", company_ids)):
        if not ids:
            continue
        rows = (
            contact_points_for(user)
            .filter(**{f"{kind}_id__in": ids}, kind=ContactKind.PHONE)
            .order_by("-is_primary", "id")
            .values_list(f"{kind}_id", "normalized")
        )
        for owner_id, normalized in rows:
            phones.setdefault((kind, owner_id), format_phone(normalized))
    return phones


def _interaction_window_start(workspace_id: int) -> int:
    """Id of the INTERACTION_WINDOW-th newest interaction of the workspace (0 if fewer).

    Cached a few minutes: a stale value only widens the window by what was created since.
    """
    key = f"search:interaction-window:{workspace_id}:{INTERACTION_WINDOW}"
    start: int | None = cache.get(key)
    if start is None:
        ids = (
            Interaction.objects.filter(workspace_id=workspace_id)
            .order_by("-id")
            .values_list("id", flat=True)[INTERACTION_WINDOW - 1 : INTERACTION_WINDOW]
        )
        start = next(iter(ids), 0)
        cache.set(key, start, WINDOW_CACHE_SECONDS)
    return start


def _interaction_results(user: Any, text: str, limit: int) -> list[Result]:
    # A primary-key range: the subject scan stays bounded on both backends.
    condition = Q(id__gte=_interaction_window_start(user.workspace_id))
    for word in text.split()[:MAX_WORDS]:
        condition &= Q(subject__icontains=word)
    # The newest matches (by creation, so the scan can stop early), shown by date.
    rows = sorted(
        interactions_for(user)
        .filter(condition)
        .select_related("person", "company", "process")
        .only(*INTERACTION_FIELDS)
        .order_by("-id")[:limit],
        key=lambda i: (i.starts_at, i.pk),
        reverse=True,
    )
    results = []
    for interaction in rows:
        customer = interaction.person or interaction.company
        details = [
            str(customer) if customer else "",
            interaction.process.name,
            timezone.localtime(interaction.starts_at).strftime("%d/%m/%Y"),
        ]
        results.append(
            Result(
                kind="interaction",
                object=interaction,
                title=interaction.subject,
                subtitle=" · ".join(d for d in details if d),
                url=interaction.get_absolute_url(),
                score=SUBJECT,
                reason=_("Objet"),
            )
        )
    return results
