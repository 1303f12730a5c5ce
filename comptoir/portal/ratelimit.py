"""Fixed-window limits on the portal's public forms, per client address, on Django's cache.

Limits come from ``settings.COMPTOIR_PORTAL_RATE_LIMITS`` (``{"code_request": (10, 900), …}``):
``(requests, seconds)`` per kind.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "code_request": (10, 15 * 60),  # codes asked for (each one sends an e-mail or an SMS)
    "code_verify": (30, 15 * 60),  # codes typed
    "survey": (60, 60),  # survey answers
}


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "COMPTOIR_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def retry_after(request: HttpRequest, kind: str, *, scope: str = "") -> int:
    """Count one request; 0 when allowed, else the seconds to wait."""
    configured = getattr(settings, "COMPTOIR_PORTAL_RATE_LIMITS", None) or {}
    limit, seconds = configured.get(kind) or DEFAULT_LIMITS[kind]
    if limit <= 0:
        return 0
    now = time.time()
    window = int(now // seconds)
    key = f"comptoir:portal:{kind}:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count > limit:
        return max(1, int((window + 1) * seconds - now + 0.999))
    return 0
