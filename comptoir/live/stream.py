"""Server-Sent Events streams: a blocking loop for WSGI servers, an async one for ASGI.

Both follow the same ``Follower``: it knows the topics of one page and what it has already
sent. Without Redis the loops poll the ``LiveEvent`` table every ``POLL_SECONDS``; with Redis
they wait on the workspace's channel and read the table only once, to catch up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from comptoir.live.models import LiveEvent
from comptoir.live.services import channel_for, redis_client

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0
# Streams end after about five minutes so that workers recycle; EventSource reconnects at
# once (``retry``) and resumes from its Last-Event-ID.
LIFETIME_SECONDS = 300.0
RETRY_MS = 1000
# Two events committed concurrently may become visible out of id order (PostgreSQL
# sequences): each poll looks back this far and skips what it already sent.
LOOK_BACK = dt.timedelta(seconds=2)
REMEMBER_SECONDS = 30.0
BATCH = 200


class Follower:
    """What one page follows and what it was already sent."""

    def __init__(self, *, workspace_id: int, topics: list[str], after: int) -> None:
        self.workspace_id = workspace_id
        self.topics = topics
        self.floor = after  # nothing at or before this id is ever sent
        self.last = after
        self.sent: dict[str, float] = {}

    def opening(self) -> str:
        return f"retry: {RETRY_MS}\n: {' '.join(self.topics)}\n\n"

    @staticmethod
    def heartbeat() -> str:
        return ": ping\n\n"

    def poll(self) -> list[str]:
        """Frames for the events stored since the last poll (runs a query)."""
        recent = timezone.now() - LOOK_BACK
        rows = (
            LiveEvent.objects.for_topics(self.workspace_id, self.topics)
            .filter(id__gt=self.floor)
            .filter(Q(id__gt=self.last) | Q(created_at__gte=recent))
            .order_by("id")
            .values_list("id", "topic", "kind", "key", "payload")[:BATCH]
        )
        groups: dict[str, dict[str, Any]] = {}
        for event_id, topic, kind, key, payload in rows:
            group = groups.setdefault(
                key, {"id": event_id, "kind": kind, "topics": [], "payload": payload}
            )
            group["id"] = max(group["id"], event_id)
            group["topics"].append(topic)
        frames = []
        for key, group in groups.items():
            frame = self._frame(key, group["id"], group["kind"], group["topics"], group["payload"])
            if frame:
                frames.append(frame)
        self._forget_old()
        return frames

    def from_message(self, raw: bytes | str) -> str | None:
        """The frame for one Redis message, or None when it concerns other topics."""
        try:
            message = json.loads(raw)
            ids = {t: int(i) for t, i in message["ids"].items() if t in self.topics}
            if not ids:
                return None
            return self._frame(
                message["key"], max(ids.values()), message["kind"], list(ids), message["payload"]
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.warning("Unreadable live message ignored: %r", raw[:200])
            return None

    def _frame(
        self, key: str, event_id: int, kind: str, topics: list[str], payload: Any
    ) -> str | None:
        if key in self.sent or event_id <= self.floor:
            return None
        self.sent[key] = time.monotonic()
        self.last = max(self.last, event_id)
        data = json.dumps(
            {"kind": kind, "topics": topics, "payload": payload},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return f"id: {event_id}\ndata: {data}\n\n"

    def _forget_old(self) -> None:
        horizon = time.monotonic() - REMEMBER_SECONDS
        for key in [k for k, at in self.sent.items() if at < horizon]:
            del self.sent[key]


def _lifetime() -> float:
    return LIFETIME_SECONDS * random.uniform(0.9, 1.1)  # noqa: S311 - spreading reconnections


def sync_stream(follower: Follower, *, use_redis: bool) -> Iterator[str]:
    """The stream for WSGI servers (and Django's test client): one thread per open page."""
    deadline = time.monotonic() + _lifetime()
    yield follower.opening()
    pubsub = None
    if use_redis:
        try:
            pubsub = redis_client().pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(channel_for(follower.workspace_id))
        except Exception:
            logger.warning("Redis unreachable: this live stream polls the table", exc_info=True)
            pubsub = None
    try:
        catch_up = pubsub is not None
        next_beat = time.monotonic() + HEARTBEAT_SECONDS
        while (now := time.monotonic()) < deadline:
            frames: list[str] = []
            if pubsub is None or catch_up:
                frames = follower.poll()
                catch_up = False
            else:
                wait = max(0.0, min(1.0, next_beat - now, deadline - now))
                message = pubsub.get_message(ignore_subscribe_messages=True, timeout=wait)
                frame = follower.from_message(message["data"]) if message else None
                frames = [frame] if frame else []
            if frames:
                yield "".join(frames)
            elif pubsub is None:
                time.sleep(POLL_SECONDS)
            if time.monotonic() >= next_beat:
                yield follower.heartbeat()
                next_beat = time.monotonic() + HEARTBEAT_SECONDS
    finally:
        if pubsub is not None:
            pubsub.close()


async def async_stream(follower: Follower, *, use_redis: bool) -> AsyncIterator[str]:
    """The stream for ASGI servers (uvicorn): a coroutine per open page, no thread held."""
    deadline = time.monotonic() + _lifetime()
    yield follower.opening()
    client: Any = None
    pubsub: Any = None
    if use_redis:
        try:
            import redis.asyncio as aioredis

            client = aioredis.Redis.from_url(settings.REDIS_URL)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(channel_for(follower.workspace_id))
        except Exception:
            logger.warning("Redis unreachable: this live stream polls the table", exc_info=True)
            pubsub = None
    poll = sync_to_async(follower.poll)
    try:
        catch_up = pubsub is not None
        next_beat = time.monotonic() + HEARTBEAT_SECONDS
        while (now := time.monotonic()) < deadline:
            frames: list[str] = []
            if pubsub is None or catch_up:
                frames = await poll()
                catch_up = False
            else:
                wait = max(0.0, min(1.0, next_beat - now, deadline - now))
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=wait)
                frame = follower.from_message(message["data"]) if message else None
                frames = [frame] if frame else []
            if frames:
                yield "".join(frames)
            elif pubsub is None:
                await asyncio.sleep(POLL_SECONDS)
            if time.monotonic() >= next_beat:
                yield follower.heartbeat()
                next_beat = time.monotonic() + HEARTBEAT_SECONDS
    finally:
        if pubsub is not None:
            await pubsub.aclose()
        if client is not None:
            await client.aclose()
