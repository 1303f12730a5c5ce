"""Reads on calls, scoped to the user's workspace: the caller's card of the pop-up, the call
log and its day counts, a ticket's calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from comptoir.activities.models import FINISHED_STATES, Interaction, Kind
from comptoir.activities.selectors import interactions_for
from comptoir.calls.models import (
    FINISHED,
    Call,
    CallQuerySet,
    CallSettings,
    CallStatus,
    Direction,
)
from comptoir.contacts.models import Company, Person, Site
from comptoir.contacts.selectors import (
    callers_matching,
    companies_for,
    current_company_names,
    people_for,
    sites_for,
)
from comptoir.lib.money import euros
from comptoir.receivables.selectors import balance_for
from comptoir.scheduling.models import Visit, VisitStatus
from comptoir.scheduling.selectors import visits_for
from comptoir.tickets.models import Ticket
from comptoir.tickets.selectors import open_tickets_for_customer


def calls_for(user: Any) -> CallQuerySet:
    return Call.objects.filter(workspace_id=user.workspace_id)


def call_detail(user: Any, call_id: int) -> Call:
    """One call of the user's workspace (Call.DoesNotExist otherwise)."""
    return calls_for(user).select_related("agent", "person", "company").get(pk=call_id)


def call_settings_of(user: Any) -> CallSettings:
    """The workspace's call settings as they stand (the defaults, unsaved, if never set)."""
    found = (
        CallSettings.objects.filter(workspace_id=user.workspace_id)
        .select_related("callback_owner")
        .first()
    )
    return found or CallSettings(workspace_id=user.workspace_id)


# --- the call log ----------------------------------------------------------------------------

# "Aujourd'hui", "7 jours", "30 jours": calendar days in the workspace's time zone, today included.
PERIOD_DAYS = {"today": 1, "7d": 7, "30d": 30}


def period_start(period: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Local midnight of the first day of ``period`` (None for an unknown period: no limit)."""
    days = PERIOD_DAYS.get(period)
    if days is None:
        return None
    first_day = timezone.localdate(now or timezone.now()) - dt.timedelta(days=days - 1)
    return timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))


def call_log_for(
    user: Any,
    *,
    missed: bool = False,
    direction: str = "",
    agent_id: int | None = None,
    since: dt.datetime | None = None,
) -> CallQuerySet:
    """The workspace's calls, newest first, with what a row of the log shows."""
    calls = calls_for(user).select_related("agent", "person", "company", "callback_task")
    if missed:
        calls = calls.filter(status=CallStatus.MISSED)
    if direction in Direction.values:
        calls = calls.filter(direction=direction)
    if agent_id is not None:
        calls = calls.filter(agent_id=agent_id)
    if since is not None:
        calls = calls.filter(started_at__gte=since)
    return calls.order_by("-started_at", "-id")


@dataclass
class DayCounts:
    """Today's calls at a glance, and the call-backs still owed (whatever day they date from)."""

    calls: int
    missed: int
    finished: int
    traced: int
    pending_callbacks: int

    @property
    def traced_percent(self) -> int | None:
        """Finished calls of the day that left an "Appel" on a timeline (None: none finished)."""
        if not self.finished:
            return None
        return round(100 * self.traced / self.finished)


def call_day_counts(user: Any, now: dt.datetime | None = None) -> DayCounts:
    """Today's calls, missed and traced ones, and the open call-back tasks. One query."""
    since = period_start("today", now)
    today = Q(started_at__gte=since)
    pending = Q(callback_task__isnull=False) & ~Q(callback_task__state__in=FINISHED_STATES)
    finished = today & Q(status__in=FINISHED)
    counts = (
        calls_for(user)
        .filter(today | pending)
        .aggregate(
            calls=Count("pk", filter=today),
            missed=Count("pk", filter=today & Q(status=CallStatus.MISSED)),
            finished=Count("pk", filter=finished),
            traced=Count("pk", filter=finished & Q(interaction__isnull=False)),
            pending_callbacks=Count("pk", filter=pending),
        )
    )
    return DayCounts(**counts)


# --- a ticket's calls ------------------------------------------------------------------------

# Calls shortly before a ticket was opened belong to it: the customer often calls, then the
# request is written down.
TICKET_CALLS_BEFORE = dt.timedelta(hours=2)


def calls_for_ticket(user: Any, ticket: Ticket) -> list[Call]:
    """The calls of a ticket, newest first: the call it was opened from, and the calls with the
    ticket's person or company from two hours before it was opened until it was closed (or
    now) — except those opened as another ticket."""
    if ticket.workspace_id != user.workspace_id:
        return []
    customer = Q()
    if ticket.person_id is not None:
        customer |= Q(person_id=ticket.person_id)
    if ticket.company_id is not None:
        customer |= Q(company_id=ticket.company_id)
    until = ticket.closed_at or timezone.now()
    window = (
        customer
        & Q(started_at__gte=ticket.created_at - TICKET_CALLS_BEFORE, started_at__lte=until)
        & (Q(ticket__isnull=True) | Q(ticket_id=ticket.pk))
        if customer
        else Q(pk__in=[])
    )
    return list(
        calls_for(user)
        .filter(window | Q(ticket_id=ticket.pk))
        .select_related("agent")
        .order_by("-started_at", "-id")
    )


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
    # Unpaid invoices imported from the accounting (receivables).
    unpaid_total: Decimal = Decimal(0)
    overdue_count: int = 0
    oldest_overdue_days: int = 0

    @property
    def unpaid_display(self) -> str:
        return euros(self.unpaid_total)

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
    balance = balance_for(user, customer)
    card.unpaid_total = balance.total
    card.overdue_count = balance.overdue_count
    card.oldest_overdue_days = balance.oldest_overdue_days
    return card
