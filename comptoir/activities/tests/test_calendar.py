import datetime as dt

from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory
from comptoir.activities.tests.helpers import local, process
from comptoir.audit.models import AuditEntry

EVENTS = reverse("activities:calendar_events")
MONDAY = dt.date(2025, 3, 10)


def week(**extra):
    return {"start": "2025-03-10T00:00:00", "end": "2025-03-17T00:00:00", **extra}


def test_calendar_page_loads_fullcalendar_in_french(agent_client):
    html = agent_client.get(reverse("activities:calendar")).content.decode()
    assert "vendor/fullcalendar/fullcalendar.min.js" in html
    assert "vendor/fullcalendar/locale-fr.min.js" in html
    assert "activities/calendar.js" in html
    assert 'data-locale="fr"' in html  # FullCalendar follows the workspace language
    assert "○ Ouvert" in html and "◐ En cours" in html and "✓ Terminé" in html  # legend


def test_calendar_script_is_configured_for_french_weeks():
    from pathlib import Path

    script = (
        Path(__file__).resolve().parents[1] / "static" / "activities" / "calendar.js"
    ).read_text()
    for setting in (
        'locale: el.dataset.locale || "fr"',
        "firstDay: 1",
        ': "timeGridWeek",',
        'slotMinTime: "07:00:00"',
        'slotMaxTime: "20:00:00"',
        'timeZone: "Europe/Paris"',
        "info.revert()",
    ):
        assert setting in script


def test_events_of_the_week_in_paris_time(agent_client, agent):
    rdv = AppointmentFactory(
        owner=agent, subject="Entretien chaudière", starts_at=local(MONDAY, 14), duration_minutes=90
    )
    AppointmentFactory(
        owner=agent, subject="Semaine suivante", starts_at=local(MONDAY + dt.timedelta(days=8), 9)
    )
    InteractionFactory(
        owner=agent,
        subject="Relancer",
        starts_at=local(MONDAY, 9),
        deadline=local(MONDAY + dt.timedelta(days=2), 18),
    )

    response = agent_client.get(EVENTS, week(user=agent.pk))

    assert response.status_code == 200
    events = {e["title"].split(" · ")[0]: e for e in response.json()}
    assert set(events) == {"○ Entretien chaudière", "○ Relancer"}
    event = events["○ Entretien chaudière"]
    assert event["start"] == "2025-03-10T14:00"
    assert event["end"] == "2025-03-10T15:30"
    assert event["url"] == rdv.get_absolute_url()
    assert event["backgroundColor"] == "#fde8e8"
    assert event["allDay"] is False
    assert event["durationEditable"] is True
    task = events["○ Relancer"]
    assert task["allDay"] is True
    assert (task["start"], task["end"]) == ("2025-03-10", "2025-03-13")
    assert task["durationEditable"] is False


def test_events_are_coloured_by_state(agent_client, agent):
    AppointmentFactory(owner=agent, starts_at=local(MONDAY, 9), state="done")
    AppointmentFactory(owner=agent, starts_at=local(MONDAY, 11), state="in_progress")
    colours = {e["title"][0]: e["backgroundColor"] for e in agent_client.get(EVENTS, week()).json()}
    assert colours == {"✓": "#dcf3e3", "◐": "#fff1cc"}


def test_events_accept_offsets_and_the_timezone_parameter(agent_client, agent):
    AppointmentFactory(owner=agent, starts_at=local(MONDAY, 9))
    response = agent_client.get(
        EVENTS,
        {
            "start": "2025-03-09T23:00:00Z",
            "end": "2025-03-16T23:00:00Z",
            "timeZone": "Europe/Paris",
        },
    )
    assert len(response.json()) == 1


def test_events_of_a_colleague_for_the_monday_review(agent_client, agent, technician):
    AppointmentFactory(owner=technician, subject="Chantier", starts_at=local(MONDAY, 8))
    AppointmentFactory(owner=agent, subject="Moi", starts_at=local(MONDAY, 8))
    titles = [e["title"] for e in agent_client.get(EVENTS, week(user=technician.pk)).json()]
    assert titles == ["○ Chantier"]
    page = agent_client.get(reverse("activities:calendar"), {"user": technician.pk})
    assert f"?user={technician.pk}" in page.content.decode()


def test_technician_cannot_read_a_colleague_calendar(client, technician, agent):
    client.force_login(technician)
    assert client.get(EVENTS, week(user=agent.pk)).status_code == 404
    assert client.get(reverse("activities:calendar"), {"user": agent.pk}).status_code == 404


def test_another_workspace_calendar_is_404_and_never_leaks(agent_client, outsider):
    AppointmentFactory(owner=outsider, starts_at=local(MONDAY, 9))
    assert agent_client.get(EVENTS, week(user=outsider.pk)).status_code == 404
    assert agent_client.get(EVENTS, week()).json() == []


def test_bad_or_huge_ranges_are_refused(agent_client):
    assert agent_client.get(EVENTS, {"start": "hier", "end": "demain"}).status_code == 400
    assert agent_client.get(EVENTS, {"start": "2025-03-10", "end": "2025-03-01"}).status_code == 400
    assert agent_client.get(EVENTS, {"start": "2025-01-01", "end": "2025-12-31"}).status_code == 400
    assert agent_client.get(EVENTS).status_code == 400


