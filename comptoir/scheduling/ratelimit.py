"""A small fixed-window rate limiter for the public booking pages and API, on Django's cache.

Each client (IP address, plus the workspace it books with) may make ``limit`` requests of a
kind per window of ``seconds``; the next ones are refused until the window ends. The limits
come from ``settings.COMPTOIR_BOOKING_RATE_LIMITS`` (``{"booking": (10, 60), …}``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# kind → (requests, seconds)
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "availability": (30, 60),  # API: free slots
    "booking": (10, 60),  # a booking confirmed (page or API)
    "form": (60, 60),  # the other public form posts (address, details, manage)
}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends, when refused


def limits() -> dict[str, tuple[int, int]]:
    configured = getattr(settings, "COMPTOIR_BOOKING_RATE_LIMITS", None) or {}
    return {**DEFAULT_LIMITS, **{k: (int(v[0]), int(v[1])) for k, v in configured.items()}}


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a proxy, the first X-Forwarded-For one when trusted."""
    if getattr(settings, "COMPTOIR_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def hit(request: HttpRequest, kind: str, *, workspace: str = "") -> Verdict:
    """Count one request of ``kind``; refused once the client is over its limit."""
    limit, seconds = limits().get(kind, DEFAULT_LIMITS["form"])
    if limit <= 0:
        return Verdict(True)
    now = time.time()
    window = int(now // seconds)
    key = f"comptoir:rl:{kind}:{workspace}:{client_ip(request)}:{window}"
    # add() is atomic: only the first request of a window creates the counter.
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count > limit:
        return Verdict(False, retry_after=max(1, int((window + 1) * seconds - now + 0.999)))
    return Verdict(True)
