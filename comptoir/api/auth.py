"""Bearer-token authentication and the endpoint that issues tokens."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from comptoir.accounts.models import User
from comptoir.accounts.services import api_token_issue, api_token_user
from comptoir.api.errors import MISSING_TOKEN, ApiError
from comptoir.api.schemas import ErrorOut, InSchema, Text, ValidationErrorOut


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
        user = api_token_user(token)
        if user is None or user.workspace is None:
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
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ValidationErrorOut},
    summary="Obtenir un jeton d'API",
    description=(
        "Échange l'e-mail et le mot de passe d'un utilisateur actif contre un jeton, "
        "montré une seule fois. Le jeton agit au nom de cet utilisateur, avec son rôle."
    ),
)
def token_issue(request: HttpRequest, payload: TokenIn) -> TokenOut:
    user = authenticate(request, username=payload.email.lower(), password=payload.password)
    if not isinstance(user, User) or not user.is_active or user.workspace_id is None:
        raise ApiError(401, _("Identifiants invalides."))
    return TokenOut(token=api_token_issue(user=user, label=payload.label or "API"))
