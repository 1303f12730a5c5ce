"""Reads on tickets, scoped to the user's workspace: another workspace's id is not found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from comptoir.contacts.models import ContactKind, ContactLabel, ContactPoint
from comptoir.lib.phone import format_phone
from comptoir.tickets.models import (
    BusinessHours,
    SlaPolicy,
    Ticket,
    TicketAttachment,
    TicketCategory,
    TicketMessage,
    TicketQuerySet,
)


def tickets_for(user: Any) -> TicketQuerySet:
    """Every ticket of the user's workspace."""
    return Ticket.objects.filter(workspace_id=user.workspace_id)


def ticket_detail(user: Any, ticket_id: int) -> Ticket:
    """One ticket with its conversation and attachments, or Ticket.DoesNotExist."""
    return (
        tickets_for(user)
        .select_related(
            "person", "company", "site", "category", "assignee", "created_by", "interaction"
        )
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=TicketMessage.objects.select_related(
                    "author", "author_person", "outbox_message"
                ).prefetch_related("attachments"),
            ),
            Prefetch("attachments", queryset=TicketAttachment.objects.select_related("message")),
        )
        .get(pk=ticket_id)
    )


def ticket_for_request(workspace_id: int, interaction_id: int | None) -> Ticket | None:
    """The ticket whose timeline interaction is ``interaction_id`` (a visit's request), if any."""
    if interaction_id is None:
        return None
    return Ticket.objects.filter(workspace_id=workspace_id, interaction_id=interaction_id).first()


def open_tickets_for_customer(
    user: Any, *, person: Any = None, company: Any = None, limit: int | None = None
) -> list[Ticket]:
    """Open tickets of a person and/or a company, most urgent first (for cards and pop-ups).

    For a company, tickets filed for the company itself; for a person, tickets where they are
    the requester (whatever the company named on the ticket).
    """
    if person is None and company is None:
        return []
    condition = Q()
    if person is not None:
        condition |= Q(person_id=person.pk)
    if company is not None:
        condition |= Q(company_id=company.pk)
    qs = (
        tickets_for(user)
        .open()
        .filter(condition)
        .select_related("assignee", "category", "site")
        .by_due()
    )
    return list(qs[:limit] if limit else qs)


def tickets_for_customer(user: Any, *, person: Any = None, company: Any = None) -> TicketQuerySet:
    """All tickets of a customer (open and finished), newest first."""
    condition = Q(pk__in=[])
    if person is not None:
        condition |= Q(person_id=person.pk)
    if company is not None:
        condition |= Q(company_id=company.pk)
    return (
        tickets_for(user)
        .filter(condition)
        .select_related("assignee", "category")
        .order_by("-created_at", "-id")
    )


def categories_for(user: Any, *, active_only: bool = True) -> QuerySet[TicketCategory]:
    qs = TicketCategory.objects.filter(workspace_id=user.workspace_id)
    return qs.filter(is_active=True) if active_only else qs


def sla_policies_for(user: Any) -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.filter(workspace_id=user.workspace_id).order_by("priority")


def business_hours_for(user: Any) -> QuerySet[BusinessHours]:
    return BusinessHours.objects.filter(workspace_id=user.workspace_id).order_by("weekday")


@dataclass(frozen=True)
class Recipient:
    """Where a public reply goes: channel (``email``/``sms``), address and whom it greets."""

    channel: str
    address: str
    name: str

    @property
    def display(self) -> str:
        return format_phone(self.address) if self.channel == "sms" else self.address


def _points(owner_filter: Q, workspace_id: int) -> list[ContactPoint]:
    return list(
        ContactPoint.objects.filter(owner_filter, workspace_id=workspace_id).order_by(
            "-is_primary", "id"
        )
    )


def reply_recipients(ticket: Ticket) -> list[Recipient]:
    """E-mail addresses first, then mobiles, of the requester (person, else company)."""
    owners: list[tuple[Q, str]] = []
    if ticket.person_id:
        owners.append((Q(person_id=ticket.person_id), str(ticket.person)))
    if ticket.company_id:
        owners.append((Q(company_id=ticket.company_id), str(ticket.company)))
    emails: list[Recipient] = []
    mobiles: list[Recipient] = []
    for condition, name in owners:
        for point in _points(condition, ticket.workspace_id):
            if point.kind == ContactKind.EMAIL:
                emails.append(Recipient("email", point.normalized, name))
            elif point.label == ContactLabel.MOBILE or point.normalized.startswith(
                ("+336", "+337")
            ):
                mobiles.append(Recipient("sms", point.normalized, name))
    return emails + mobiles
