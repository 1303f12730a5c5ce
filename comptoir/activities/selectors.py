"""Reads on interactions, scoped to the user's workspace, allowed processes and privacy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from comptoir.activities.models import (
    Interaction,
    InteractionQuerySet,
    Kind,
    Note,
    Process,
    ProcessAccess,
    State,
)


def processes_for(user: Any) -> QuerySet[Process]:
    """The processes this user may see: all active ones unless restricted."""
    qs = Process.objects.filter(workspace_id=user.workspace_id, is_active=True)
    allowed = ProcessAccess.objects.filter(user_id=user.pk).values("process_id")
    if ProcessAccess.objects.filter(user_id=user.pk).exists():
        qs = qs.filter(pk__in=allowed)
    return qs


def interactions_for(user: Any) -> InteractionQuerySet:
    """Own workspace, allowed processes; colleagues' private interactions stay hidden."""
    qs = Interaction.objects.filter(workspace_id=user.workspace_id)
    restricted = list(
        ProcessAccess.objects.filter(user_id=user.pk).values_list("process_id", flat=True)
    )
    if restricted:
        qs = qs.filter(process_id__in=restricted)
    return qs.exclude(Q(process__is_private=True) & ~Q(owner_id=user.pk))


def interaction_detail(user: Any, interaction_id: int) -> Interaction:
    return (
        interactions_for(user)
        .select_related("process", "stage", "owner", "company", "person", "site", "created_by")
        .get(pk=interaction_id)
    )


def notes_for(user: Any) -> QuerySet[Note]:
    return Note.objects.filter(workspace_id=user.workspace_id)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _desk_base(user: Any, owner: Any) -> InteractionQuerySet:
    return (
        interactions_for(user)
        .filter(owner=owner)
        .select_related("process", "stage", "company", "person")
    )


def desk_today(user: Any, owner: Any | None = None) -> QuerySet[Interaction]:
    """Everything of the owner's that touches today, appointments by time."""
    start, end = _day_bounds(timezone.localdate())
    return _desk_base(user, owner or user).between(start, end).order_by("starts_at", "id")


def desk_overdue(user: Any, owner: Any | None = None) -> QuerySet[Interaction]:
    """The "vieilles casseroles": unfinished and ended before today, oldest first."""
    start, _end = _day_bounds(timezone.localdate())
    return (
        _desk_base(user, owner or user)
        .unfinished()
        .filter(ends_at__lt=start)
        .order_by("ends_at", "id")
    )


def desk_upcoming(user: Any, owner: Any | None = None, days: int = 14) -> QuerySet[Interaction]:
    """Appointments after today, within ``days``."""
    _start, end = _day_bounds(timezone.localdate())
    return (
        _desk_base(user, owner or user)
        .filter(
            kind=Kind.APPOINTMENT, starts_at__gte=end, starts_at__lt=end + dt.timedelta(days=days)
        )
        .exclude(state=State.DONE)
        .order_by("starts_at", "id")
    )
