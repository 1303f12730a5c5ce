"""Publish live events: after the transaction commits, never for a rolled-back change.

Every event is written to the ``LiveEvent`` table (kept ten minutes, so a page that
reconnects catches up from its ``Last-Event-ID``). With ``REDIS_URL`` set, the event is also
PUBLISHed on the workspace's Redis channel, and open streams wait on Redis instead of polling
the table.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from comptoir.live.models import LiveEvent

logger = logging.getLogger(__name__)

KEEP_FOR = dt.timedelta(minutes=10)
DEFAULT_CHANNEL_PREFIX = "comptoir:live:"

_clients: dict[str, Any] = {}


def channel_for(workspace_id: int) -> str:
    """The Redis channel of a workspace: ``comptoir:live:<workspace_id>``."""
    prefix = getattr(settings, "COMPTOIR_LIVE_CHANNEL_PREFIX", DEFAULT_CHANNEL_PREFIX)
    return f"{prefix}{workspace_id}"


def redis_client() -> Any:
    """One client (and connection pool) per Redis URL, shared by the threads of a process."""
    import redis

    url: str = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(url)
    return client


def publish(*, workspace_id: int, topics: list[str], kind: str, payload: dict[str, Any]) -> None:
    """Send ``kind`` + ``payload`` to the pages following any of ``topics``, after commit.

    Topics are ``user:<user id>`` or ``workspace:<workspace id>[:<name>]``. The payload must
    be JSON-serialisable (dates become ISO strings); it is copied now, so later changes to the
    caller's objects do not leak into the event.
    """
    wanted = list(dict.fromkeys(t for t in topics if t))
    if not wanted:
        return
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    key = uuid.uuid4().hex
    transaction.on_commit(
        partial(_send, int(workspace_id), wanted, kind, data, key),
        robust=True,  # a failing live channel never undoes nor breaks the change itself
    )


def _send(
    workspace_id: int, topics: list[str], kind: str, payload: dict[str, Any], key: str
) -> None:
    now = timezone.now()
    rows = LiveEvent.objects.bulk_create(
        LiveEvent(
            workspace_id=workspace_id,
            topic=topic,
            kind=kind,
            key=key,
            payload=payload,
            created_at=now,
        )
        for topic in topics
    )
    if settings.REDIS_URL:
        message = {
            "key": key,
            "kind": kind,
            "payload": payload,
            "ids": {row.topic: row.pk for row in rows},
        }
        try:
            redis_client().publish(channel_for(workspace_id), json.dumps(message))
        except Exception:  # Redis down: streams fall back on the table when they reconnect
            logger.exception("Live event %s not published on Redis", key)


def live_events_prune(*, older_than: dt.timedelta = KEEP_FOR) -> int:
    """Forget events older than ``older_than`` (ten minutes by default); returns how many."""
    deleted, _ = LiveEvent.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
