"""The uvicorn (ASGI) path, and the scaled mode against the real Redis at 127.0.0.1:6379."""

import asyncio
import json
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction
from django.test import AsyncClient, override_settings

from comptoir.live import stream
from comptoir.live.services import publish
from comptoir.live.tests.helpers import events_url, later, parse, read_until_event

REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis injoignable sur 127.0.0.1:6379 ({error}) : mode « scaled » non testé")
    return client


@pytest.fixture(autouse=True)
def _short_streams(monkeypatch):
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 1.0)
    monkeypatch.setattr(stream, "LIFETIME_SECONDS", 5.0)


@pytest.fixture
def scaled():
    """REDIS_URL set, on a channel prefix of this test alone."""
    client = _redis_or_skip()
    prefix = f"comptoir-test:{uuid.uuid4().hex}:"
    with override_settings(REDIS_URL=REDIS_URL, COMPTOIR_LIVE_CHANNEL_PREFIX=prefix):
        yield client, prefix
    client.close()


def _publish_for(user, **payload):
    def run():
        with transaction.atomic():
            publish(
                workspace_id=user.workspace_id,
                topics=[f"user:{user.pk}"],
                kind="interaction",
                payload=payload,
            )

    return run


def _read_async(user, *, timeout=3.0):
    """Open the stream through the ASGI handler, publish once connected, read one event."""

    async def main():
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(events_url(f"user:{user.pk}"))
        chunks, deadline = [], time.monotonic() + timeout
        iterator = aiter(response.streaming_content)
        chunks.append((await anext(iterator)).decode())
        thread = later(_publish_for(user, subject="Mise en service borne IRVE"))
        try:
            while time.monotonic() < deadline and not parse(chunks):
                chunks.append((await anext(iterator)).decode())
        finally:
            await iterator.aclose()
            thread.join()
            await sync_to_async(connections.close_all)()  # the stream's database thread
        return response, parse(chunks)

    return asyncio.run(main())


def test_under_asgi_the_stream_is_asynchronous_and_delivers(agent):
    response, events = _read_async(agent)

    assert response.is_async  # uvicorn holds no thread per open page
    assert [data["payload"]["subject"] for _id, data in events] == ["Mise en service borne IRVE"]


def test_with_redis_publish_sends_on_the_workspace_channel_after_commit(scaled, agent):
    client, prefix = scaled
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(f"{prefix}{agent.workspace_id}")
    try:
        with transaction.atomic():
            publish(
                workspace_id=agent.workspace_id,
                topics=[f"user:{agent.pk}"],
                kind="interaction",
                payload={"subject": "Visite devis"},
            )
            assert pubsub.get_message(timeout=0.3) is None  # nothing before the commit
        message = pubsub.get_message(timeout=2.0)
    finally:
        pubsub.close()

    body = json.loads(message["data"])
    assert body["kind"] == "interaction"
    assert body["payload"] == {"subject": "Visite devis"}
    assert list(body["ids"]) == [f"user:{agent.pk}"]


def test_with_redis_the_wsgi_stream_waits_on_redis_instead_of_polling(
    scaled, client, agent, monkeypatch
):
    polls = []
    original = stream.Follower.poll

    def counted(self):
        polls.append(1)
        return original(self)

    monkeypatch.setattr(stream.Follower, "poll", counted)
    client.force_login(agent)
    response = client.get(events_url(f"user:{agent.pk}"))
    chunks = iter(response.streaming_content)
    next(chunks)

    sent = time.monotonic()
    thread = later(_publish_for(agent, subject="Remplacement VMC"), delay=0.5)
    events = read_until_event(chunks)
    latency = time.monotonic() - sent - 0.5
    thread.join()
    response.close()

    assert [data["payload"]["subject"] for _id, data in events] == ["Remplacement VMC"]
    assert len(polls) == 1  # the catch-up read on connecting, then only Redis
    assert latency < 1.0


def test_with_redis_the_asgi_stream_delivers(scaled, agent, caplog):
    _response, events = _read_async(agent)

    assert [data["payload"]["subject"] for _id, data in events] == ["Mise en service borne IRVE"]
    assert "Redis unreachable" not in caplog.text  # Redis itself, not the table fallback


def test_with_redis_down_the_stream_falls_back_on_the_table(client, agent):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):  # nothing listens there
        client.force_login(agent)
        response = client.get(events_url(f"user:{agent.pk}"))
        chunks = iter(response.streaming_content)
        next(chunks)
        thread = later(_publish_for(agent, subject="Mise en conformité"))
        events = read_until_event(chunks)
        thread.join()
        response.close()

    assert [data["payload"]["subject"] for _id, data in events] == ["Mise en conformité"]
