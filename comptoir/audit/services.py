"""Record changes. Services of other apps call these inside their transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from comptoir.audit.models import Action, AuditEntry
from comptoir.lib.crypto import EncryptedTextField

Snapshot = dict[str, str]
# What the history shows of an encrypted field (a password…): set or not, never the value.
MASKED = "••••••"


def _display(instance: models.Model, field: models.Field) -> str:
    if field.many_to_many:
        if instance.pk is None:
            return ""
        return ", ".join(sorted(str(o) for o in getattr(instance, field.name).all()))
    value: Any = getattr(instance, field.name)
    if value is None or value == "":
        return ""
    if isinstance(field, EncryptedTextField):
        return MASKED
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(value, dt.datetime | dt.date | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return str(value)


def _audited_fields(instance: models.Model) -> list[models.Field]:
    skip = {"id", "workspace", "created_at", "updated_at", "search_name"}
    return [
        f
        for f in instance._meta.get_fields()
        if isinstance(f, models.Field) and f.concrete and f.name not in skip
    ]


def snapshot(instance: models.Model) -> Snapshot:
    """The displayed value of every audited field, to compare before and after a change."""
    return {f.name: _display(instance, f) for f in _audited_fields(instance)}


def _changes(instance: models.Model, action: str, before: Snapshot | None) -> dict[str, list[str]]:
    if action == Action.CREATE:
        return {k: ["", v] for k, v in snapshot(instance).items() if v}
    if action == Action.UPDATE:
        before = before or {}
        after = snapshot(instance)
        return {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}
    return {k: [v, ""] for k, v in (before or snapshot(instance)).items() if v}


def audit_record(
    *,
    actor: Any,
    instance: models.Model,
    action: str,
    before: Snapshot | None = None,
    changes: dict[str, list[str]] | None = None,
) -> AuditEntry | None:
    """Write one entry; for updates only the fields that changed, none if nothing did.

    ``changes`` may be given directly for changes that are not fields of ``instance``
    (a phone added to a person, say).
    """
    if changes is None:
        changes = _changes(instance, action, before)
        if action == Action.UPDATE and not changes:
            return None
    return AuditEntry.objects.create(
        workspace_id=getattr(instance, "workspace_id"),  # noqa: B009
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        changes=changes,
    )
