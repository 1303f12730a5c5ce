"""Interactions tell the open desks and agendas when they are created, moved or cancelled."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from comptoir.activities import services
from comptoir.activities.models import Kind, State
from comptoir.activities.tests.factories import AppointmentFactory
from comptoir.activities.tests.helpers import HTMX, process, today_at
from comptoir.live.models import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _events():
    return [
        (e.topic, e.payload["change"], e.payload["state"])
        for e in LiveEvent.objects.filter(kind="interaction").order_by("id")
    ]


def test_a_new_appointment_reaches_the_technicians_topic(agent, technician):
    interaction = services.interaction_create(
        by=agent,
        owner=technician,
        kind=Kind.APPOINTMENT,
        process=process(agent.workspace, "support"),
        subject="Dépannage : disjoncteur qui saute",
        starts_at=today_at(14),
        duration_minutes=90,
    )

    event = LiveEvent.objects.get(topic=f"user:{technician.pk}")
    assert event.payload == {
        "id": interaction.pk,
        "subject": "Dépannage : disjoncteur qui saute",
        "starts_at": today_at(14).isoformat(),
        "state": State.OPEN,
        "kind": Kind.APPOINTMENT,
        "change": "created",
        "by": agent.pk,
    }
    # Planning pages follow the whole workspace.
    assert LiveEvent.objects.filter(
        topic=f"workspace:{agent.workspace_id}:interactions", key=event.key
    ).exists()


def test_moved_reassigned_and_cancelled_appointments_are_published(agent, technician):
    appointment = AppointmentFactory(owner=technician, starts_at=today_at(9))

    services.interaction_move(interaction=appointment, starts_at=today_at(11), by=agent)
    services.interaction_update(interaction=appointment, owner=agent, by=agent)
    services.interaction_set_state(interaction=appointment, state=State.CANCELLED, by=agent)

    mine = [e for e in _events() if e[0].startswith("user:")]
    assert mine == [
        (f"user:{technician.pk}", "moved", State.OPEN),
        (f"user:{agent.pk}", "reassigned", State.OPEN),
        (f"user:{technician.pk}", "reassigned", State.OPEN),  # the job left his desk
        (f"user:{agent.pk}", "cancelled", State.CANCELLED),
    ]


def test_a_refused_change_publishes_nothing(agent, technician):
    appointment = AppointmentFactory(owner=technician, starts_at=today_at(9))

    with pytest.raises(RuntimeError), transaction.atomic():
        services.interaction_move(interaction=appointment, starts_at=today_at(11), by=agent)
        raise RuntimeError("the caller's transaction fails afterwards")
    with pytest.raises(Exception, match="fin doit suivre"):
        services.interaction_move(
            interaction=appointment,
            starts_at=today_at(11),
            ends_at=today_at(10),
            by=agent,
        )

    assert _events() == []


def test_the_desk_refreshes_its_panels_alone_on_interaction_events(agent_client, agent):
    AppointmentFactory(owner=agent, subject="Entretien chaudière", starts_at=today_at(15))
    desk = reverse("activities:desk")

    page = agent_client.get(desk).content.decode()
    panels = agent_client.get(desk, HTTP_HX_TARGET="desk-board", **HTMX).content.decode()

    assert 'id="desk-board" data-live-refresh="interaction"' in page
    assert 'hx-trigger="live-refresh"' in page
    assert f'data-live-topics="user:{agent.pk} workspace:{agent.workspace_id}:bookings' in page
    assert panels.lstrip().startswith('<div id="desk-board"')
    assert "<html" not in panels and "Entretien chaudière" in panels
    assert "Nouvelle interaction" not in panels  # the page header stays as it is


def test_a_colleagues_desk_and_agenda_follow_that_colleague(agent_client, technician):
    for name in ("activities:desk", "activities:calendar"):
        page = agent_client.get(reverse(name), {"user": technician.pk}).content.decode()
        topics = page.split('data-live-topics="', 1)[1].split('"', 1)[0].split()
        assert f"user:{technician.pk}" in topics


def test_a_technician_follows_only_his_own_topic(client, technician):
    client.force_login(technician)
    page = client.get(reverse("activities:desk")).content.decode()

    topics = page.split('data-live-topics="', 1)[1].split('"', 1)[0].split()
    assert topics == [f"user:{technician.pk}"]
    assert "live/live.js" in page


def test_moving_by_hand_a_day_later_reads_moved(agent, technician):
    appointment = AppointmentFactory(owner=technician, starts_at=today_at(9))
    services.interaction_update(
        interaction=appointment, starts_at=today_at(9) + dt.timedelta(days=1), by=agent
    )
    services.interaction_update(interaction=appointment, subject="Nouveau titre", by=agent)

    assert [e[1] for e in _events() if e[0] == f"user:{technician.pk}"] == ["moved", "updated"]
