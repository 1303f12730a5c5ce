"""« Prendre RDV » on the phone: the need, the proposed slots, one click books."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.tests.factories import InteractionFactory
from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.scheduling.models import Channel, Visit
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import TechnicianFactory, service

URL = reverse("scheduling:book")


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Dupont")
    ContactPoint.objects.create(
        workspace=workspace,
        person=person,
        kind="phone",
        value="06 12 34 56 78",
        normalized="+33612345678",
        is_primary=True,
    )
    SiteFactory(person=person, postcode="74000", city="Annecy", is_primary=True)
    return person


def need(person, day, **extra):
    site = person.sites.get()
    return {
        "person": person.pk,
        "service": service(person.workspace).pk,
        "site": site.pk,
        "earliest": day.isoformat(),
        "channel": "phone",
        **extra,
    }


@pytest.mark.django_db
def test_the_flow_opens_with_sensible_defaults_and_real_slots(agent_client, dupont, gaetan):
    response = agent_client.get(URL, {"person": dupont.pk})
    assert response.status_code == 200
    form = response.context["form"]
    # The only site is preselected, the first online-bookable service too, from today.
    assert form["site"].value() == dupont.sites.get().pk
    assert form["service"].value() == service(dupont.workspace, "depannage").pk
    assert response.context["days"], "slots are proposed at once"
    html = response.content.decode()
    assert "Gaëtan" in html and "min de trajet" in html
    assert 'name="opened"' in html


@pytest.mark.django_db
def test_one_click_on_a_slot_books_by_phone_and_confirms(
    agent_client, agent, dupont, gaetan, monday
):
    opened_at = at(monday - dt.timedelta(days=3), 9, 0)
    with time_machine.travel(opened_at, tick=False):
        agent_client.force_login(agent)
        page = agent_client.get(URL, need(dupont, monday))
    opened = page.context["opened"]
    slot = page.context["days"][0]["slots"][0]
    assert slot["start"] == "8 h 00" and slot["technician"] == gaetan.name
    with time_machine.travel(opened_at + dt.timedelta(minutes=2), tick=False):
        response = agent_client.post(
            URL, {**need(dupont, monday), "opened": opened, "slot": slot["value"]}
        )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.interaction.get_absolute_url()
    assert visit.channel == Channel.PHONE
    assert visit.technician == gaetan
    assert visit.interaction.person == dupont and visit.interaction.site == dupont.sites.get()
    assert visit.starts_at == at(monday, 8)
    assert visit.requested_at == opened_at  # when the call started, not when it was booked
    assert visit.lead_time == dt.timedelta(minutes=2)
    assert visit.contact_phone == "+33612345678"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert re.fullmatch(
        r"RDV confirmé : lundi \d\d/\d\d 8 h 00 avec Gaëtan · confirmation envoyée", message
    )


@pytest.mark.django_db
def test_the_channel_can_be_e_mail_or_office(agent_client, dupont, gaetan, monday):
    page = agent_client.get(URL, need(dupont, monday))
    slot = page.context["days"][0]["slots"][0]["value"]
    agent_client.post(URL, {**need(dupont, monday, channel="email"), "slot": slot})
    assert Visit.objects.get().channel == Channel.EMAIL


@pytest.mark.django_db
def test_a_forged_opening_time_is_ignored(agent_client, dupont, gaetan, monday):
    page = agent_client.get(URL, need(dupont, monday))
    slot = page.context["days"][0]["slots"][0]["value"]
    agent_client.post(
        URL, {**need(dupont, monday), "slot": slot, "opened": "2020-01-01T00:00:00+00:00"}
    )
    visit = Visit.objects.get()
    assert visit.requested_at.year != 2020


@pytest.mark.django_db
def test_a_taken_slot_shows_the_alternatives(agent_client, agent, dupont, gaetan, monday):
    page = agent_client.get(URL, need(dupont, monday))
    slot = page.context["days"][0]["slots"][0]
    # Someone else books it while Claire talks.
    visit_book(
        service=service(dupont.workspace),
        starts_at=at(monday, 8),
        channel=Channel.ONLINE,
        site=SiteFactory(person=PersonFactory(workspace=dupont.workspace), postcode="74000"),
    )
    response = agent_client.post(URL, {**need(dupont, monday), "slot": slot["value"]})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ce créneau vient d&#x27;être pris" in html or "Ce créneau vient d'être pris" in html
    alternatives = [s for d in response.context["days"] for s in d["slots"]]
    assert alternatives and all(s["value"] != slot["value"] for s in alternatives)
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_urgent_searches_from_now_soonest_first(agent_client, agent, dupont, gaetan, monday):
    with time_machine.travel(at(monday, 10, 5), tick=False):
        agent_client.force_login(agent)  # a session opened that morning
        response = agent_client.get(URL, need(dupont, monday + dt.timedelta(days=3), urgent="on"))
    slots = [s for d in response.context["days"] for s in d["slots"]]
    assert slots[0]["start"] == "10 h 30"  # today, despite the later date asked
    assert response.context["days"][0]["day"].startswith("lundi")


@pytest.mark.django_db
def test_a_postcode_replaces_a_site(agent_client, workspace, gaetan, monday):
    person = PersonFactory(workspace=workspace, postcode="")
    response = agent_client.get(
        URL,
        {
            "person": person.pk,
            "service": service(workspace).pk,
            "postcode": "7400",
            "earliest": monday.isoformat(),
            "channel": "phone",
        },
    )
    assert "5 chiffres" in response.content.decode()
    assert not response.context["days"]
    response = agent_client.get(
        URL,
        {
            "person": person.pk,
            "service": service(workspace).pk,
            "postcode": "74000",
            "earliest": monday.isoformat(),
            "channel": "phone",
        },
    )
    assert response.context["days"]


@pytest.mark.django_db
def test_changing_the_need_refreshes_only_the_slots(agent_client, dupont, gaetan, monday):
    response = agent_client.get(URL, need(dupont, monday), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel book-slots" id="slots"')
    assert "<html" not in html


@pytest.mark.django_db
def test_a_request_links_the_booking_and_its_first_contact(
    agent_client, agent, dupont, gaetan, monday
):
    call = InteractionFactory(owner=agent, person=dupont, subject="Appel : plus de courant")
    page = agent_client.get(URL, {"request": call.pk})
    assert page.context["customer"] == dupont
    slot = page.context["days"][0]["slots"][0]["value"]
    agent_client.post(URL, {**need(dupont, monday), "request": call.pk, "slot": slot})
    visit = Visit.objects.get()
    assert visit.request == call
    assert visit.requested_at == call.created_at


@pytest.mark.django_db
def test_other_workspaces_are_not_found(agent_client, other_workspace, dupont, gaetan, monday):
    stranger = PersonFactory(workspace=other_workspace)
    foreign_site = SiteFactory(person=stranger)
    foreign_call = InteractionFactory(owner=UserFactory(workspace=other_workspace))
    assert agent_client.get(URL, {"person": stranger.pk}).status_code == 404
    assert agent_client.get(URL, {"site": foreign_site.pk}).status_code == 404
    assert agent_client.get(URL, {"request": foreign_call.pk}).status_code == 404
    # A site of another customer of the same workspace is not this customer's.
    other_site = SiteFactory(person=PersonFactory(workspace=dupont.workspace))
    assert agent_client.get(URL, {"person": dupont.pk, "site": other_site.pk}).status_code == 404
    foreign_tech = TechnicianFactory(user=UserFactory(workspace=other_workspace, role="technician"))
    response = agent_client.post(
        URL, {**need(dupont, monday), "slot": f"{foreign_tech.pk}|{at(monday, 8).isoformat()}"}
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_read_only_user_cannot_book(client, workspace, dupont, gaetan, monday):
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    client.force_login(reader)
    assert client.get(URL, {"person": dupont.pk}).status_code == 403
    response = client.post(
        URL, {**need(dupont, monday), "slot": f"{gaetan.pk}|{at(monday, 8).isoformat()}"}
    )
    assert response.status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_the_customer_page_and_search_lead_to_the_flow(agent_client, dupont):
    page = agent_client.get(dupont.get_absolute_url()).content.decode()
    assert f"{URL}?person={dupont.pk}" in page
    assert f"site={dupont.sites.get().pk}" in page


@pytest.mark.django_db
def test_a_search_for_the_callers_number_offers_prendre_rdv(agent_client, dupont):
    html = agent_client.get(reverse("search:results"), {"q": "06 12 34 56 78"}).content.decode()
    assert "Dupont" in html and f"{URL}?person={dupont.pk}" in html


@pytest.mark.django_db
def test_the_callers_number_preselects_the_customer(agent_client, workspace, dupont, gaetan):
    response = agent_client.get(URL, {"phone": "+33 6 12 34 56 78"})
    assert response.status_code == 200
    assert response.context["customer"] == dupont
    assert response.context["form"]["site"].value() == dupont.sites.get().pk
    assert response.context["days"], "slots are proposed at once"
    assert "Prendre RDV pour" in response.content.decode()


@pytest.mark.django_db
def test_a_shared_or_unknown_number_asks_who_or_says_so(
    agent_client, workspace, other_workspace, dupont
):
    spouse = PersonFactory(workspace=workspace, first_name="Marie", last_name="Dupont")
    ContactPoint.objects.create(
        workspace=workspace,
        person=spouse,
        kind="phone",
        value="06 12 34 56 78",
        normalized="+33612345678",
    )
    response = agent_client.get(URL, {"phone": "0612345678"})
    html = response.content.decode()
    assert response.context["customer"] is None
    assert f"{URL}?person={dupont.pk}" in html and f"{URL}?person={spouse.pk}" in html
    assert "Plusieurs clients" in html
    # A number of another workspace only: nobody here.
    stranger = PersonFactory(workspace=other_workspace)
    ContactPoint.objects.create(
        workspace=other_workspace,
        person=stranger,
        kind="phone",
        value="06 99 88 77 66",
        normalized="+33699887766",
    )
    response = agent_client.get(URL, {"phone": "06 99 88 77 66"})
    assert response.context["customer"] is None
    assert "Aucun client au 06 99 88 77 66" in response.content.decode()
    assert agent_client.get(URL, {"phone": "pas un numéro"}).status_code == 200
