"""Reads of receivables, scoped to the user's workspace (another workspace's id: 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from comptoir.contacts.models import Company, Person
from comptoir.lib.money import euros
from comptoir.receivables.models import (
    ImportStatus,
    OpenItem,
    OpenItemImport,
    OpenItemQuerySet,
)


def open_items_for(user: Any) -> OpenItemQuerySet:
    return OpenItem.objects.filter(workspace_id=user.workspace_id)


def imports_for(user: Any) -> QuerySet[OpenItemImport]:
    return OpenItemImport.objects.filter(workspace_id=user.workspace_id)


def import_detail(user: Any, import_id: int) -> OpenItemImport:
    found = imports_for(user).select_related("created_by").filter(pk=import_id).first()
    if found is None:
        raise Http404
    return found


def applied_imports(user: Any, *, limit: int = 10) -> list[OpenItemImport]:
    """The last imports applied, the latest first, with who sent them."""
    return list(
        imports_for(user)
        .filter(status=ImportStatus.APPLIED)
        .select_related("created_by")
        .order_by("-applied_at", "-id")[:limit]
    )


def last_applied_import(user: Any) -> OpenItemImport | None:
    return (
        imports_for(user)
        .filter(status=ImportStatus.APPLIED)
        .only("id", "applied_at", "file_name", "workspace_id")
        .order_by("-applied_at", "-id")
        .first()
    )


def _customer_filter(customer: Person | Company) -> dict[str, int]:
    if isinstance(customer, Person):
        return {"person_id": customer.pk}
    return {"company_id": customer.pk}


@dataclass(frozen=True)
class Balance:
    """What a customer owes: the total of their open items and how late the oldest is."""

    total: Decimal = Decimal(0)
    overdue_count: int = 0
    oldest_overdue_days: int = 0

    @property
    def is_due(self) -> bool:
        return self.total > 0

    @property
    def total_display(self) -> str:
        return euros(self.total)


def balance_for(user: Any, customer: Person | Company, today: dt.date | None = None) -> Balance:
    """One query: the customer's unpaid total, overdue items and the oldest due date."""
    today = today or timezone.localdate()
    overdue = Q(due_on__lt=today, amount_due__gt=0)
    row = (
        open_items_for(user)
        .unpaid()
        .filter(**_customer_filter(customer))
        .aggregate(
            total=Sum("amount_due"),
            overdue_count=Count("id", filter=overdue),
            oldest=Min("due_on", filter=overdue),
        )
    )
    oldest = row["oldest"]
    return Balance(
        total=row["total"] or Decimal(0),
        overdue_count=row["overdue_count"] or 0,
        oldest_overdue_days=(today - oldest).days if oldest else 0,
    )


def unpaid_items_of(user: Any, customer: Person | Company) -> list[OpenItem]:
    """The customer's open items, the oldest due date first."""
    return list(
        open_items_for(user)
        .unpaid()
        .filter(**_customer_filter(customer))
        .order_by("due_on", "reference", "id")
    )


@dataclass(frozen=True)
class Summary:
    """The whole workspace's open items, as the import page shows them."""

    count: int
    total: Decimal
    overdue_count: int
    overdue_total: Decimal


def summary_for(user: Any, today: dt.date | None = None) -> Summary:
    today = today or timezone.localdate()
    overdue = Q(due_on__lt=today, amount_due__gt=0)
    row = (
        open_items_for(user)
        .unpaid()
        .aggregate(
            count=Count("id"),
            total=Sum("amount_due"),
            overdue_count=Count("id", filter=overdue),
            overdue_total=Sum("amount_due", filter=overdue),
        )
    )
    return Summary(
        count=row["count"] or 0,
        total=row["total"] or Decimal(0),
        overdue_count=row["overdue_count"] or 0,
        overdue_total=row["overdue_total"] or Decimal(0),
    )
