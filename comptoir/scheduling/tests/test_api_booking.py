"""Public booking API: free slots and bookings for a company's own website."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache

from comptoir.accounts.services import api_token_issue
from comptoir.contacts.models import Person
from comptoir.scheduling.models import Channel, Visit
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service
from comptoir.scheduling.tests.test_customers import ADDRESS, dupont


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def duret(workspace):
    workspace.phone = "04 50 27 18 40"
    workspace.save(update_fields=["phone"])
    return workspace


def available(client, **params):
    return client.get("/api/v1/availability", params)


def book(client, body, **headers):
    return client.post(
        "/api/v1/bookings", json.dumps(body), content_type="application/json", **headers
    )


def booking_body(monday, **changes):
    body = {
        "workspace": "duret",
        "service": "depannage",
        "start": at(monday, 8).isoformat(),
        "customer": {
            "name": "M. Pierre Dupont",
            "phone": "+33 6 12 34 56 78",
            "email": "p.dupont@gmail.com",
            **ADDRESS,
        },
        "message": "Le disjoncteur saute.",
    }
    body.update(changes)
    return body


@pytest.mark.django_db
def test_free_slots_are_public_with_offsets_and_technician_names(client, duret, gaetan, monday):
    visit_book(service=service(duret), starts_at=at(monday, 8), channel=Channel.PHONE)
    response = available(
        client, service="depannage", workspace="duret", **{"from": monday.isoformat()}, days=1
    )
    assert response.status_code == 200
    slots = response.json()["slots"]
    assert slots[0] == {
        "start": at(monday, 9, 30).isoformat(),  # 8:00-9:00 taken, then 15 min of buffer
        "end": at(monday, 10, 30).isoformat(),
        "technician": gaetan.name,
        "technician_id": gaetan.pk,
    }
    assert all(s["start"].endswith("+01:00") or s["start"].endswith("+02:00") for s in slots)
    assert all(dt.datetime.fromisoformat(s["start"]).date() == monday for s in slots)
    assert at(monday, 8).isoformat() not in [s["start"] for s in slots]


@pytest.mark.django_db
def test_free_slots_with_a_token_need_no_workspace(client, duret, agent, gaetan, monday):
    token = api_token_issue(user=agent, label="site")
    response = client.get(
        "/api/v1/availability",
        {"service": "depannage", "from": monday.isoformat(), "days": 1},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200 and response.json()["slots"]
    wrong = client.get(
        "/api/v1/availability",
        {"service": "depannage"},
        HTTP_AUTHORIZATION="Bearer faux",
    )
    assert wrong.status_code == 401


@pytest.mark.django_db
def test_availability_refusals_are_french(client, duret, gaetan):
    gaetan.zone_postcodes = "74"
    gaetan.save()
    missing = available(client, service="depannage")
    assert missing.status_code == 422 and "workspace" in missing.json()["errors"]
    assert available(client, service="depannage", workspace="inconnu").status_code == 404
    unknown = available(client, service="tableau", workspace="duret")
    assert unknown.status_code == 422
    assert "non réservable en ligne" in unknown.json()["errors"]["service"][0]
    far = available(client, service="depannage", workspace="duret", postcode="75008")
    assert far.status_code == 422
    assert "04 50 27 18 40" in far.json()["errors"]["postcode"][0]
    too_many = available(client, service="depannage", workspace="duret", days=90)
    assert too_many.status_code == 422


@pytest.mark.django_db
def test_a_booking_returns_201_linked_to_the_known_customer(client, duret, gaetan, monday):
    known = dupont(duret)
    response = book(client, booking_body(monday))
    assert response.status_code == 201, response.content
    data = response.json()
    visit = Visit.objects.get()
    assert data["reference"] == visit.reference
    assert data["start"] == at(monday, 8).isoformat() and data["end"] == at(monday, 9).isoformat()
    assert data["technician_id"] == gaetan.pk and data["service"] == "depannage"
    assert data["manage_url"].endswith(f"/r/duret/rdv/{visit.public_token}/")
    assert visit.channel == Channel.API
    assert visit.interaction.person == known
    assert Person.objects.filter(workspace=duret).count() == 1
    assert client.get(data["manage_url"]).status_code == 200


@pytest.mark.django_db
def test_a_taken_slot_answers_409_with_alternatives(client, duret, gaetan, monday):
    visit_book(service=service(duret), starts_at=at(monday, 8), channel=Channel.PHONE)
    response = book(client, booking_body(monday))
    assert response.status_code == 409
    data = response.json()
    assert data["detail"] == "Ce créneau vient d'être pris."
    assert data["alternatives"] and all(
        dt.datetime.fromisoformat(s["start"]) > at(monday, 8) for s in data["alternatives"]
    )
    assert Visit.objects.count() == 1 and not Person.objects.exists()


@pytest.mark.django_db
def test_outside_working_hours_is_a_409_too(client, duret, gaetan, monday):
    response = book(client, booking_body(monday, start=at(monday, 21).isoformat()))
    assert response.status_code == 409 and response.json()["alternatives"]
    # Not "just taken": it never was open, and the answer says so.
    assert "en dehors de nos horaires" in response.json()["detail"]
    assert "21:00" in response.json()["detail"]
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_taken_slot_is_not_called_outside_hours(client, duret, gaetan, monday):
    assert book(client, booking_body(monday)).status_code == 201
    again = booking_body(monday)
    again["customer"] = {**again["customer"], "phone": "06 98 76 54 32", "email": "b@example.org"}
    response = book(client, again)
    assert response.status_code == 409
    assert response.json()["detail"] == "Ce créneau vient d'être pris."


def _monday_after_last_sunday(year, month):
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
    return sunday + dt.timedelta(days=1)


@pytest.mark.django_db
@pytest.mark.parametrize(("month", "utc_hour"), [(3, 6), (10, 7)])
def test_monday_8_00_after_a_clock_change_is_8_00_in_paris(client, duret, gaetan, month, utc_hour):
    """Summer time starts on the last Sunday of March and ends on the last one of October."""
    from comptoir.lib.holidays import holiday_name

    year = dt.date.today().year + 1
    while holiday_name(day := _monday_after_last_sunday(year, month)) or day.month == 11:
        year += 1  # Easter Monday or All Saints' Day: no slot that Monday
    with time_machine.travel(at(day - dt.timedelta(days=6), 9), tick=False):
        slots = available(
            client, workspace="duret", service="depannage", **{"from": day.isoformat()}, days=1
        ).json()["slots"]
        assert (
            slots[0]["start"] == f"{day.isoformat()}T08:00:00{'+02:00' if month == 3 else '+01:00'}"
        )
        response = book(client, booking_body(day, start=f"{day.isoformat()}T08:00:00"))
    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    assert visit.starts_at.astimezone(dt.UTC).hour == utc_hour
    assert response.json()["start"].startswith(f"{day.isoformat()}T08:00:00")
    reminder = visit.reminders.get(kind="day_before")
    local = reminder.due_at.astimezone(at(day, 8).tzinfo)
    assert local.date() == day - dt.timedelta(days=1) and local.minute == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"start": "2020-03-02T08:00:00+01:00"}, "start", "déjà passé"),
        ({"service": "inconnu"}, "service", "Prestation inconnue"),
        ({"service": "tableau"}, "service", "non réservable en ligne"),
        ({"technician": 999999}, "technician", "Technicien introuvable"),
        ({"start": "demain"}, "start", "ISO 8601"),
        ({"surprise": 1}, "surprise", "Champ inconnu"),
    ],
)
def test_bad_input_is_a_422_in_french_and_nothing_is_booked(
    client, duret, gaetan, monday, changes, field, words
):
    response = book(client, booking_body(monday, **changes))
    assert response.status_code == 422, response.content
    assert words in " ".join(response.json()["errors"][field])
    assert not Visit.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_a_phone_that_is_not_a_phone_is_a_422(client, duret, gaetan, monday):
    body = booking_body(monday)
    body["customer"]["phone"] = "12"
    response = book(client, body)
    assert response.status_code == 422
    assert "n'est pas un numéro de téléphone" in response.json()["errors"]["customer.phone"][0]
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_start_without_offset_is_read_in_paris_time(client, duret, gaetan, monday):
    response = book(client, booking_body(monday, start=f"{monday.isoformat()}T14:00:00"))
    assert response.status_code == 201
    assert Visit.objects.get().starts_at == at(monday, 14)


@pytest.mark.django_db
def test_public_endpoints_are_rate_limited(client, duret, gaetan, monday, settings):
    settings.COMPTOIR_BOOKING_RATE_LIMITS = {"availability": (3, 60), "booking": (10, 60)}
    for _ in range(3):
        assert available(client, service="depannage", workspace="duret", days=1).status_code == 200
    refused = available(client, service="depannage", workspace="duret", days=1)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Trop de requêtes" in refused.json()["detail"]
    for _ in range(10):
        book(client, booking_body(monday, service="inconnu"))
    eleventh = book(client, booking_body(monday))
    assert eleventh.status_code == 429
    assert not Visit.objects.exists()
