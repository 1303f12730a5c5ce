"""Reads on customers, always scoped to the workspace of the user asking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import router
from django.db.models import Prefetch, Q, QuerySet

from comptoir.contacts.models import (
    Affiliation,
    Company,
    ContactKind,
    ContactPoint,
    Domain,
    Person,
    Site,
)
from comptoir.lib.phone import try_normalize_phone
from comptoir.lib.text import fold


def companies_for(user: Any) -> QuerySet[Company]:
    return Company.objects.filter(workspace_id=user.workspace_id)


def people_for(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(workspace_id=user.workspace_id)


def sites_for(user: Any) -> QuerySet[Site]:
    return Site.objects.filter(workspace_id=user.workspace_id)


def affiliations_for(user: Any) -> QuerySet[Affiliation]:
    return Affiliation.objects.filter(workspace_id=user.workspace_id)


def contact_points_for(user: Any) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(workspace_id=user.workspace_id)


def person_detail(user: Any, person_id: int) -> Person:
    """One person with everything the 360° page shows, or Person.DoesNotExist."""
    return (
        people_for(user)
        .select_related("job_title", "source")
        .prefetch_related(
            "interests",
            "contact_points",
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("company", "job_title"),
            ),
            Prefetch(
                "sites",
                queryset=Site.objects.select_related("occupant").prefetch_related("contact_points"),
            ),
        )
        .get(pk=person_id)
    )


def company_detail(user: Any, company_id: int) -> Company:
    return (
        companies_for(user)
        .select_related("legal_form", "industry", "domain", "subdomain", "source")
        .prefetch_related(
            "interests",
            "contact_points",
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("person", "job_title").prefetch_related(
                    "person__contact_points"
                ),
            ),
            Prefetch(
                "sites",
                queryset=Site.objects.select_related("occupant").prefetch_related("contact_points"),
            ),
        )
        .get(pk=company_id)
    )


_NAME_FIELDS = ("civility", "first_name", "last_name")


def callers_matching(user: Any, number: str) -> list[Person | Company]:
    """People and companies reachable at ``number`` (any format); sites lead to their customer.

    The callers come with their name fields only (``full_name``, ``name``, ``get_absolute_url``
    work without a query; other fields load on access). This runs on every incoming call, so
    it reads plain rows, without the default ordering nor ``select_related``: building those
    queries cost far more than running them. One query, a second one only for a site's number.
    """
    e164 = try_normalize_phone(number)
    if e164 is None:
        return []
    rows = sorted(
        contact_points_for(user)
        .filter(kind=ContactKind.PHONE, normalized=e164)
        .order_by()
        .values_list(
            "is_primary",
            "id",
            "person_id",
            *(f"person__{name}" for name in _NAME_FIELDS),
            "company_id",
            "company__name",
            "site_id",
        ),
        key=lambda row: (not row[0], row[1]),  # ContactPoint.Meta.ordering (kind is fixed)
    )
    db = router.db_for_read(ContactPoint)
    site_ids = [row[8] for row in rows if row[2] is None and row[6] is None and row[8]]
    site_customers = _site_customers(db, site_ids) if site_ids else {}
    seen: set[tuple[type, int]] = set()
    found: list[Person | Company] = []
    for row in rows:
        # As ``point.person or point.company or point.site.customer``.
        caller = _person_or_company(db, row[2:6], row[6:8]) or site_customers.get(row[8])
        if caller is None or (type(caller), caller.pk) in seen:
            continue
        seen.add((type(caller), caller.pk))
        found.append(caller)
    return found


def _person_or_company(
    db: str, person: tuple[Any, ...], company: tuple[Any, ...]
) -> Person | Company | None:
    """A person from (id, civility, first name, last name), else a company from (id, name):
    instances with only these fields loaded."""
    if person[0] is not None:
        return Person.from_db(db, ["id", *_NAME_FIELDS], person)
    if company[0] is not None:
        return Company.from_db(db, ["id", "name"], company)
    return None


def _site_customers(db: str, site_ids: list[int]) -> dict[int, Person | Company]:
    """site id → its customer, the company first (as ``Site.customer``)."""
    rows = (
        Site.objects.filter(pk__in=site_ids)
        .order_by()
        .values_list(
            "id",
            "company_id",
            "company__name",
            "person_id",
            *(f"person__{name}" for name in _NAME_FIELDS),
        )
    )
    customers: dict[int, Person | Company] = {}
    for row in rows:
        customer = _person_or_company(db, (None,), row[1:3]) or _person_or_company(
            db, row[3:7], (None,)
        )
        if customer is not None:
            customers[row[0]] = customer
    return customers


def current_company_names(people: list[Person]) -> dict[int, str]:
    """person id → name of the company they currently work for (first current affiliation)."""
    names: dict[int, str] = {}
    rows = (
        Affiliation.objects.current()
        .filter(person_id__in=[person.pk for person in people])
        .order_by("-is_primary", "-start", "id")
        .values_list("person_id", "company__name")
    )
    for person_id, company_name in rows:
        names.setdefault(person_id, company_name)
    return names


# --- Lists and pickers ------------------------------------------------------------------------


def _name_matches(query: str) -> Q:
    """Names where a word starts with what was typed ("dup" finds "Pierre Dupont")."""
    folded = fold(query)
    return Q(search_name__startswith=folded) | Q(search_name__contains=f" {folded}")


def _customer_filters(
    model: type[Person] | type[Company],
    *,
    workspace_id: int,
    query: str,
    category: str,
    city: str,
    interest: int | None,
) -> Q:
    """Filters of the customer list. A phone number (any format) or an e-mail in the search box
    looks up the indexed contact points instead of scanning names."""
    condition = Q()
    query = query.strip()
    owner = "person_id" if model is Person else "company_id"
    if query:
        e164 = try_normalize_phone(query) if sum(c.isdigit() for c in query) >= 6 else None
        if e164:
            points = ContactPoint.objects.filter(
                workspace_id=workspace_id, kind=ContactKind.PHONE, normalized=e164
            )
            condition &= Q(pk__in=points.values(owner))
        elif "@" in query:
            points = ContactPoint.objects.filter(kind=ContactKind.EMAIL, normalized=query.lower())
            condition &= Q(pk__in=points.values(owner))
        else:
            condition &= _name_matches(query)
    if category:
        condition &= Q(category=category)
    if city.strip():
        condition &= Q(city__istartswith=city.strip())
    if interest:
        condition &= Q(interests__id=interest)
    return condition


def _with_contact_points(qs: QuerySet) -> QuerySet:
    phones_and_emails = ContactPoint.objects.order_by("-is_primary", "id")
    return qs.prefetch_related(
        Prefetch("contact_points", queryset=phones_and_emails, to_attr="points")
    )


def people_list(
    user: Any,
    *,
    query: str = "",
    category: str = "",
    city: str = "",
    interest: int | None = None,
) -> QuerySet[Person]:
    """People for the customer list, sorted by name; rows carry ``points`` (phones, e-mails)."""
    condition = _customer_filters(
        Person,
        workspace_id=user.workspace_id,
        query=query,
        category=category,
        city=city,
        interest=interest,
    )
    qs = people_for(user).filter(condition)
    return _with_contact_points(qs.order_by("search_name", "id"))


def companies_list(
    user: Any,
    *,
    query: str = "",
    category: str = "",
    city: str = "",
    interest: int | None = None,
) -> QuerySet[Company]:
    """Companies for the customer list, sorted by name; rows carry ``points``."""
    condition = _customer_filters(
        Company,
        workspace_id=user.workspace_id,
        query=query,
        category=category,
        city=city,
        interest=interest,
    )
    qs = companies_for(user).filter(condition)
    return _with_contact_points(qs.order_by("search_name", "id"))


def people_named(user: Any, query: str, *, limit: int = 8) -> list[Person]:
    """A handful of people whose name starts like ``query``, for pickers."""
    if not fold(query):
        return []
    return list(people_for(user).filter(_name_matches(query)).order_by("search_name")[:limit])


def companies_named(user: Any, query: str, *, limit: int = 8) -> list[Company]:
    """A handful of companies whose name starts like ``query``, for pickers."""
    if not fold(query):
        return []
    return list(companies_for(user).filter(_name_matches(query)).order_by("search_name")[:limit])


def duplicate_owners(
    user: Any, *, phones: Sequence[str] = (), emails: Sequence[str] = ()
) -> dict[str, Person | Company]:
    """normalized phone (E.164) or e-mail → the person or company that already has it.

    A number held by a site leads to the site's customer.
    """
    condition = Q(pk__in=[])
    if phones:
        condition |= Q(kind=ContactKind.PHONE, normalized__in=list(phones))
    if emails:
        condition |= Q(kind=ContactKind.EMAIL, normalized__in=[e.lower() for e in emails])
    points = (
        contact_points_for(user)
        .filter(condition)
        .select_related("person", "company", "site__person", "site__company")
        .order_by("id")
    )
    found: dict[str, Person | Company] = {}
    for point in points:
        owner = point.person or point.company or (point.site.customer if point.site else None)
        if owner is not None:
            found.setdefault(point.normalized, owner)
    return found


def reference_items_for(user: Any, model: type[Any]) -> QuerySet[Any]:
    """Every entry of one of the workspace's reference lists, inactive ones included."""
    qs = model._default_manager.filter(workspace_id=user.workspace_id)
    if model is Domain:
        qs = qs.select_related("parent")
    return qs.order_by("position", "name", "pk")
