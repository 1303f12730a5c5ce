import time

import pytest
from django.db import transaction

from comptoir.live import stream
from comptoir.live.models import LiveEvent
from comptoir.live.services import publish
from comptoir.live.tests.helpers import events_url, later, read_until_event


@pytest.fixture(autouse=True)
def _short_streams(monkeypatch):
    """Heartbeats every second and streams of a few seconds: a broken test cannot hang."""
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 1.0)
    monkeypatch.setattr(stream, "LIFETIME_SECONDS", 5.0)


# --- who may follow what -------------------------------------------------------------------


def test_own_topic_and_own_workspace_topics_stream(client, technician):
    client.force_login(technician)
    ws = technician.workspace_id

    response = client.get(events_url(f"user:{technician.pk}", f"workspace:{ws}:bookings"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    response.close()


def test_another_users_topic_is_refused_to_a_technician(client, technician, agent):
    client.force_login(technician)

    response = client.get(events_url(f"user:{technician.pk}", f"user:{agent.pk}"))

    assert response.status_code == 403
    assert f"user:{agent.pk}" in response.content.decode()


def test_office_roles_follow_colleagues_but_never_another_workspace(
    client, agent, technician, outsider
):
    client.force_login(agent)  # plans for the technicians: may open their desks
    assert client.get(events_url(f"user:{technician.pk}")).status_code == 200

    assert client.get(events_url(f"user:{outsider.pk}")).status_code == 403
    assert client.get(events_url(f"workspace:{outsider.workspace_id}:bookings")).status_code == 403
    assert client.get(events_url(f"workspace:{outsider.workspace_id}")).status_code == 403


@pytest.mark.parametrize("topic", ["admin", "user:abc", "user:", "workspace:1:../x", "USER:1"])
def test_malformed_topics_are_refused(agent_client, topic):
    assert agent_client.get(events_url(topic)).status_code == 403


def test_no_topic_is_a_bad_request_and_anonymous_is_refused(client, agent):
    assert client.get(events_url(f"user:{agent.pk}")).status_code == 403
    client.force_login(agent)
    assert client.get(events_url()).status_code == 400


# --- the stream (WSGI path, as under the threaded test server) ------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_event_published_after_connecting_arrives_within_a_second(client, agent):
    client.force_login(agent)
    response = client.get(events_url(f"user:{agent.pk}"))
    chunks = iter(response.streaming_content)
    assert next(chunks).decode().startswith("retry: ")  # connected: the first chunk is at once

    sent_at = []

    def colleague_books():
        sent_at.append(time.monotonic())
        with transaction.atomic():
            publish(
                workspace_id=agent.workspace_id,
                topics=[f"user:{agent.pk}"],
                kind="interaction",
                payload={"id": 7, "subject": "Dépannage chez M. Dupont"},
            )

    thread = later(colleague_books)
    events = read_until_event(chunks)
    received_at = time.monotonic()
    thread.join()
    response.close()

    assert len(events) == 1
    event_id, data = events[0]
    assert data == {
        "kind": "interaction",
        "topics": [f"user:{agent.pk}"],
        "payload": {"id": 7, "subject": "Dépannage chez M. Dupont"},
    }
    assert event_id == LiveEvent.objects.get().pk
    assert received_at - sent_at[0] < 1.0


@pytest.mark.django_db(transaction=True)
def test_other_topics_are_not_sent_and_one_event_on_two_topics_comes_once(
    client, agent, technician
):
    ws = agent.workspace_id
    client.force_login(agent)
    response = client.get(events_url(f"user:{agent.pk}", f"workspace:{ws}:bookings"))
    chunks = iter(response.streaming_content)
    next(chunks)

    def publish_three():
        publish(workspace_id=ws, topics=[f"user:{technician.pk}"], kind="interaction", payload={})
        publish(
            workspace_id=ws,
            topics=[f"user:{agent.pk}", f"workspace:{ws}:bookings"],
            kind="booking",
            payload={"n": 2},
        )
        publish(workspace_id=ws + 1, topics=[f"user:{agent.pk}"], kind="x", payload={})

    later(publish_three).join()
    events = read_until_event(chunks, timeout=1.0, count=2)
    response.close()

    assert [(data["kind"], sorted(data["topics"])) for _id, data in events] == [
        ("booking", sorted([f"user:{agent.pk}", f"workspace:{ws}:bookings"]))
    ]


@pytest.mark.django_db(transaction=True)
def test_a_reconnecting_page_gets_what_it_missed_from_its_last_event_id(client, agent):
    ws, topic = agent.workspace_id, f"user:{agent.pk}"
    for n in (1, 2, 3):
        publish(workspace_id=ws, topics=[topic], kind="interaction", payload={"n": n})
    first = LiveEvent.objects.get(payload__n=1).pk
    client.force_login(agent)

    response = client.get(events_url(topic), HTTP_LAST_EVENT_ID=str(first))
    events = read_until_event(iter(response.streaming_content), count=2)
    response.close()

    assert [data["payload"]["n"] for _id, data in events] == [2, 3]
    assert events[-1][0] == LiveEvent.objects.get(payload__n=3).pk


@pytest.mark.django_db(transaction=True)
def test_a_page_gets_events_published_between_its_rendering_and_its_connection(client, agent):
    ws, topic = agent.workspace_id, f"user:{agent.pk}"
    publish(workspace_id=ws, topics=[topic], kind="interaction", payload={"n": "before"})
    rendered_at_ms = int(time.time() * 1000) + 1
    time.sleep(0.01)
    publish(workspace_id=ws, topics=[topic], kind="interaction", payload={"n": "gap"})
    client.force_login(agent)

    response = client.get(events_url(topic, since=rendered_at_ms))
    events = read_until_event(iter(response.streaming_content), timeout=1.0, count=2)
    response.close()

    assert [data["payload"]["n"] for _id, data in events] == ["gap"]


@pytest.mark.django_db(transaction=True)
def test_heartbeats_keep_an_idle_stream_open_until_it_ends(client, agent, monkeypatch):
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 0.3)
    monkeypatch.setattr(stream, "LIFETIME_SECONDS", 1.0)
    client.force_login(agent)

    started = time.monotonic()
    response = client.get(events_url(f"user:{agent.pk}"))
    body = b"".join(response.streaming_content).decode()  # ends by itself (workers recycle)

    assert body.count(": ping\n\n") >= 2
    assert 0.8 < time.monotonic() - started < 2.0
