"""Fixed-window limits on the portal's public forms, per client address, on Django's cache.

Limits come from ``settings.COMPTOIR_PORTAL_RATE_LIMITS`` (``{"code_request": (10, 900), …}``):
``(requests, seconds)`` per kind.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from comptoir.lib.ratelimit import window_hit

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "code_request": (10, 15 * 60),  # codes asked for (each one sends an e-mail or an SMS)
    "code_verify": (30, 15 * 60),  # codes typed
    "survey": (60, 60),  # survey answers
}


def retry_after(request: HttpRequest, kind: str, *, scope: str = "") -> int:
    """Count one request; 0 when allowed, else the seconds to wait."""
    configured = getattr(settings, "COMPTOIR_PORTAL_RATE_LIMITS", None) or {}
    limit, seconds = configured.get(kind) or DEFAULT_LIMITS[kind]
    return window_hit(request, f"portal:{kind}:{scope}", limit=limit, seconds=seconds)
