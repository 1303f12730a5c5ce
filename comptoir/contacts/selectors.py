"""Reads on customers, always scoped to the workspace of the user asking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from comptoir.contacts.models import (
    Affiliation,
    Company,
    ContactKind,
    ContactPoint,
    Person,
    Site,
)
from comptoir.lib.phone import try_normalize_phone


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
            Prefetch("sites", queryset=Site.objects.prefetch_related("contact_points")),
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
                queryset=Affiliation.objects.select_related("person", "job_title"),
            ),
            Prefetch("sites", queryset=Site.objects.prefetch_related("contact_points")),
        )
        .get(pk=company_id)
    )


def contact_points_matching(
    user: Any,
    *,
    phones: Sequence[str] = (),
    emails: Sequence[str] = (),
) -> QuerySet[ContactPoint]:
    """Existing contact points with one of these phones (any format) or e-mails."""
    normalized_phones = [n for n in (try_normalize_phone(p) for p in phones if p) if n]
    normalized_emails = [e.strip().lower() for e in emails if e and e.strip()]
    qs = contact_points_for(user).select_related("person", "company", "site")

    condition = Q(pk__in=[])
    if normalized_phones:
        condition |= Q(kind=ContactKind.PHONE, normalized__in=normalized_phones)
    if normalized_emails:
        condition |= Q(kind=ContactKind.EMAIL, normalized__in=normalized_emails)
    return qs.filter(condition)


def callers_matching(user: Any, number: str) -> list[Person | Company]:
    """People and companies reachable at ``number`` (any format); sites lead to their customer."""
    e164 = try_normalize_phone(number)
    if e164 is None:
        return []
    points = (
        contact_points_for(user)
        .filter(kind=ContactKind.PHONE, normalized=e164)
        .select_related("person", "company", "site__person", "site__company")
    )
    seen: set[tuple[str, int]] = set()
    found: list[Person | Company] = []
    for point in points:
        owner = point.person or point.company or (point.site.customer if point.site else None)
        if owner is None:
            continue
        key = (type(owner).__name__, owner.pk)
        if key not in seen:
            seen.add(key)
            found.append(owner)
    return found


def current_company_names(people: list[Person]) -> dict[int, str]:
    """person id → name of the company they currently work for (first current affiliation)."""
    names: dict[int, str] = {}
    rows = (
        Affiliation.objects.current()
        .filter(person__in=people)
        .select_related("company")
        .order_by("-is_primary", "-start")
    )
    for affiliation in rows:
        names.setdefault(affiliation.person_id, affiliation.company.name)
    return names
