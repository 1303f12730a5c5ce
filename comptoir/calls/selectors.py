"""Reads on calls, scoped to the user's workspace, and the caller's card of the pop-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from comptoir.activities.models import FINISHED_STATES, Interaction, Kind
from comptoir.activities.selectors import interactions_for
from comptoir.calls.models import Call, CallQuerySet
from comptoir.contacts.models import Company, Person, Site
from comptoir.contacts.selectors import (
    callers_matching,
    companies_for,
    current_company_names,
    people_for,
    sites_for,
)
from comptoir.scheduling.models import Visit, VisitStatus
from comptoir.scheduling.selectors import visits_for
from comptoir.tickets.models import Ticket
from comptoir.tickets.selectors import open_tickets_for_customer


def calls_for(user: Any) -> CallQuerySet:
    return Call.objects.filter(workspace_id=user.workspace_id)


def call_detail(user: Any, call_id: int) -> Call:
    """One call of the user's workspace (Call.DoesNotExist otherwise)."""
    return calls_for(user).select_related("agent", "person", "company").get(pk=call_id)


@dataclass
class NextVisit:
    interaction: Interaction
    visit: Visit | None


@dataclass
class CallerCard:
    """What the pop-up shows: the caller when known, else the candidates or nothing."""

    call: Call
    customer: Person | Company | None = None
    company_name: str = ""
    matches: list[Person | Company] = field(default_factory=list)
    employers: dict[int, str] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    sites_count: int = 0
    tickets: list[Ticket] = field(default_factory=list)
    open_requests: list[Interaction] = field(default_factory=list)
    next_visit: NextVisit | None = None

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The matches as the pop-up lists them: kind, id, name and employer."""
        return [
            {
                "kind": "person" if isinstance(match, Person) else "company",
                "pk": match.pk,
                "name": str(match),
                "detail": self.employers.get(match.pk, "") if isinstance(match, Person) else "",
                "url": match.get_absolute_url(),
            }
            for match in self.matches
        ]

    @property
    def kind(self) -> str:
        if self.customer is not None:
            return "person" if isinstance(self.customer, Person) else "company"
        return ""


def _customer_filter(customer: Person | Company) -> dict[str, int]:
    return (
        {"person_id": customer.pk} if isinstance(customer, Person) else {"company_id": customer.pk}
    )


def open_tickets_for(user: Any, customer: Person | Company, *, limit: int = 3) -> list[Ticket]:
    """The customer's open requests, the most urgent first."""
    if isinstance(customer, Person):
        return open_tickets_for_customer(user, person=customer, limit=limit)
    return open_tickets_for_customer(user, company=customer, limit=limit)


def open_support_for(user: Any, customer: Person | Company, *, limit: int = 3) -> list[Interaction]:
    """Unfinished "Support" interactions: what is open for the customer without tickets."""
    return list(
        interactions_for(user)
        .filter(process__code="support", **_customer_filter(customer))
        .exclude(state__in=FINISHED_STATES)
        .select_related("process", "stage")
        .order_by("-starts_at", "-id")[:limit]
    )


def next_visit_for(user: Any, customer: Person | Company) -> NextVisit | None:
    """The customer's next appointment (a technician's visit when it is one)."""
    upcoming = (
        interactions_for(user)
        .filter(kind=Kind.APPOINTMENT, starts_at__gte=timezone.now(), **_customer_filter(customer))
        .exclude(state__in=FINISHED_STATES)
        .select_related("owner")
        .order_by("starts_at", "id")
        .first()
    )
    if upcoming is None:
        return None
    visit = (
        visits_for(user)
        .filter(interaction_id=upcoming.pk)
        .exclude(status=VisitStatus.CANCELLED)
        .first()
    )
    return NextVisit(interaction=upcoming, visit=visit)


def _full_customer(user: Any, caller: Person | Company) -> Person | Company | None:
    if isinstance(caller, Person):
        return people_for(user).filter(pk=caller.pk).first()
    return companies_for(user).filter(pk=caller.pk).first()


def caller_card(user: Any, call: Call) -> CallerCard:
    """The card for ``call``: its customer when known, else whoever has the number."""
    card = CallerCard(call=call)
    customer: Person | Company | None = call.person or call.company
    if customer is None and call.customer_e164:
        card.matches = callers_matching(user, call.customer_e164)
        if len(card.matches) == 1:
            customer = _full_customer(user, card.matches[0])
            card.matches = []
        else:
            people = [m for m in card.matches if isinstance(m, Person)]
            card.employers = current_company_names(people) if people else {}
    if customer is None:
        return card
    card.customer = customer
    if isinstance(customer, Person):
        card.company_name = current_company_names([customer]).get(customer.pk, "")
    sites: QuerySet[Site] = sites_for(user).filter(**_customer_filter(customer))
    card.sites = list(sites.order_by("-is_primary", "id")[:2])
    card.sites_count = sites.count() if len(card.sites) == 2 else len(card.sites)
    card.tickets = open_tickets_for(user, customer)
    if not card.tickets:
        card.open_requests = open_support_for(user, customer)
    card.next_visit = next_visit_for(user, customer)
    return card
