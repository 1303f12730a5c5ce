"""Every write a user does on interactions: validated, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.services import require_writer
from comptoir.activities import defaults
from comptoir.activities.models import (
    Interaction,
    Kind,
    Note,
    Process,
    ProcessAccess,
    Stage,
    State,
)
from comptoir.activities.selectors import processes_for
from comptoir.activities.signals import interaction_changing
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.live.services import publish as live_publish


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


def _live_change(stored: Mapping[str, Any] | None, interaction: Interaction) -> str:
    """How an update reads on a live page: cancelled, moved, reassigned or updated."""
    if stored is None:
        return "updated"
    if interaction.state == State.CANCELLED and stored["state"] != State.CANCELLED:
        return "cancelled"
    if any(
        stored[f] != getattr(interaction, f) for f in ("starts_at", "duration_minutes", "deadline")
    ):
        return "moved"
    if stored["owner_id"] != interaction.owner_id:
        return "reassigned"
    return "updated"


def _live_notify(
    interaction: Interaction, *, by: Any, change: str, previous_owner_id: int | None = None
) -> None:
    """Tell the open desks and agendas of the owner (and of the previous one), after commit."""
    topics = [f"user:{interaction.owner_id}"] if interaction.owner_id else []
    if previous_owner_id and previous_owner_id != interaction.owner_id:
        topics.append(f"user:{previous_owner_id}")
    topics.append(f"workspace:{interaction.workspace_id}:interactions")
    live_publish(
        workspace_id=interaction.workspace_id,
        topics=topics,
        kind="interaction",
        payload={
            "id": interaction.pk,
            "subject": interaction.subject,
            "starts_at": interaction.starts_at.isoformat() if interaction.starts_at else None,
            "state": interaction.state,
            "kind": interaction.kind,
            "change": change,
            "by": by.pk,
        },
    )


@transaction.atomic
def interaction_create(*, by: Any, **fields: Any) -> Interaction:
    require_writer(by)
    fields.setdefault("owner", by)
    interaction = Interaction(workspace_id=by.workspace_id, created_by=by, **fields)
    if interaction.state == State.DONE:
        interaction.completed_at = timezone.now()
    _validate(interaction, by)
    interaction.save()
    audit_record(actor=by, instance=interaction, action=Action.CREATE)
    _live_notify(interaction, by=by, change="created")
    return interaction


@transaction.atomic
def interaction_update(*, interaction: Interaction, by: Any, **fields: Any) -> Interaction:
    """Change an interaction; date, stage and state moves stay visible in its history."""
    require_writer(by)
    before = snapshot(interaction)
    # What is stored, not the instance: a form may already have changed it in memory.
    stored = (
        Interaction.objects.filter(pk=interaction.pk)
        .values("owner_id", "state", "starts_at", "duration_minutes", "deadline")
        .first()
    )
    for name, value in fields.items():
        setattr(interaction, name, value)
    if "state" in fields:
        interaction.completed_at = timezone.now() if interaction.state == State.DONE else None
    _validate(interaction, by)
    interaction_changing.send(Interaction, interaction=interaction, before=before, by=by)
    interaction.save()
    audit_record(actor=by, instance=interaction, action=Action.UPDATE, before=before)
    _live_notify(
        interaction,
        by=by,
        change=_live_change(stored, interaction),
        previous_owner_id=stored["owner_id"] if stored else None,
    )
    return interaction


def interaction_set_state(*, interaction: Interaction, state: str, by: Any) -> Interaction:
    if state not in State.values:
        raise ValidationError({"state": _("État inconnu.")})
    if state == State.CANCELLED and interaction.kind != Kind.APPOINTMENT:
        raise ValidationError({"state": _("Seul un rendez-vous peut être annulé.")})
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
    require_writer(by)
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


def _note_subject(body: str, limit: int = 60) -> str:
    """The beginning of a note, to name the interaction it creates."""
    first_line = " ".join(body.strip().split())
    if len(first_line) <= limit:
        return first_line
    return first_line[: limit - 1].rstrip() + "…"


@transaction.atomic
def quick_note_add(
    *,
    by: Any,
    body: str,
    interaction: Interaction | None = None,
    person: Any = None,
    company: Any = None,
) -> Note:
    """A note from a customer page: on an open interaction, or as a new finished one.

    Without ``interaction``, the note becomes a done interaction of the "Administratif"
    process named after its beginning, linked to the customer.
    """
    require_writer(by)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("La note est vide.")})
    if interaction is None:
        process = Process.objects.filter(
            workspace_id=by.workspace_id, code="administratif", is_active=True
        ).first()
        if process is None or not processes_for(by).filter(pk=process.pk).exists():
            raise ValidationError(
                {
                    "interaction": _(
                        "Choisissez une interaction : le processus Administratif "
                        "ne vous est pas autorisé."
                    )
                }
            )
        interaction = interaction_create(
            by=by,
            process=process,
            kind=Kind.TASK,
            state=State.DONE,
            subject=_note_subject(body),
            starts_at=timezone.now(),
            person=person,
            company=company,
        )
    return note_add(interaction=interaction, body=body, by=by)


def _require_admin(by: Any) -> None:
    if not getattr(by, "is_workspace_admin", False) or not by.is_active:
        raise PermissionDenied(_("Seul un administrateur de l'espace peut régler les accès."))


@transaction.atomic
def process_access_set(*, user: Any, processes: Iterable[Process], by: Any) -> bool:
    """Restrict ``user`` to ``processes`` (none = every process); True if anything changed."""
    _require_admin(by)
    chosen = {p.pk: p for p in processes}
    if user.workspace_id != by.workspace_id or any(
        p.workspace_id != by.workspace_id for p in chosen.values()
    ):
        raise ValidationError({"process": _("Élément introuvable.")})
    current = {
        a.process_id: a.process
        for a in ProcessAccess.objects.filter(user=user).select_related("process")
    }
    if set(current) == set(chosen):
        return False
    ProcessAccess.objects.filter(user=user).exclude(process_id__in=list(chosen)).delete()
    ProcessAccess.objects.bulk_create(
        ProcessAccess(workspace_id=by.workspace_id, user=user, process=p)
        for pk, p in chosen.items()
        if pk not in current
    )

    def names(items: dict[int, Process]) -> str:
        return ", ".join(sorted(p.name for p in items.values())) or str(_("Tous les processus"))

    audit_record(
        actor=by,
        instance=user,
        action=Action.UPDATE,
        changes={"process_access": [names(current), names(chosen)]},
    )
    return True


@transaction.atomic
def process_accesses_update(*, accesses: Mapping[Any, Iterable[Process]], by: Any) -> int:
    """Set several users' allowed processes at once; returns how many users changed."""
    return sum(
        process_access_set(user=user, processes=processes, by=by)
        for user, processes in accesses.items()
    )
