"""Open items: what is still owed, what is overdue, and by how many days."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from comptoir.receivables.models import OpenItem
from comptoir.receivables.tests.factories import OpenItemFactory


def test_unpaid_overdue_and_days_overdue(workspace):
    today = timezone.localdate()
    late = OpenItemFactory(workspace=workspace, due_on=today - dt.timedelta(days=5))
    due_today = OpenItemFactory(workspace=workspace, due_on=today)
    paid = OpenItemFactory(
        workspace=workspace, due_on=today - dt.timedelta(days=40), settled_at=timezone.now()
    )
    credit = OpenItemFactory(
        workspace=workspace, due_on=today - dt.timedelta(days=9), amount_due=Decimal("-50")
    )

    assert set(OpenItem.objects.unpaid()) == {late, due_today, credit}
    assert list(OpenItem.objects.overdue(today)) == [late]
    assert (late.days_overdue, due_today.days_overdue) == (5, 0)
    assert (paid.days_overdue, credit.days_overdue) == (0, 0)
    assert str(late) == f"{late.reference} · 240,00\u202f€"
