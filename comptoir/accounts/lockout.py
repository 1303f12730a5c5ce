"""Password guessing: how django-axes reads a sign-in attempt, and the lockout answer."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.utils import reset as axes_reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from comptoir.lib.ratelimit import client_ip


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """Refuses a locked-out (address, e-mail) pair before any password is checked.

    Without a request (test client, shell) there is no address to guess from: nothing to
    check, where axes itself would raise."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, **kwargs: Any
    ) -> None:
        # Never signs anyone in: either lets the next backends check the password, or raises.
        if request is not None:
            super().authenticate(request, username, **kwargs)


# allauth authenticates with ``email``, the API token endpoint and the admin with
# ``username``; the sign-in form posts ``login``.
_CREDENTIAL_KEYS = ("email", "username", "login")


def attempted_email(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str | None:
    """The e-mail address an attempt was made for, as stored (trimmed, lower case)."""
    sources: list[Mapping[str, Any]] = [credentials or {}]
    if request.method == "POST":
        sources.append(request.POST)
    for source in sources:
        for key in _CREDENTIAL_KEYS:
            value = source.get(key)
            if value and str(value).strip():
                return str(value).strip().lower()
    return None


def lockout_clear(email: str) -> int:
    """Forget the failed sign-ins recorded for ``email``, from every address (which lifts
    its lockout); returns how many locked attempts were forgotten. No permission check:
    callers decide who may."""
    return int(axes_reset(username=email.strip().lower()))


def attempt_ip(request: HttpRequest) -> str | None:
    """The client's address as axes stores it; None when it is not an IP address."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def lockout_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    assert isinstance(cooloff, timedelta)
    return max(1, round(cooloff.total_seconds() / 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Trop de tentatives de connexion. Réessayez dans %(minutes)s minute ou demandez à "
        "un responsable de réinitialiser votre mot de passe.",
        "Trop de tentatives de connexion. Réessayez dans %(minutes)s minutes ou demandez à "
        "un responsable de réinitialiser votre mot de passe.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """429 for a locked-out (address, e-mail) pair: JSON where the answer was JSON (API),
    otherwise a page in the usual layout."""
    response: HttpResponse
    content_type = original_response.get("Content-Type", "") if original_response else ""
    if content_type.startswith("application/json") or request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        response = render(
            request,
            "accounts/lockout.html",
            {"lockout_message": lockout_message()},
            status=429,
        )
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response
