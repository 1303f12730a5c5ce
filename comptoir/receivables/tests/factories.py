"""Factories of receivables: open items and the import that brought them."""

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from comptoir.accounts.tests.factories import WorkspaceFactory
from comptoir.contacts.tests.factories import PersonFactory, PhoneFactory
from comptoir.receivables.models import ImportStatus, OpenItem, OpenItemImport


class OpenItemImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpenItemImport

    workspace = factory.SubFactory(WorkspaceFactory)
    file_name = "echeances.csv"
    status = ImportStatus.APPLIED
    applied_at = factory.LazyFunction(timezone.now)


class OpenItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpenItem

    workspace = factory.SubFactory(WorkspaceFactory)
    reference = factory.Sequence(lambda n: f"F-2026-{1000 + n}")
    external_key = factory.SelfAttribute("reference")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=35))
    due_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))
    amount_due = Decimal("240.00")


def days_ago(days: int) -> dt.date:
    """Today minus ``days`` (negative: in the future), in the workspace's zone."""
    return timezone.localdate() - dt.timedelta(days=days)


def dupont(workspace: Any) -> Any:
    """M. Pierre Dupont with his mobile: the customer who calls and owes."""
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Pierre", last_name="Dupont"
    )
    PhoneFactory(person=person, workspace=workspace)
    return person
