"""The Server-Sent Events endpoint that every signed-in page follows."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.live.selectors import MAX_TOPICS, latest_event_id, parse_topics, topic_allowed
from comptoir.live.services import KEEP_FOR
from comptoir.live.stream import Follower, async_stream, sync_stream


def _event_id(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _since(raw: str | None) -> dt.datetime:
    """The page's render time (``since``, in ms), at most ten minutes back; else now."""
    now = timezone.now()
    millis = _event_id(raw)
    if millis is None:
        return now
    try:
        when = dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return now
    return min(now, max(when, now - KEEP_FOR))


@require_GET
def events(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """``GET /live/events?topics=user:4,workspace:1:bookings`` → ``text/event-stream``.

    Each event is one ``data:`` line of JSON ``{"kind", "topics", "payload"}`` with an ``id``;
    a reconnecting EventSource sends ``Last-Event-ID`` and gets what it missed. ``since=<id>``
    on the first connection, ``since=<ms timestamp>`` (the page's ``data-live-since``) replays
    what was published after the page was rendered.
    """
    user = request.user
    workspace_id = getattr(user, "workspace_id", None)
    if not user.is_authenticated or workspace_id is None:
        return HttpResponseForbidden(
            _("Connectez-vous pour suivre les mises à jour."), content_type="text/plain"
        )
    topics = parse_topics(request.GET.get("topics", ""))
    if not topics or len(topics) > MAX_TOPICS:
        return HttpResponseBadRequest(
            _("Indiquez entre 1 et %(max)s sujets.") % {"max": MAX_TOPICS},
            content_type="text/plain",
        )
    refused = [t for t in topics if not topic_allowed(user, t)]
    if refused:
        return HttpResponseForbidden(
            _("Sujet non autorisé : %(topic)s") % {"topic": refused[0]}, content_type="text/plain"
        )
    after = _event_id(request.headers.get("Last-Event-ID"))
    if after is None:
        after = latest_event_id(before=_since(request.GET.get("since")))
    follower = Follower(workspace_id=workspace_id, topics=topics, after=after)
    use_redis = bool(settings.REDIS_URL)
    # Under uvicorn an async iterator holds no thread; WSGI servers need a plain one.
    stream = (
        async_stream(follower, use_redis=use_redis)
        if isinstance(request, ASGIRequest)
        else sync_stream(follower, use_redis=use_redis)
    )
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
