"""A ticket's calls: with its person or company, from two hours before it was opened until it
was closed; another workspace's ticket is not found."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.calls.models import CallStatus, Direction
from comptoir.calls.selectors import calls_for_ticket
from comptoir.calls.tests.factories import CallFactory, receive_call
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, PhoneFactory
from comptoir.tickets.models import Ticket
from comptoir.tickets.tests.factories import open_ticket

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def dupont(workspace):
    return PersonFactory(workspace=workspace, civility="M.", first_name="Jean", last_name="Dupont")


@pytest.fixture
def tilleuls(workspace):
    return CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")


def _opened(ticket, at):
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at)
    ticket.refresh_from_db()
    return ticket


def _panel(client, ticket):
    return client.get(reverse("calls:ticket_calls", args=[ticket.pk]), **HTMX)


def _items(html):
    return re.findall(r'<li class="ticket-call.*?</li>', html, flags=re.S)


def test_the_panel_lists_the_customers_calls_since_shortly_before_the_ticket(
    agent_client, agent, dupont
):
    now = timezone.now()
    ticket = _opened(open_ticket(by=agent, person=dupont), now - dt.timedelta(days=1))
    opened = ticket.created_at
    CallFactory(agent=agent, person=dupont, started_at=opened - dt.timedelta(hours=3))
    CallFactory(agent=agent, person=dupont, started_at=opened - dt.timedelta(minutes=90))
    CallFactory(
        agent=agent,
        person=dupont,
        started_at=now - dt.timedelta(hours=1),
        status=CallStatus.MISSED,
        duration=0,
    )
    CallFactory(agent=agent, person=PersonFactory(workspace=agent.workspace), started_at=now)
    CallFactory(agent=agent, started_at=now)  # unknown number

    response = _panel(agent_client, ticket)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<section class="panel' in html
    assert 'aria-labelledby="ticket-calls-title"' in html
    assert '<span class="count">(2)</span>' in html
    missed, earlier = _items(html)
    assert "✕</span> Manqué" in missed
    assert "non décroché" in missed
    assert "↙</span> Entrant" in earlier
    assert "durée 03:12" in earlier
    assert "Claire" in earlier
    local = timezone.localtime(opened - dt.timedelta(minutes=90))
    assert local.strftime("%d/%m %H:%M") in earlier


def test_calls_after_the_ticket_was_closed_are_not_its_own(agent_client, agent, dupont):
    now = timezone.now()
    ticket = _opened(open_ticket(by=agent, person=dupont), now - dt.timedelta(days=5))
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=now - dt.timedelta(days=2))
    CallFactory(agent=agent, person=dupont, started_at=now - dt.timedelta(days=3))
    CallFactory(agent=agent, person=dupont, started_at=now - dt.timedelta(days=1))

    html = _panel(agent_client, ticket).content.decode()

    assert '<span class="count">(1)</span>' in html


def test_a_company_ticket_gathers_the_calls_with_the_company_or_its_contact(
    agent_client, agent, dupont, tilleuls
):
    ticket = open_ticket(by=agent, person=dupont, company=tilleuls)
    now = timezone.now()
    CallFactory(agent=agent, company=tilleuls, direction=Direction.OUT, started_at=now)
    CallFactory(agent=agent, person=dupont, started_at=now - dt.timedelta(minutes=5))
    CallFactory(agent=agent, company=CompanyFactory(workspace=agent.workspace), started_at=now)

    html = _panel(agent_client, ticket).content.decode()

    outgoing, incoming = _items(html)
    assert "↗</span> Sortant" in outgoing
    assert "↙</span> Entrant" in incoming


def test_each_call_links_to_its_interaction_on_the_timeline(agent_client, agent, workspace):
    dupont = PersonFactory(workspace=workspace, last_name="Dupont")
    PhoneFactory(person=dupont, workspace=workspace)
    ticket = open_ticket(by=agent, person=dupont)
    call = receive_call(by=agent, agent=agent, call_id="pbx-1")
    assert call.person_id == dupont.pk

    html = _panel(agent_client, ticket).content.decode()

    assert f'href="{reverse("activities:detail", args=[call.interaction_id])}"' in html


def test_a_ticket_without_calls_says_so(agent_client, agent, dupont):
    ticket = open_ticket(by=agent, person=dupont)

    html = _panel(agent_client, ticket).content.decode()

    assert '<span class="count">(0)</span>' in html
    assert "Aucun appel pour cette demande." in html


def test_another_workspaces_ticket_is_not_found(agent_client, outsider):
    theirs = open_ticket(by=outsider)

    assert _panel(agent_client, theirs).status_code == 404
    assert agent_client.get(reverse("calls:ticket_calls", args=[999999])).status_code == 404


def test_another_workspaces_calls_with_the_same_ids_never_show(
    agent_client, agent, outsider, dupont
):
    ticket = open_ticket(by=agent, person=dupont)
    # A call of the other workspace pointing at our person (corrupt data) stays hidden.
    CallFactory(agent=outsider, person=dupont, started_at=timezone.now())

    html = _panel(agent_client, ticket).content.decode()

    assert '<span class="count">(0)</span>' in html


def test_the_selector_gives_nothing_for_a_ticket_of_another_workspace(agent, outsider):
    theirs = open_ticket(by=outsider)
    CallFactory(agent=outsider, person=theirs.person, started_at=timezone.now())

    assert calls_for_ticket(agent, theirs) == []
    assert len(calls_for_ticket(outsider, theirs)) == 1


def test_a_visitor_is_sent_to_the_login_page(client, agent, dupont):
    ticket = open_ticket(by=agent, person=dupont)

    response = _panel(client, ticket)

    assert response.status_code == 302


def test_the_panel_takes_a_fixed_number_of_queries(
    agent_client, agent, dupont, django_assert_num_queries
):
    ticket = open_ticket(by=agent, person=dupont)
    for _n in range(4):
        CallFactory(agent=agent, person=dupont, started_at=timezone.now())
    _panel(agent_client, ticket)

    with django_assert_num_queries(5):
        _panel(agent_client, ticket)


def test_a_ticket_opened_from_the_call_card_keeps_that_call(agent_client, agent, dupont):
    now = timezone.now()
    call = CallFactory(agent=agent, person=dupont, started_at=now - dt.timedelta(minutes=5))
    card = agent_client.get(reverse("calls:card", args=[call.pk]), **HTMX).content.decode()
    assert f"origin=call%3A{call.pk}" in card, "« Nouvelle demande » carries the call"

    form = agent_client.get(
        reverse("tickets:create"), {"person": dupont.pk, "origin": f"call:{call.pk}"}
    )
    assert f'value="call:{call.pk}"' in form.content.decode()
    response = agent_client.post(
        reverse("tickets:create"),
        {
            "person": dupont.pk,
            "subject": "Disjoncteur qui saute",
            "priority": 2,
            "channel": "phone",
            "origin": f"call:{call.pk}",
        },
    )
    assert response.status_code == 302
    first = Ticket.objects.get()
    call.refresh_from_db()
    assert call.ticket == first

    # A second request from the same customer, opened later, does not claim that call.
    second = open_ticket(by=agent, person=dupont, subject="Devis borne")
    assert call not in calls_for_ticket(agent, second)
    assert call in calls_for_ticket(agent, first)


def test_a_forged_origin_links_nothing(agent, outsider, dupont):
    theirs = CallFactory(agent=outsider, person=None, started_at=timezone.now())
    ticket = open_ticket(by=agent, person=dupont, origin=f"call:{theirs.pk}")
    theirs.refresh_from_db()
    assert theirs.ticket is None
    assert theirs not in calls_for_ticket(agent, ticket)
    open_ticket(by=agent, person=dupont, origin="call:abc")  # unreadable: ignored
