"""Bearer-token authentication and the endpoint that issues tokens."""

from __future__ import annotations

import math
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from comptoir.accounts.models import User
from comptoir.accounts.services import api_token_issue, api_token_user
from comptoir.api.errors import MISSING_TOKEN, ApiError
from comptoir.api.schemas import ErrorOut, InSchema, Text, ValidationErrorOut
from comptoir.lib.ratelimit import window_full, window_hit

# Failed authentications counted per client IP (settings.COMPTOIR_API_RATE_LIMITS): once the
# limit is reached, every attempt from that address gets a 429 until the window ends, before
# any token or password is checked — guessing gets no answer. Successes are not counted.
BEARER_FAILED = "bearer_failed"
TOKEN_FAILED = "token_failed"


def _refuse_if_too_many(request: HttpRequest, kind: str) -> None:
    limit, seconds = settings.COMPTOIR_API_RATE_LIMITS[kind]
    wait = window_full(request, f"api:{kind}", limit=limit, seconds=seconds)
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        raise ApiError(
            429,
            ngettext(
                "Trop d'échecs d'authentification depuis votre adresse : réessayez dans "
                "%(minutes)s minute.",
                "Trop d'échecs d'authentification depuis votre adresse : réessayez dans "
                "%(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=wait,
        )


def _count_failure(request: HttpRequest, kind: str) -> None:
    limit, seconds = settings.COMPTOIR_API_RATE_LIMITS[kind]
    window_hit(request, f"api:{kind}", limit=limit, seconds=seconds)


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <jeton>``; the token's user becomes ``request.auth``."""

    def __call__(self, request: HttpRequest) -> User:
        header = request.headers.get("Authorization", "").strip()
        if not header:
            raise ApiError(401, str(MISSING_TOKEN))
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(401, _("En-tête Authorization invalide : « Bearer <jeton> » attendu."))
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        _refuse_if_too_many(request, BEARER_FAILED)
        user = api_token_user(token)
        if user is None or user.workspace is None:
            _count_failure(request, BEARER_FAILED)
            raise ApiError(401, _("Jeton invalide ou révoqué, ou utilisateur en sommeil."))
        # As the web middleware does for a signed-in user: the workspace's zone and language.
        timezone.activate(ZoneInfo(user.workspace.timezone))
        translation.activate(user.workspace.locale)
        return user


def user_of(request: HttpRequest) -> User:
    """The user of the bearer token of this request."""
    return cast(User, cast(Any, request).auth)


def workspace_of(user: User) -> int:
    """The id of the token user's workspace (a token always belongs to one)."""
    assert user.workspace_id is not None
    return user.workspace_id


router = Router(tags=["Authentification"])


class TokenIn(InSchema):
    email: Text
    password: str
    label: Text = Field("", max_length=100, description="Nom du jeton (facultatif).")


class TokenOut(Schema):
    token: str = Field(description="À envoyer dans « Authorization: Bearer <jeton> ».")


@router.post(
    "/token",
    auth=None,
    response={
        200: TokenOut,
        400: ErrorOut,
        401: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    summary="Obtenir un jeton d'API",
    description=(
        "Échange l'e-mail et le mot de passe d'un utilisateur actif contre un jeton, "
        "montré une seule fois. Le jeton agit au nom de cet utilisateur, avec son rôle. "
        "Après plusieurs échecs pour une adresse e-mail (ou depuis une même adresse IP), "
        "les tentatives suivantes reçoivent une réponse 429 pendant quelques minutes."
    ),
)
def token_issue(request: HttpRequest, payload: TokenIn) -> TokenOut:
    _refuse_if_too_many(request, TOKEN_FAILED)
    user = authenticate(request, username=payload.email.lower(), password=payload.password)
    if not isinstance(user, User) or not user.is_active or user.workspace_id is None:
        _count_failure(request, TOKEN_FAILED)
        raise ApiError(401, _("Identifiants invalides."))
    return TokenOut(token=api_token_issue(user=user, label=payload.label or "API"))
