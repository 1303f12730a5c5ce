"""The caller's card shows what the customer owes (open items imported from the accounting):
« Solde dû 240,00 € » and how late the oldest invoice is; nothing when nothing is due."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.calls.services import call_event_receive
from comptoir.receivables.tests.factories import OpenItemFactory, days_ago
from comptoir.receivables.tests.factories import dupont as customer

HTMX = {"HTTP_HX_REQUEST": "true"}
NNBSP = "\u202f"


ago = days_ago


@pytest.fixture
def dupont(workspace):
    return customer(workspace)


@pytest.fixture
def standard(workspace):
    return UserFactory(workspace=workspace, email="standard@duret.example")


def _card(client, standard, agent, call_id="c-1"):
    call = call_event_receive(
        by=standard,
        event="ringing",
        call_id=call_id,
        from_number="06 12 34 56 78",
        agent=agent.email,
    ).call
    return client.get(reverse("calls:card", args=[call.pk]), **HTMX).content.decode()


def test_the_call_card_shows_the_balance_due_and_how_late_it_is(
    agent_client, agent, standard, workspace, dupont
):
    OpenItemFactory(workspace=workspace, person=dupont, due_on=ago(5))

    html = _card(agent_client, standard, agent)

    assert "M. Pierre Dupont" in html
    assert f"Solde dû 240,00{NNBSP}€" in html
    assert "1 facture échue depuis 5 j" in html


def test_the_call_card_counts_the_overdue_invoices_from_the_oldest(
    agent_client, agent, standard, workspace, dupont
):
    OpenItemFactory(workspace=workspace, person=dupont, due_on=ago(5))
    OpenItemFactory(workspace=workspace, person=dupont, due_on=ago(40), amount_due=Decimal("60"))
    OpenItemFactory(workspace=workspace, person=dupont, due_on=ago(-3), amount_due=Decimal("1000"))

    html = _card(agent_client, standard, agent)

    assert f"Solde dû 1{NNBSP}300,00{NNBSP}€" in html
    assert "2 factures échues, la plus ancienne depuis 40 j" in html


def test_not_yet_due_shows_the_balance_without_lateness(
    agent_client, agent, standard, workspace, dupont
):
    OpenItemFactory(workspace=workspace, person=dupont, due_on=ago(-3))

    html = _card(agent_client, standard, agent)

    assert f"Solde dû 240,00{NNBSP}€" in html
    assert "échue" not in html


def test_nothing_due_shows_nothing(agent_client, agent, standard, workspace, dupont):
    OpenItemFactory(workspace=workspace, person=dupont, settled_at=timezone.now())
    OpenItemFactory(workspace=workspace, due_on=ago(5))  # someone else's

    html = _card(agent_client, standard, agent)

    assert "M. Pierre Dupont" in html
    assert "Solde dû" not in html
    assert "Impayés" not in html