def test_events_query_count_is_flat(agent_client, agent, django_assert_num_queries):
    for hour in range(8, 12):
        AppointmentFactory(owner=agent, starts_at=local(MONDAY, hour))
    with django_assert_num_queries(5):
        agent_client.get(EVENTS, week())
    for hour in range(12, 18):
        AppointmentFactory(owner=agent, starts_at=local(MONDAY + dt.timedelta(days=1), hour))
    with django_assert_num_queries(5):
        assert len(agent_client.get(EVENTS, week()).json()) == 10


# --- drag and resize ------------------------------------------------------------------------


def move_url(interaction):
    return reverse("activities:move", args=[interaction.pk])


def test_dragging_an_appointment_moves_it_and_keeps_its_length(agent_client, agent):
    rdv = AppointmentFactory(owner=agent, starts_at=local(MONDAY, 14), duration_minutes=90)

    response = agent_client.post(
        move_url(rdv), {"start": "2025-03-11T09:00:00", "end": "2025-03-11T10:30:00"}
    )

    assert response.status_code == 200
    assert "déplacé au mardi 11 mars à 09:00" in response.json()["message"]
    rdv.refresh_from_db()
    assert rdv.starts_at == local(MONDAY + dt.timedelta(days=1), 9)
    assert rdv.duration_minutes == 90
    assert rdv.ends_at == local(MONDAY + dt.timedelta(days=1), 10, 30)
    entry = AuditEntry.objects.filter(object_id=rdv.pk, action="update").get()
    assert "starts_at" in entry.changes


def test_resizing_an_appointment_changes_its_duration(agent_client, agent):
    rdv = AppointmentFactory(owner=agent, starts_at=local(MONDAY, 14), duration_minutes=60)
    agent_client.post(move_url(rdv), {"start": "2025-03-10T14:00:00", "end": "2025-03-10T16:00:00"})
    rdv.refresh_from_db()
    assert rdv.duration_minutes == 120


def test_dragging_a_task_shifts_its_deadline(agent_client, agent):
    task = InteractionFactory(owner=agent, starts_at=local(MONDAY, 9), deadline=local(MONDAY, 17))
    agent_client.post(move_url(task), {"start": "2025-03-12T10:00:00"})
    task.refresh_from_db()
    assert task.starts_at == local(MONDAY + dt.timedelta(days=2), 10)
    assert task.deadline == local(MONDAY + dt.timedelta(days=2), 18)


def test_dropping_on_a_day_keeps_the_time(agent_client, agent):
    task = InteractionFactory(
        owner=agent, starts_at=local(MONDAY, 9), deadline=local(MONDAY + dt.timedelta(days=2), 9)
    )
    agent_client.post(move_url(task), {"start": "2025-03-14", "end": "2025-03-17", "all_day": "on"})
    task.refresh_from_db()
    assert timezone.localtime(task.starts_at) == local(dt.date(2025, 3, 14), 9)
    assert task.deadline == local(dt.date(2025, 3, 16), 9)


def test_refused_move_answers_the_reason_and_changes_nothing(agent_client, agent):
    rdv = AppointmentFactory(owner=agent, starts_at=local(MONDAY, 14), duration_minutes=60)

    response = agent_client.post(
        move_url(rdv), {"start": "2025-03-10T15:00:00", "end": "2025-03-10T14:00:00"}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "La fin doit suivre le début."
    rdv.refresh_from_db()
    assert rdv.starts_at == local(MONDAY, 14)
    assert rdv.duration_minutes == 60
    assert not AuditEntry.objects.filter(object_id=rdv.pk, action="update").exists()


def test_garbage_dates_are_refused(agent_client, agent):
    rdv = AppointmentFactory(owner=agent, starts_at=local(MONDAY, 14))
    response = agent_client.post(move_url(rdv), {"start": "lundi"})
    assert response.status_code == 400
    assert response.json()["error"] == "Date invalide."
    assert agent_client.post(move_url(rdv), {}).status_code == 400


def test_read_only_user_cannot_move(client, workspace, agent):
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    client.force_login(reader)
    rdv = AppointmentFactory(owner=reader, starts_at=local(MONDAY, 14))
    response = client.post(move_url(rdv), {"start": "2025-03-11T09:00:00"})
    assert response.status_code == 403
    assert response.json()["error"]
    rdv.refresh_from_db()
    assert rdv.starts_at == local(MONDAY, 14)
    events = client.get(EVENTS, week()).json()
    assert events[0]["editable"] is False


def test_moving_another_workspace_interaction_is_404(agent_client, outsider):
    foreign = AppointmentFactory(owner=outsider, starts_at=local(MONDAY, 14))
    response = agent_client.post(move_url(foreign), {"start": "2025-03-11T09:00:00"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.starts_at == local(MONDAY, 14)


def test_private_interaction_of_a_colleague_cannot_be_moved(agent_client, technician):
    private = AppointmentFactory(
        owner=technician,
        starts_at=local(MONDAY, 14),
        process=process(technician.workspace, "prive"),
    )
    assert agent_client.post(move_url(private), {"start": "2025-03-11T09:00:00"}).status_code == 404
    assert Interaction.objects.get(pk=private.pk).starts_at == local(MONDAY, 14)
