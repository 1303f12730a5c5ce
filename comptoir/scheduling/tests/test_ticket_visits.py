"""A ticket's visits: « Planifier une intervention » from the ticket, the ticket follows each
booking, move and cancellation, and shows its visits."""

import datetime as dt

import pytest
from django.urls import reverse

from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.scheduling.models import Channel, Visit
from comptoir.scheduling.services import visit_book, visit_cancel, visit_reschedule
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service
from comptoir.tickets.models import MessageKind, Status
from comptoir.tickets.tests.factories import open_ticket


@pytest.fixture
def ticket(agent, workspace):
    person = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Dupont")
    site = SiteFactory(person=person, postcode="74000", city="Annecy", is_primary=True)
    return open_ticket(by=agent, person=person, site=site, subject="Disjoncteur qui saute")


def book_for(ticket, agent, when, technician=None):
    return visit_book(
        service=service(ticket.workspace),
        starts_at=when,
        channel=Channel.PHONE,
        by=agent,
        technician=technician,
        person=ticket.person,
        site=ticket.site,
        request=ticket.interaction,
    )


@pytest.mark.django_db
def test_the_ticket_page_offers_to_plan_a_visit_for_its_customer_and_site(
    agent_client, ticket, gaetan
):
    page = agent_client.get(reverse("tickets:detail", args=[ticket.pk]))
    panel_url = reverse("scheduling:ticket_visits", args=[ticket.pk])
    assert panel_url in page.content.decode()

    panel = agent_client.get(panel_url)
    html = panel.content.decode()
    assert "Aucune intervention planifiée" in html
    book_url = reverse("scheduling:book") + f"?request={ticket.interaction_id}&amp;site="
    assert book_url in html and "Planifier une intervention" in html

    booking = agent_client.get(
        reverse("scheduling:book"), {"request": ticket.interaction_id, "site": ticket.site_id}
    )
    assert booking.status_code == 200
    assert booking.context["customer"] == ticket.person
    assert booking.context["form"]["site"].value() == ticket.site_id
    assert ticket.reference in booking.content.decode()


@pytest.mark.django_db
def test_booking_from_the_ticket_schedules_it_and_returns_to_it(
    agent_client, ticket, gaetan, monday
):
    url = reverse("scheduling:book")
    data = {
        "request": ticket.interaction_id,
        "site": ticket.site_id,
        "service": service(ticket.workspace).pk,
        "earliest": monday.isoformat(),
        "channel": "phone",
    }
    page = agent_client.get(url, data)
    slot = page.context["days"][0]["slots"][0]
    response = agent_client.post(url, {**data, "slot": slot["value"]})

    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    visit = Visit.objects.get()
    assert visit.request_id == ticket.interaction_id
    assert visit.requested_at == ticket.interaction.created_at
    ticket.refresh_from_db()
    assert ticket.status == Status.SCHEDULED
    assert ticket.first_response_at is not None, "the confirmation sent is the first response"
    note = ticket.messages.get()
    assert note.kind == MessageKind.NOTE
    assert visit.reference in note.body and "Gaëtan" in note.body

    panel = agent_client.get(reverse("scheduling:ticket_visits", args=[ticket.pk]))
    html = panel.content.decode()
    assert visit.reference in html and "Gaëtan" in html
    assert "(1)" in html


@pytest.mark.django_db
def test_moves_and_cancellations_follow_on_the_ticket(agent, ticket, gaetan, monday):
    first = book_for(ticket, agent, at(monday, 8), technician=gaetan)
    second = book_for(ticket, agent, at(monday, 14), technician=gaetan)
    ticket.refresh_from_db()
    assert ticket.status == Status.SCHEDULED

    visit_reschedule(visit=first, starts_at=at(monday + dt.timedelta(days=1), 9), by=agent)
    assert "déplacée" in ticket.messages.order_by("-id").first().body

    visit_cancel(visit=first, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.SCHEDULED, "another visit is still planned"

    visit_cancel(visit=second, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert "annulée" in ticket.messages.order_by("-id").first().body
    assert ticket.messages.count() == 5  # two bookings, one move, two cancellations


@pytest.mark.django_db
def test_a_finished_ticket_keeps_its_status_when_a_visit_is_booked(agent, ticket, gaetan, monday):
    from comptoir.tickets.services import ticket_set_status

    ticket_set_status(ticket=ticket, status=Status.RESOLVED, by=agent)
    book_for(ticket, agent, at(monday, 8), technician=gaetan)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 1


@pytest.mark.django_db
def test_a_visit_without_a_ticket_leaves_tickets_alone(agent, workspace, gaetan, monday):
    person = PersonFactory(workspace=workspace)
    site = SiteFactory(person=person, postcode="74000", city="Annecy")
    other = open_ticket(by=agent, person=person)
    visit_book(
        service=service(workspace),
        starts_at=at(monday, 8),
        channel=Channel.PHONE,
        by=agent,
        technician=gaetan,
        person=person,
        site=site,
    )
    other.refresh_from_db()
    assert other.status == Status.NEW and not other.messages.exists()


@pytest.mark.django_db
def test_the_panel_of_another_workspace_ticket_is_not_found(client, outsider, ticket):
    client.force_login(outsider)
    response = client.get(reverse("scheduling:ticket_visits", args=[ticket.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_reader_sees_the_visits_but_is_not_offered_to_plan(client, workspace, ticket, gaetan):
    from comptoir.accounts.models import Role
    from comptoir.accounts.tests.factories import UserFactory

    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    client.force_login(reader)
    html = client.get(reverse("scheduling:ticket_visits", args=[ticket.pk])).content.decode()
    assert "Interventions" in html and "Planifier une intervention" not in html
