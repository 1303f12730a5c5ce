"""Every write a user does on interactions: validated, atomic, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.activities import defaults
from comptoir.activities.models import Interaction, Kind, Note, Process, Stage, State
from comptoir.activities.selectors import processes_for
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot


def _require_writer(by: Any) -> None:
    if not getattr(by, "can_write", False):
        raise PermissionDenied(_("Votre rôle ne permet pas de modifier les données."))


def _validate(interaction: Interaction, by: Any) -> None:
    errors: dict[str, str] = {}
    if interaction.process_id and not processes_for(by).filter(pk=interaction.process_id).exists():
        errors["process"] = _("Processus introuvable ou non autorisé.")
    if interaction.stage is not None and interaction.stage.process_id != interaction.process_id:
        errors["stage"] = _("Cette étape n'appartient pas au processus choisi.")
    if interaction.kind == Kind.APPOINTMENT:
        if not interaction.duration_minutes:
            errors["duration_minutes"] = _("Indiquez la durée du rendez-vous.")
        interaction.deadline = None
    else:
        interaction.duration_minutes = None
        if (
            interaction.deadline
            and interaction.starts_at
            and interaction.deadline < interaction.starts_at
        ):
            errors["deadline"] = _("L'échéance doit suivre le début.")
    for name in ("owner", "company", "person", "site"):
        related = getattr(interaction, name, None)
        if related is not None and related.workspace_id != by.workspace_id:
            errors[name] = _("Élément introuvable.")
    if interaction.owner_id and not interaction.owner.is_active:
        errors["owner"] = _("Ce collègue est en sommeil : choisissez un utilisateur actif.")
    if errors:
        raise ValidationError(errors)
    interaction.full_clean(exclude=["workspace", "created_by"])


@transaction.atomic
def interaction_create(*, by: Any, **fields: Any) -> Interaction:
    _require_writer(by)
    fields.setdefault("owner", by)
    interaction = Interaction(workspace_id=by.workspace_id, created_by=by, **fields)
    if interaction.state == State.DONE:
        interaction.completed_at = timezone.now()
    _validate(interaction, by)
    interaction.save()
    audit_record(actor=by, instance=interaction, action=Action.CREATE)
    return interaction


@transaction.atomic
def interaction_update(*, interaction: Interaction, by: Any, **fields: Any) -> Interaction:
    """Change an interaction; date, stage and state moves stay visible in its history."""
    _require_writer(by)
    before = snapshot(interaction)
    for name, value in fields.items():
        setattr(interaction, name, value)
    if "state" in fields:
        interaction.completed_at = timezone.now() if interaction.state == State.DONE else None
    _validate(interaction, by)
    interaction.save()
    audit_record(actor=by, instance=interaction, action=Action.UPDATE, before=before)
    return interaction


def interaction_set_state(*, interaction: Interaction, state: str, by: Any) -> Interaction:
    if state not in State.values:
        raise ValidationError({"state": _("État inconnu.")})
    return interaction_update(interaction=interaction, by=by, state=state)


def interaction_move(
    *, interaction: Interaction, starts_at: dt.datetime, by: Any, ends_at: dt.datetime | None = None
) -> Interaction:
    """Move (and for appointments resize) on the calendar, keeping the length unless told."""
    fields: dict[str, Any] = {"starts_at": starts_at}
    if interaction.kind == Kind.APPOINTMENT:
        if ends_at is not None:
            minutes = int((ends_at - starts_at).total_seconds() // 60)
            if minutes <= 0:
                raise ValidationError({"duration_minutes": _("La fin doit suivre le début.")})
            fields["duration_minutes"] = minutes
    elif interaction.deadline is not None:
        fields["deadline"] = interaction.deadline + (starts_at - interaction.starts_at)
    return interaction_update(interaction=interaction, by=by, **fields)


@transaction.atomic
def note_add(*, interaction: Interaction, body: str, by: Any) -> Note:
    """Append a timestamped note; notes are never edited nor deleted."""
    _require_writer(by)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("La note est vide.")})
    if interaction.workspace_id != by.workspace_id:
        raise ValidationError({"interaction": _("Élément introuvable.")})
    note = Note.objects.create(
        workspace_id=by.workspace_id, interaction=interaction, author=by, body=body
    )
    Interaction.objects.filter(pk=interaction.pk).update(updated_at=timezone.now())
    return note


def processes_seed(*, workspace: Any) -> None:
    """French default processes and stages (idempotent)."""
    for position, (code, name, color, private, stages) in enumerate(defaults.PROCESSES, start=1):
        process, created = Process.objects.get_or_create(
            workspace=workspace,
            code=code,
            defaults={"name": name, "color": color, "is_private": private, "position": position},
        )
        if created:
            Stage.objects.bulk_create(
                Stage(workspace=workspace, process=process, name=s, outcome=o, position=i)
                for i, (s, o) in enumerate(stages, start=1)
            )
