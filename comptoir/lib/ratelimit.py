"""A fixed-window rate limiter on Django's cache, per client address, for public pages."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a proxy, the first X-Forwarded-For one when trusted."""
    if getattr(settings, "COMPTOIR_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _counter(request: HttpRequest, key: str, window: int) -> str:
    return f"comptoir:rl:{key}:{client_ip(request)}:{window}"


def window_hit(request: HttpRequest, key: str, *, limit: int, seconds: int) -> int:
    """Count one request under ``key`` for this client: 0 when allowed, else the seconds to
    wait until the window ends. ``limit`` requests are allowed per window of ``seconds``."""
    if limit <= 0:
        return 0
    now = time.time()
    window = int(now // seconds)
    counter = _counter(request, key, window)
    # add() is atomic: only the first request of a window creates the counter.
    cache.add(counter, 0, timeout=seconds + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add() and incr()
        cache.set(counter, 1, timeout=seconds + 1)
        count = 1
    if count > limit:
        return max(1, int((window + 1) * seconds - now + 0.999))
    return 0


def window_full(request: HttpRequest, key: str, *, limit: int, seconds: int) -> int:
    """Without counting anything: the seconds to wait when this client already has ``limit``
    hits under ``key`` in the current window, else 0 (to refuse before doing the work)."""
    if limit <= 0:
        return 0
    now = time.time()
    window = int(now // seconds)
    if int(cache.get(_counter(request, key, window)) or 0) >= limit:
        return max(1, int((window + 1) * seconds - now + 0.999))
    return 0
