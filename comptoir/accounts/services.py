"""Writes on workspaces and users."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from comptoir.accounts.models import ApiToken, Role, User, Workspace
from comptoir.accounts.signals import workspace_created


@transaction.atomic
def user_create(
    *,
    workspace: Workspace,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.AGENT,
) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        workspace=workspace,
        first_name=first_name,
        last_name=last_name,
        role=role,
    )


def _require_admin(by: User, target: User) -> None:
    if not by.is_workspace_admin or by.workspace_id != target.workspace_id:
        raise PermissionDenied


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Put a licence to sleep: the user cannot sign in, their history stays."""
    _require_admin(by, user)
    if user.pk == by.pk:
        raise PermissionDenied
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> User:
    _require_admin(by, user)
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    return user


def api_token_issue(*, user: User, label: str = "") -> str:
    """Create a token for ``user`` and return its clear value (shown once)."""
    assert user.workspace_id is not None
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        workspace_id=user.workspace_id, user=user, key_hash=ApiToken.hash_key(key), label=label
    )
    return key


def api_token_user(key: str) -> User | None:
    """The active user owning ``key``, or None."""
    token = (
        ApiToken.objects.select_related("user", "user__workspace")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def workspace_create(*, name: str, slug: str, **fields: object) -> Workspace:
    """Create a workspace; every app seeds its French defaults in the same transaction."""
    workspace = Workspace.objects.create(name=name, slug=slug, **fields)
    workspace_created.send(sender=Workspace, workspace=workspace)
    return workspace
