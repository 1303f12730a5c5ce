"""Phone calendars: a private, revocable feed of one's own appointments, with alarms."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import State
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory
from comptoir.contacts.tests.factories import PersonFactory, PhoneFactory, SiteFactory
from comptoir.scheduling.models import CalendarFeed, Channel
from comptoir.scheduling.services import visit_book, visit_cancel
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service

PARIS = ZoneInfo("Europe/Paris")


def feed_of(user):
    found, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"workspace": user.workspace}
    )
    return found


def read(client, feed):
    response = client.get(f"/agenda/flux/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal):
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


@pytest.mark.django_db
def test_the_feed_lists_my_booked_visits_with_place_phone_access_and_alarms(
    client, workspace, gaetan, monday
):
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Jean", last_name="Dupont"
    )
    PhoneFactory(person=person, value="06 12 34 56 78", normalized="+33612345678")
    site = SiteFactory(
        person=person,
        street="12 rue des Lilas",
        postcode="69003",
        city="Lyon",
        latitude=45.764,
        longitude=4.8357,
        access_notes="Digicode 4521, 2e étage",
    )
    visit = visit_book(
        service=service(workspace),
        starts_at=at(monday, 8, 30),
        channel=Channel.PHONE,
        person=person,
        site=site,
        customer_notes="Disjoncteur qui saute",
    )
    cal = read(client, feed_of(gaetan.user))
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == visit.interaction.subject
    assert event.decoded("dtstart") == at(monday, 8, 30)
    assert event.decoded("dtend") == at(monday, 9, 30)
    assert str(event["location"]) == "12 rue des Lilas, 69003 Lyon"
    description = str(event["description"])
    assert "Client : M. Jean Dupont" in description
    assert "Téléphone : 06 12 34 56 78" in description
    assert "Accès : Digicode 4521, 2e étage" in description
    assert visit.reference in description and "Disjoncteur qui saute" in description
    triggers = sorted(a.decoded("trigger") for a in event.walk("VALARM"))
    assert triggers == [-dt.timedelta(days=1), -dt.timedelta(hours=1)]
    assert "Gaëtan" in str(cal["x-wr-calname"])


@pytest.mark.django_db
def test_nine_oclock_in_paris_is_right_in_summer_and_in_winter(client, technician):
    with time_machine.travel(dt.datetime(2031, 6, 1, 12, tzinfo=PARIS), tick=False):
        AppointmentFactory(
            owner=technician, subject="Été", starts_at=dt.datetime(2031, 7, 15, 9, tzinfo=PARIS)
        )
        AppointmentFactory(
            owner=technician, subject="Hiver", starts_at=dt.datetime(2031, 11, 18, 9, tzinfo=PARIS)
        )
        found = events(read(client, feed_of(technician)))
    assert "DTSTART:20310715T070000Z" in found["Été"].to_ical().decode()
    assert "DTSTART:20311118T080000Z" in found["Hiver"].to_ical().decode()
    assert found["Hiver"].decoded("dtstart").astimezone(PARIS).hour == 9


@pytest.mark.django_db
def test_tasks_cancelled_and_far_appointments_stay_out(client, technician):
    now = dt.datetime.now(PARIS)
    AppointmentFactory(owner=technician, subject="Visible", starts_at=now + dt.timedelta(days=2))
    AppointmentFactory(
        owner=technician, subject="Passé récent", starts_at=now - dt.timedelta(days=29)
    )
    AppointmentFactory(
        owner=technician, subject="Trop ancien", starts_at=now - dt.timedelta(days=31)
    )
    AppointmentFactory(
        owner=technician, subject="Trop loin", starts_at=now + dt.timedelta(days=181)
    )
    AppointmentFactory(
        owner=technician,
        subject="Annulé",
        state=State.CANCELLED,
        starts_at=now + dt.timedelta(days=3),
    )
    InteractionFactory(owner=technician, subject="Une tâche", starts_at=now + dt.timedelta(days=1))
    assert set(events(read(client, feed_of(technician)))) == {"Visible", "Passé récent"}


@pytest.mark.django_db
def test_a_cancelled_visit_leaves_the_feed(client, workspace, gaetan, monday):
    site = SiteFactory(person=PersonFactory(workspace=workspace), postcode="69003", city="Lyon")
    visit = visit_book(
        service=service(workspace),
        starts_at=at(monday, 10),
        channel="phone",
        site=site,
        person=site.person,
    )
    feed = feed_of(gaetan.user)
    assert len(read(client, feed).walk("VEVENT")) == 1
    visit_cancel(visit=visit)
    assert read(client, feed).walk("VEVENT") == []


@pytest.mark.django_db
def test_each_token_shows_only_its_owners_appointments(client, workspace, technician, outsider):
    colleague = UserFactory(workspace=workspace, first_name="Karim")
    soon = dt.datetime.now(PARIS) + dt.timedelta(days=1)
    AppointmentFactory(owner=technician, subject="Chez Dupont", starts_at=soon)
    AppointmentFactory(owner=colleague, subject="Chez Martin", starts_at=soon)
    AppointmentFactory(owner=outsider, subject="Ailleurs", starts_at=soon)
    assert set(events(read(client, feed_of(technician)))) == {"Chez Dupont"}
    assert set(events(read(client, feed_of(colleague)))) == {"Chez Martin"}
    assert set(events(read(client, feed_of(outsider)))) == {"Ailleurs"}


@pytest.mark.django_db
def test_unknown_regenerated_or_deactivated_feeds_answer_404(client, technician):
    assert client.get("/agenda/flux/" + "x" * 32 + ".ics").status_code == 404
    feed = feed_of(technician)
    old = feed.token
    client.force_login(technician)
    response = client.post(reverse("scheduling:feed_regenerate"))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.token != old
    assert client.get(f"/agenda/flux/{old}.ics").status_code == 404
    assert client.get(f"/agenda/flux/{feed.token}.ics").status_code == 200
    technician.is_active = False
    technician.save()
    assert client.get(f"/agenda/flux/{feed.token}.ics").status_code == 404


@pytest.mark.django_db
def test_the_page_creates_the_feed_and_shows_the_address_and_how_to_subscribe(
    client, technician, settings
):
    settings.COMPTOIR_PUBLIC_URL = "https://crm.duret.example"
    client.force_login(technician)
    assert not CalendarFeed.objects.filter(user=technician).exists()
    page = client.get(reverse("scheduling:feed_panel")).content.decode()
    feed = CalendarFeed.objects.get(user=technician)
    assert f"https://crm.duret.example/agenda/flux/{feed.token}.ics" in page
    assert f"webcal://crm.duret.example/agenda/flux/{feed.token}.ics" in page
    assert "À partir de l'URL" in page and "iPhone" in page
    assert "Régénérer le lien" in page
    # Same address on the next visit.
    client.get(reverse("scheduling:feed_panel"))
    assert CalendarFeed.objects.get(user=technician).token == feed.token


@pytest.mark.django_db
def test_regenerating_from_the_account_page_swaps_the_panel(client, technician):
    client.force_login(technician)
    account = client.get(reverse("accounts:account")).content.decode()
    assert "Agenda sur mon téléphone" in account
    assert f'hx-get="{reverse("scheduling:feed_panel")}"' in account
    panel = client.get(
        reverse("scheduling:feed_panel"), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in panel and 'id="phone-calendar"' in panel
    old = CalendarFeed.objects.get(user=technician).token
    swapped = client.post(
        reverse("scheduling:feed_regenerate"), headers={"HX-Request": "true"}
    ).content.decode()
    new = CalendarFeed.objects.get(user=technician).token
    assert new != old and new in swapped and old not in swapped
    assert "l'ancien ne fonctionne plus" in swapped


@pytest.mark.django_db
def test_the_page_needs_a_sign_in(client):
    response = client.get(reverse("scheduling:feed_panel"))
    assert response.status_code == 302 and "/comptes/" in response["Location"]
    assert client.post(reverse("scheduling:feed_regenerate")).status_code == 302
