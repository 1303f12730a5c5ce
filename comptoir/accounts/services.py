"""Writes on workspaces and users."""

from __future__ import annotations

import re
import secrets
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.lockout import lockout_clear
from comptoir.accounts.models import ApiToken, Role, User, Workspace
from comptoir.accounts.signals import user_updated, workspace_created
from comptoir.lib.identifiers import InvalidIdentifier, clean_siren
from comptoir.lib.phone import InvalidPhone, normalize_phone, region_for

WORKSPACE_FIELDS = frozenset(
    {"name", "siren", "street", "postcode", "city", "phone", "logo", "timezone", "locale"}
)
# What a phone system dials to ring one colleague: « 201 », « 4512 ».
EXTENSION_RE = re.compile(r"[0-9]{2,8}")


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


def _require_workspace_admin(by: User) -> None:
    if not by.is_workspace_admin or by.workspace_id is None or not by.is_active:
        raise PermissionDenied


def require_writer(by: Any) -> None:
    """Refuse any write to roles that may only read (and to anonymous users)."""
    if not getattr(by, "can_write", False):
        raise PermissionDenied(_("Votre rôle ne permet pas de modifier les données."))


def _require_admin(by: User, target: User) -> None:
    _require_workspace_admin(by)
    if by.workspace_id != target.workspace_id:
        raise PermissionDenied


@transaction.atomic
def user_invite(
    *,
    by: User,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.AGENT,
) -> User:
    """An admin adds a colleague to their workspace, with an initial password."""
    _require_workspace_admin(by)
    assert by.workspace is not None
    email = (email or "").strip().lower()
    errors: dict[str, Any] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Saisissez une adresse e-mail valide.")
    else:
        if User.objects.filter(email__iexact=email).exists():
            errors["email"] = _("Cette adresse e-mail est déjà utilisée par un autre compte.")
    if role not in Role.values:
        errors["role"] = _("Choisissez un rôle de la liste.")
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password or "", user=candidate)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return user_create(
        workspace=by.workspace,
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
    )


