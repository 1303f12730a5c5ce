"""The rate limits for the public booking pages and API, on Django's cache.

Each client (IP address, plus the workspace it books with) may make ``limit`` requests of a
kind per window of ``seconds``; the next ones are refused until the window ends. The limits
come from ``settings.COMPTOIR_BOOKING_RATE_LIMITS`` (``{"booking": (10, 60), …}``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from comptoir.lib.ratelimit import window_hit

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


def hit(request: HttpRequest, kind: str, *, workspace: str = "") -> Verdict:
    """Count one request of ``kind``; refused once the client is over its limit."""
    limit, seconds = limits().get(kind, DEFAULT_LIMITS["form"])
    wait = window_hit(request, f"booking:{kind}:{workspace}", limit=limit, seconds=seconds)
    return Verdict(False, retry_after=wait) if wait else Verdict(True)
