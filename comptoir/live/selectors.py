"""Which topics a user may follow, and the events a page has not seen yet."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Max

from comptoir.live.models import LiveEvent

TOPIC_RE = re.compile(r"^[a-z][a-z0-9_-]*(:[a-z0-9_-]+)*$")
MAX_TOPICS = 20


def parse_topics(raw: str) -> list[str]:
    """``"user:4, workspace:1:bookings"`` → the distinct topics, in order."""
    return list(dict.fromkeys(t for t in re.split(r"[\s,]+", raw or "") if t))


def topic_allowed(user: Any, topic: str) -> bool:
    """A user follows their own ``user:<id>`` and their workspace's ``workspace:<id>…`` topics.

    Office roles who may open a colleague's desk (``can_view_colleagues``) may also follow
    ``user:<id>`` of a colleague of the same workspace.
    """
    if len(topic) > 120 or not TOPIC_RE.match(topic):
        return False
    head, _, rest = topic.partition(":")
    if head == "user":
        if not rest.isdigit():
            return False
        if int(rest) == user.pk:
            return True
        if not getattr(user, "can_view_colleagues", False):
            return False
        return bool(
            get_user_model().objects.filter(pk=int(rest), workspace_id=user.workspace_id).exists()
        )
    if head == "workspace":
        workspace, _, _name = rest.partition(":")
        return workspace == str(user.workspace_id)
    return False


def default_topics(user: Any) -> list[str]:
    """What every page of a signed-in user follows: their own topic; office roles also hear
    the workspace's online bookings."""
    topics = [f"user:{user.pk}"]
    if getattr(user, "can_view_colleagues", False):
        topics.append(f"workspace:{user.workspace_id}:bookings")
    return topics


def latest_event_id(before: dt.datetime | None = None) -> int:
    """The newest event id (stored before ``before``): a page follows only what comes after."""
    events = LiveEvent.objects.all()
    if before is not None:
        events = events.filter(created_at__lt=before)
    return int(events.aggregate(last=Max("id"))["last"] or 0)