@transaction.atomic
def user_set_role(*, user: User, role: str, by: User) -> User:
    _require_admin(by, user)
    if role not in Role.values:
        raise ValidationError({"role": _("Choisissez un rôle de la liste.")})
    if user.pk == by.pk and role != user.role:
        raise ValidationError(
            {
                "role": _(
                    "Vous ne pouvez pas changer votre propre rôle : "
                    "demandez-le à un autre administrateur."
                )
            }
        )
    user.role = role
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Put a licence to sleep: the user cannot sign in, their history stays."""
    _require_admin(by, user)
    if user.pk == by.pk:
        raise ValidationError({"user": _("Vous ne pouvez pas vous mettre vous-même en sommeil.")})
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> User:
    """Wake a licence up. An extension another colleague took meanwhile is cleared: the phone
    system must find one colleague per extension."""
    _require_admin(by, user)
    fields = ["is_active", "deactivated_at"]
    cleared = ""
    if user.extension and _extension_holder(user, user.extension) is not None:
        cleared, user.extension = user.extension, ""
        fields.append("extension")
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=fields)
    if cleared:
        user_updated.send(sender=User, user=user, by=by, changes={"extension": [cleared, ""]})
    return user


def _extension_holder(user: User, extension: str) -> User | None:
    """The active colleague of ``user`` (not ``user``) whose extension is ``extension``."""
    if user.workspace_id is None:
        return None
    return (
        User.objects.filter(workspace_id=user.workspace_id, is_active=True, extension=extension)
        .exclude(pk=user.pk)
        .first()
    )


@transaction.atomic
def user_set_extension(*, user: User, extension: str, by: User) -> User:
    """Set the extension the phone system rings ``user`` on (empty: none).

    An admin sets any colleague's; every user sets their own. 2 to 8 digits, one active
    colleague per extension in the workspace; on error nothing changes.
    """
    if by.pk != user.pk:
        _require_admin(by, user)
    elif not by.is_active or by.workspace_id is None:
        raise PermissionDenied
    assert user.workspace_id is not None  # checked above: the workspace of ``by``
    value = (extension or "").strip()
    if value and not EXTENSION_RE.fullmatch(value):
        raise ValidationError(
            {
                "extension": _(
                    "Un poste s'écrit avec 2 à 8 chiffres, sans espace ni lettre (par exemple 201)."
                )
            }
        )
    # One change at a time per workspace, so two colleagues cannot take the same extension.
    Workspace.objects.select_for_update().filter(pk=user.workspace_id).first()
    holder = _extension_holder(user, value) if value else None
    if holder is not None:
        raise ValidationError(
            {
                "extension": _(
                    "Le poste %(extension)s est déjà celui de %(name)s : un poste ne sonne "
                    "que chez un seul collègue."
                )
                % {"extension": value, "name": holder}
            }
        )
    before = user.extension
    if value == before:
        return user
    user.extension = value
    user.save(update_fields=["extension"])
    user_updated.send(sender=User, user=user, by=by, changes={"extension": [before, value]})
    return user


def _require_manager(by: User, target: User) -> None:
    if not by.is_manager or by.workspace_id is None or not by.is_active:
        raise PermissionDenied
    if by.workspace_id != target.workspace_id:
        raise PermissionDenied


@transaction.atomic
def user_unlock(*, user: User, by: User) -> int:
    """A manager lifts a colleague's sign-in lockout (wrong passwords), from every address at
    once, before the cool-off ends; returns how many locked attempts were forgotten."""
    _require_manager(by, user)
    return lockout_clear(user.email)


def api_token_issue(*, user: User, label: str = "") -> str:
    """Create a token for ``user`` and return its clear value (shown once)."""
    assert user.workspace_id is not None
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        workspace_id=user.workspace_id, user=user, key_hash=ApiToken.hash_key(key), label=label
    )
    return key


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """A user revokes one of their own tokens; it stops working at once."""
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


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


@transaction.atomic
def workspace_update(*, workspace: Workspace, by: User, **fields: Any) -> Workspace:
    """An admin changes their workspace's identity: SIREN checked, phone stored E.164."""
    _require_workspace_admin(by)
    if by.workspace_id != workspace.pk:
        raise PermissionDenied
    unknown = set(fields) - WORKSPACE_FIELDS
    if unknown:
        raise TypeError(f"unknown workspace fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            errors["name"] = _("Indiquez la raison sociale.")
    if fields.get("siren"):
        try:
            fields["siren"] = clean_siren(fields["siren"])
        except InvalidIdentifier:
            errors["siren"] = _("SIREN invalide : 9 chiffres avec une clé de contrôle juste.")
    if fields.get("phone"):
        region = region_for(workspace.country, fields.get("postcode", workspace.postcode) or "")
        try:
            fields["phone"] = normalize_phone(fields["phone"], region)
        except InvalidPhone:
            errors["phone"] = _("« %(value)s » n'est pas un numéro de téléphone valide.") % {
                "value": fields["phone"]
            }
    if "timezone" in fields and fields["timezone"] not in zoneinfo.available_timezones():
        errors["timezone"] = _("Choisissez un fuseau horaire de la liste.")
    if "locale" in fields and fields["locale"] not in dict(settings.LANGUAGES):
        errors["locale"] = _("Choisissez une langue de la liste.")
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(workspace, name, value if value is not None else "")
    workspace.full_clean()
    workspace.save()
    return workspace


@transaction.atomic
def password_reset_complete(*, user: User) -> int:
    """After a user has set a new password through the e-mailed link: lift their sign-in
    lockout from every address and record the reset in the audit trail (as done by
    themselves); returns how many locked attempts were forgotten."""
    forgotten = lockout_clear(user.email)
    user_updated.send(
        sender=User, user=user, by=user, changes={"password": ["", _("réinitialisé")]}
    )
    return forgotten
