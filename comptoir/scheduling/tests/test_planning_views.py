"""The planning board: rows per technician, the feed, moves re-validated by the server."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.tests.factories import AppointmentFactory
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.lib.holidays import holiday_name
from comptoir.live.selectors import topic_allowed
from comptoir.scheduling.models import Channel
from comptoir.scheduling.services import visit_book, visit_cancel
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import AbsenceFactory, TechnicianFactory, service

EVENTS = reverse("scheduling:planning_events")
RESOURCES = reverse("scheduling:planning_resources")


def move_url(interaction):
    return reverse("scheduling:planning_move", args=[interaction.pk])


def book(workspace, when, technician=None, **extra):
    site = SiteFactory(person=PersonFactory(workspace=workspace, last_name="Dupont"))
    return visit_book(
        service=service(workspace),
        starts_at=when,
        channel=Channel.PHONE,
        technician=technician,
        person=site.person,
        site=site,
        **extra,
    )


def period(day, days=1):
    return {"start": day.isoformat(), "end": (day + dt.timedelta(days=days)).isoformat()}


@pytest.fixture
def karim(workspace):
    return TechnicianFactory(
        user=UserFactory(workspace=workspace, role=Role.TECHNICIAN, first_name="Karim")
    )


@pytest.mark.django_db
def test_the_feed_shows_appointments_absences_and_off_hours(
    agent_client, workspace, gaetan, karim, monday
):
    visit = book(workspace, at(monday, 8), gaetan)
    plain = AppointmentFactory(
        owner=karim.user, subject="Réunion fournisseur", starts_at=at(monday, 14)
    )
    cancelled = book(workspace, at(monday, 10), gaetan)
    visit_cancel(visit=cancelled)
    AbsenceFactory(technician=karim, starts_at=at(monday, 8), ends_at=at(monday, 12))
    events = agent_client.get(EVENTS, period(monday)).json()
    by_id = {e["id"]: e for e in events}
    shown = by_id[str(visit.interaction_id)]
    assert shown["resourceId"] == str(gaetan.pk)
    assert shown["start"].endswith("T08:00") and shown["end"].endswith("T09:00")
    assert "Dupont" in shown["title"]
    assert shown["extendedProps"]["reference"] == visit.reference
    # What a short job shows: the customer's civility and name apart, the town.
    person, site = visit.interaction.person, visit.interaction.site
    assert (shown["extendedProps"]["civility"], shown["extendedProps"]["short"]) == (
        person.civility,
        "Dupont",
    )
    assert shown["extendedProps"]["place"] == site.city
    assert shown["editable"] is True
    assert by_id[str(plain.pk)]["resourceId"] == str(karim.pk)
    assert str(cancelled.interaction_id) not in by_id
    absence = [e for e in events if e["id"].startswith("absence-")]
    assert [(a["title"], a["display"], a["resourceId"]) for a in absence] == [
        ("Absent : Formation", "background", str(karim.pk))
    ]
    off = sorted(
        (e["start"][-5:], e["end"][-5:])
        for e in events
        if "pl-off" in e.get("classNames", []) and e["resourceId"] == str(gaetan.pk)
    )
    assert off == [("07:00", "08:00"), ("12:00", "14:00"), ("18:00", "20:00")]


@pytest.mark.django_db
def test_rows_carry_the_days_load(agent_client, workspace, gaetan, karim, monday):
    book(workspace, at(monday, 8), gaetan)
    AppointmentFactory(owner=gaetan.user, starts_at=at(monday, 14), duration_minutes=150)
    rows = {r["title"]: r for r in agent_client.get(RESOURCES, period(monday)).json()}
    assert rows[gaetan.name]["extendedProps"]["load"] == "3 h 30 / 5 h"
    assert rows[karim.name]["extendedProps"]["load"] == "0 h / 5 h"
    week = {r["title"]: r for r in agent_client.get(RESOURCES, period(monday, 7)).json()}
    assert week[gaetan.name]["extendedProps"]["load"] == "3 h 30 / 25 h"


@pytest.mark.django_db
def test_filters_by_skill_and_technician(agent_client, workspace, gaetan, karim, monday):
    karim.skills.add(*karim.skills.model.objects.filter(workspace=workspace, code="irve"))
    irve = karim.skills.get(code="irve")
    rows = agent_client.get(RESOURCES, {**period(monday), "skill": irve.pk}).json()
    assert [r["title"] for r in rows] == [karim.name]
    rows = agent_client.get(RESOURCES, {**period(monday), "technician": gaetan.pk}).json()
    assert [r["title"] for r in rows] == [gaetan.name]


@pytest.mark.django_db
def test_the_range_is_capped(agent_client, gaetan, monday):
    assert agent_client.get(EVENTS, period(monday, 90)).status_code == 400
    assert agent_client.get(EVENTS, {"start": "hier", "end": "demain"}).status_code == 400


@pytest.mark.django_db
def test_a_visit_moves_and_resizes(agent_client, workspace, gaetan, monday):
    visit = book(workspace, at(monday, 8), gaetan)
    response = agent_client.post(
        move_url(visit.interaction), {"start": f"{monday}T10:00", "end": f"{monday}T11:00"}
    )
    assert response.status_code == 200, response.json()
    assert "10 h 00" in response.json()["message"]
    visit.refresh_from_db()
    assert visit.starts_at == at(monday, 10)
    assert visit.interaction.starts_at == at(monday, 10)
    response = agent_client.post(
        move_url(visit.interaction), {"start": f"{monday}T10:00", "end": f"{monday}T11:30"}
    )
    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.interaction.duration_minutes == 90
    assert visit.ends_at == at(monday, 11, 45)  # the buffer follows


@pytest.mark.django_db
def test_a_visit_goes_to_another_technicians_row(agent_client, workspace, gaetan, karim, monday):
    visit = book(workspace, at(monday, 8), gaetan)
    response = agent_client.post(
        move_url(visit.interaction),
        {"start": f"{monday}T09:00", "end": f"{monday}T10:00", "technician": karim.pk},
    )
    assert response.status_code == 200, response.json()
    visit.refresh_from_db()
    assert visit.technician == karim
    assert visit.interaction.owner == karim.user
    assert visit.starts_at == at(monday, 9)


@pytest.mark.django_db
def test_refused_moves_say_why_and_change_nothing(agent_client, workspace, gaetan, karim, monday):
    visit = book(workspace, at(monday, 8), gaetan)
    other = book(workspace, at(monday, 10), gaetan)
    AbsenceFactory(technician=karim, starts_at=at(monday, 8), ends_at=at(monday, 18))

    def refused(**fields):
        response = agent_client.post(move_url(visit.interaction), fields)
        assert response.status_code == 400
        return response.json()

    overlap = refused(start=f"{monday}T10:30", end=f"{monday}T11:30")
    assert any("Chevauche" in r for r in overlap["reasons"])
    assert overlap["error"].startswith("Déplacement refusé")
    absent = refused(start=f"{monday}T09:00", end=f"{monday}T10:00", technician=karim.pk)
    assert any("est indisponible (Formation)" in r for r in absent["reasons"])
    late = refused(start=f"{monday}T19:00", end=f"{monday}T20:00")
    assert any("En dehors des horaires" in r for r in late["reasons"])
    visit.refresh_from_db()
    assert (visit.technician, visit.starts_at) == (gaetan, at(monday, 8))
    assert other.starts_at == at(monday, 10)


@pytest.mark.django_db
def test_a_holiday_refuses_the_move(agent_client, workspace, gaetan, monday):
    visit = book(workspace, at(monday, 8), gaetan)
    day = monday + dt.timedelta(days=7)
    while not holiday_name(day):
        day += dt.timedelta(days=1)
    response = agent_client.post(
        move_url(visit.interaction), {"start": f"{day}T09:00", "end": f"{day}T10:00"}
    )
    assert response.status_code == 400
    assert any("Jour férié" in r for r in response.json()["reasons"])
    events = agent_client.get(EVENTS, period(day)).json()
    assert any(e["title"].startswith("Férié : ") for e in events)


@pytest.mark.django_db
def test_a_plain_appointment_moves_and_is_reassigned(
    agent_client, workspace, gaetan, karim, monday
):
    meeting = AppointmentFactory(owner=gaetan.user, subject="Réunion", starts_at=at(monday, 9))
    response = agent_client.post(
        move_url(meeting), {"start": f"{monday}T15:00", "duration": 30, "technician": karim.pk}
    )
    assert response.status_code == 200, response.json()
    meeting.refresh_from_db()
    assert meeting.owner == karim.user
    assert meeting.starts_at == at(monday, 15) and meeting.duration_minutes == 30
    response = agent_client.post(move_url(meeting), {"start": f"{monday}T12:30", "duration": 30})
    assert response.status_code == 400
    assert "En dehors des horaires" in response.json()["error"]


@pytest.mark.django_db
def test_a_technician_sees_his_own_day_and_row_read_only(client, workspace, gaetan, karim, monday):
    mine = book(workspace, at(monday, 8), gaetan)
    site = mine.interaction.site
    site.access_notes = "Code portail 1234"
    site.save()
    theirs = book(workspace, at(monday, 8), karim)
    client.force_login(gaetan.user)
    page = client.get(reverse("scheduling:planning"), {"jour": monday.isoformat()})
    html = page.content.decode()
    assert page.templates[0].name == "scheduling/technician_day.html"
    assert "Code portail 1234" in html and "8 h 00" in html and site.city in html
    assert html.count("Réf. R-") == 1  # his own visit only, not Karim's
    events = client.get(EVENTS, period(monday)).json()
    ids = {e["id"] for e in events}
    assert str(mine.interaction_id) in ids and str(theirs.interaction_id) not in ids
    assert all(not e.get("editable", False) for e in events if e.get("display") != "background")
    rows = client.get(RESOURCES, period(monday)).json()
    assert [r["id"] for r in rows] == [str(gaetan.pk)]
    response = client.post(move_url(mine.interaction), {"start": f"{monday}T10:00"})
    assert response.status_code == 403
    board = client.get(reverse("scheduling:planning"), {"vue": "tableau"})
    assert board.templates[0].name == "scheduling/planning.html"


@pytest.mark.django_db
def test_read_only_users_cannot_move(client, workspace, gaetan, monday):
    visit = book(workspace, at(monday, 8), gaetan)
    client.force_login(UserFactory(workspace=workspace, role=Role.READ_ONLY))
    response = client.post(move_url(visit.interaction), {"start": f"{monday}T10:00"})
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.starts_at == at(monday, 8)


@pytest.mark.django_db
def test_other_workspaces_stay_out(agent_client, other_workspace, gaetan, monday):
    foreign_tech = TechnicianFactory(
        user=UserFactory(workspace=other_workspace, role=Role.TECHNICIAN)
    )
    foreign = book(other_workspace, at(monday, 8), foreign_tech)
    events = agent_client.get(EVENTS, period(monday)).json()
    assert str(foreign.interaction_id) not in {e["id"] for e in events}
    rows = agent_client.get(RESOURCES, period(monday)).json()
    assert str(foreign_tech.pk) not in {r["id"] for r in rows}
    assert (
        agent_client.post(move_url(foreign.interaction), {"start": f"{monday}T10:00"}).status_code
        == 404
    )
    mine = book(gaetan.workspace, at(monday, 8), gaetan)
    response = agent_client.post(
        move_url(mine.interaction), {"start": f"{monday}T10:00", "technician": foreign_tech.pk}
    )
    assert response.status_code == 404
    assert agent_client.get(EVENTS, {**period(monday), "technician": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_board_page_lists_filters_and_is_in_the_menu(agent_client, gaetan):
    page = agent_client.get(reverse("scheduling:planning"))
    html = page.content.decode()
    assert page.templates[0].name == "scheduling/planning.html"
    assert "event-calendar.min.js" in html and "Déplacer le rendez-vous" in html
    assert f'href="{reverse("scheduling:planning")}"' in html
    assert gaetan.name in html  # technician filter
    assert "data-live-topics" in html and ":interactions" in html
    assert "○ Ouvert" in html


@pytest.mark.django_db
def test_the_board_follows_the_topics_bookings_are_published_on(agent_client, agent, gaetan):
    """A job booked, moved or cancelled elsewhere reaches the open board (docs/live.md)."""
    html = agent_client.get(reverse("scheduling:planning")).content.decode()
    topics = set(re.search(r'data-live-topics="([^"]*)"', html).group(1).split())
    workspace = agent.workspace_id
    assert {f"workspace:{workspace}:interactions", f"workspace:{workspace}:bookings"} <= topics
    assert not any(topic.endswith(":visits") for topic in topics)
    # The live stream accepts every one of them for this user.
    assert all(topic_allowed(agent, topic) for topic in topics)


@pytest.mark.django_db
def test_the_board_header_leads_to_the_report_and_to_the_settings_for_managers(
    client, agent, manager, technician, gaetan
):
    report = f'href="{reverse("scheduling:lead_times")}"'
    settings_link = f'href="{reverse("scheduling:settings_technicians")}"'
    client.force_login(manager)
    html = client.get(reverse("scheduling:planning")).content.decode()
    assert report in html and settings_link in html
    client.force_login(agent)
    html = client.get(reverse("scheduling:planning")).content.decode()
    assert report in html and settings_link not in html  # Claire reads, Sophie sets
    client.force_login(technician)
    html = client.get(reverse("scheduling:planning"), {"vue": "tableau"}).content.decode()
    assert report not in html and settings_link not in html


@pytest.mark.django_db
def test_the_agenda_and_the_technicians_day_lead_to_the_phone_calendar(
    client, agent, technician, gaetan
):
    feed = f'href="{reverse("scheduling:feed_panel")}"'
    client.force_login(technician)
    day = client.get(reverse("scheduling:planning")).content.decode()
    assert "Agenda sur mon téléphone" in day and feed in day
    client.force_login(agent)
    agenda = client.get(reverse("activities:calendar")).content.decode()
    assert "Agenda sur mon téléphone" in agenda and feed in agenda
    colleague = client.get(reverse("activities:calendar"), {"user": technician.pk}).content
    assert feed not in colleague.decode()  # someone else's agenda: not my phone feed
