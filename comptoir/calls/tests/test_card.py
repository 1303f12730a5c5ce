"""The caller's card of the pop-up: one, several or no customer with the number; other
workspaces' calls stay out of reach; quick creation and attaching of an unknown number."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory
from comptoir.calls.models import CallStatus
from comptoir.calls.services import call_event_receive
from comptoir.contacts.models import ContactPoint, Person
from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
    SiteFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def standard(workspace):
    return UserFactory(workspace=workspace, email="standard@duret.example")


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Jean", last_name="Dupont"
    )
    AffiliationFactory(
        person=person,
        workspace=workspace,
        company=CompanyFactory(workspace=workspace, name="SCI Tilleuls"),
    )
    PhoneFactory(person=person, workspace=workspace)
    SiteFactory(
        person=person,
        workspace=workspace,
        street="12 rue des Lilas",
        postcode="74000",
        city="Annecy",
    )
    return person


def _ring(standard, agent, number="06 12 34 56 78", call_id="c-1"):
    return call_event_receive(
        by=standard, event="ringing", call_id=call_id, from_number=number, agent=agent.email
    ).call


def _card(client, call):
    return client.get(reverse("calls:card", args=[call.pk]), **HTMX)


def test_one_match_shows_the_customer_with_what_is_open_and_next(
    agent_client, agent, standard, dupont
):
    InteractionFactory(owner=agent, person=dupont, subject="Disjoncteur qui saute")
    AppointmentFactory(
        owner=agent,
        person=dupont,
        subject="Visite de contrôle",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    call = _ring(standard, agent)

    response = _card(agent_client, call)

    html = response.content.decode()
    assert response.status_code == 200
    assert "M. Jean Dupont" in html
    assert "SCI Tilleuls" in html
    assert "12 rue des Lilas" in html
    assert "Disjoncteur qui saute" in html
    assert "Appel entrant" in html
    assert "06 12 34 56 78" in html
    assert f"{reverse('scheduling:book')}?person={dupont.pk}" in html
    assert "Nouvelle demande" in html
    assert "Prendre RDV" in html
    assert "Numéro inconnu" not in html


def test_several_matches_are_listed_to_pick_one(agent_client, agent, standard, dupont, workspace):
    wife = PersonFactory(workspace=workspace, civility="Mme", first_name="Anne", last_name="Dupont")
    PhoneFactory(person=wife, workspace=workspace)
    call = _ring(standard, agent)

    html = _card(agent_client, call).content.decode()
    assert "2 fiches ont ce numéro" in html
    assert "M. Jean Dupont" in html and "Mme Anne Dupont" in html

    picked = agent_client.post(reverse("calls:link", args=[call.pk]), {"person": wife.pk}, **HTMX)
    assert picked.status_code == 200
    call.refresh_from_db()
    assert call.person == wife
    assert "2 fiches" not in picked.content.decode()


def test_an_unknown_number_offers_creation_and_attaching(agent_client, agent, standard):
    call = _ring(standard, agent, number="04 78 12 34 56")
    html = _card(agent_client, call).content.decode()
    assert "Numéro inconnu" in html
    assert reverse("calls:customer_create", args=[call.pk]) in html
    assert "Rattacher…" in html


def test_creating_a_customer_from_an_unknown_number_keeps_the_number_and_the_call(
    agent_client, agent, standard
):
    call = _ring(standard, agent, number="04 78 12 34 56")
    call_event_receive(by=standard, event="missed", call_id="c-1", agent=agent.email)

    response = agent_client.post(
        reverse("calls:customer_create", args=[call.pk]),
        {"civility": "Mme", "first_name": "Lucie", "last_name": "Roux"},
    )

    person = Person.objects.get(last_name="Roux")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert ContactPoint.objects.get(person=person).normalized == "+33478123456"
    call.refresh_from_db()
    assert call.person == person
    assert Interaction.objects.get(pk=call.interaction_id).person == person
    assert Interaction.objects.get(pk=call.callback_task_id).person == person


def test_a_customer_needs_a_name(agent_client, agent, standard):
    call = _ring(standard, agent, number="04 78 12 34 56")
    response = agent_client.post(
        reverse("calls:customer_create", args=[call.pk]), {"last_name": ""}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Person.objects.exists()


def test_attaching_an_unknown_number_to_a_customer(agent_client, agent, standard, workspace):
    martin = PersonFactory(workspace=workspace, first_name="Paul", last_name="Martin")
    call = _ring(standard, agent, number="04 78 12 34 56")

    found = agent_client.get(reverse("calls:attach_search", args=[call.pk]), {"q": "mart"}, **HTMX)
    assert "Paul Martin" in found.content.decode()

    agent_client.post(
        reverse("calls:link", args=[call.pk]), {"person": martin.pk, "add_phone": "1"}, **HTMX
    )
    call.refresh_from_db()
    assert call.person == martin
    assert ContactPoint.objects.get(person=martin).normalized == "+33478123456"


def test_another_workspaces_call_is_a_404(client, outsider, agent, standard, dupont, workspace):
    call = _ring(standard, agent)
    stranger = PersonFactory(workspace=outsider.workspace)
    client.force_login(outsider)
    assert _card(client, call).status_code == 404
    assert (
        client.post(reverse("calls:link", args=[call.pk]), {"person": stranger.pk}).status_code
        == 404
    )
    assert client.get(reverse("calls:customer_create", args=[call.pk])).status_code == 404
    assert (
        client.get(reverse("calls:attach_search", args=[call.pk]), {"q": "Dup"}).status_code == 404
    )


def test_a_customer_of_another_workspace_cannot_be_linked(agent_client, agent, standard, outsider):
    call = _ring(standard, agent, number="04 78 12 34 56")
    stranger = PersonFactory(workspace=outsider.workspace)
    response = agent_client.post(reverse("calls:link", args=[call.pk]), {"person": stranger.pk})
    assert response.status_code == 404
    call.refresh_from_db()
    assert call.person is None


def test_the_ended_card_says_appel_termine_with_its_length(agent_client, agent, standard, dupont):
    call = _ring(standard, agent)
    start = call.started_at
    call_event_receive(by=standard, event="answered", call_id="c-1", agent=agent.email, at=start)
    call_event_receive(
        by=standard, event="ended", call_id="c-1", at=start + dt.timedelta(seconds=192)
    )
    call.refresh_from_db()
    assert call.status == CallStatus.ENDED
    html = _card(agent_client, call).content.decode()
    assert "Appel terminé" in html
    assert "03:12" in html
    assert 'data-call-pill="J. Dupont"' in html


def test_signed_in_pages_carry_the_popup_container(agent_client):
    html = agent_client.get(reverse("activities:desk")).content.decode()
    assert 'id="call-popup"' in html
    assert 'id="call-pill"' in html
    assert "calls/calls.js" in html


def test_open_tickets_show_instead_of_support_tasks(agent_client, agent, standard, dupont):
    from comptoir.tickets.services import ticket_open

    ticket = ticket_open(by=agent, subject="Prise grillée dans la cuisine", person=dupont)
    call = _ring(standard, agent)
    html = _card(agent_client, call).content.decode()
    assert ticket.reference in html
    assert "Prise grillée dans la cuisine" in html
    assert f"{reverse('tickets:create')}?person={dupont.pk}&amp;channel=phone" in html


def test_a_missed_call_lands_on_the_agents_desk(agent_client, agent, standard):
    _ring(standard, agent, number="04 78 12 34 56")
    call_event_receive(by=standard, event="missed", call_id="c-1", agent=agent.email)
    html = agent_client.get(reverse("activities:desk")).content.decode()
    assert "Rappeler le 04 78 12 34 56" in html
