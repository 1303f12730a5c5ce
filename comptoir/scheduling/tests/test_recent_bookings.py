"""The desk panel listing what customers booked themselves."""

import pytest
from django.urls import reverse

from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.scheduling.models import BookingSettings
from comptoir.scheduling.services import visit_book, visit_cancel
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service

URL = reverse("scheduling:recent_bookings")


def booked(workspace, when, channel, last_name):
    person = PersonFactory(workspace=workspace, last_name=last_name, first_name="Pierre")
    site = SiteFactory(person=person, postcode="69003", latitude=45.76, longitude=4.84)
    BookingSettings.objects.filter(workspace=workspace).update(min_notice_hours=0)
    return visit_book(
        service=service(workspace, bookable_online=True),
        starts_at=when,
        channel=channel,
        person=person,
        site=site,
    )


@pytest.mark.django_db
def test_online_and_website_bookings_show_newest_first_phone_ones_do_not(
    agent_client, workspace, gaetan, monday
):
    booked(workspace, at(monday, 8), "online", "Dupont")
    booked(workspace, at(monday, 10), "api", "Martin")
    booked(workspace, at(monday, 14), "phone", "Durand")
    html = agent_client.get(URL).content.decode()
    assert "Réservations en ligne" in html
    assert html.index("Martin") < html.index("Dupont")
    assert "site web" in html
    assert "Durand" not in html


@pytest.mark.django_db
def test_a_cancelled_booking_says_so(agent_client, workspace, gaetan, monday):
    visit = booked(workspace, at(monday, 8), "online", "Dupont")
    visit_cancel(visit=visit)
    assert "annulé par le client" in agent_client.get(URL).content.decode()


@pytest.mark.django_db
def test_another_workspace_sees_none_of_them(client, outsider, workspace, gaetan, monday):
    booked(workspace, at(monday, 8), "online", "Dupont")
    client.force_login(outsider)
    html = client.get(URL).content.decode()
    assert "Dupont" not in html
    assert "Aucune réservation en ligne" in html


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login(client):
    assert client.get(URL).status_code == 302


@pytest.mark.django_db
def test_the_office_desk_loads_the_panel_a_technicians_desk_does_not(client, agent, technician):
    client.force_login(agent)
    assert URL in client.get(reverse("activities:desk")).content.decode()
    client.force_login(technician)
    assert URL not in client.get(reverse("activities:desk")).content.decode()


@pytest.mark.django_db
def test_the_panel_reads_a_fixed_number_of_queries(
    agent_client, workspace, gaetan, monday, django_assert_max_num_queries
):
    for hour, name in ((8, "Dupont"), (10, "Martin"), (14, "Durand"), (16, "Petit")):
        booked(workspace, at(monday, hour), "online", name)
    with django_assert_max_num_queries(5):
        html = agent_client.get(URL).content.decode()
    assert all(name in html for name in ("Dupont", "Martin", "Durand", "Petit"))
