"""Reads on interactions, scoped to the user's workspace, allowed processes and privacy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptoir.activities.models import (
    Interaction,
    InteractionQuerySet,
    Kind,
    Note,
    Process,
    ProcessAccess,
    Stage,
    State,
)


def _allowed_process_ids(user: Any) -> list[int]:
    """The processes ``user`` is restricted to; empty means every process."""
    return list(ProcessAccess.objects.filter(user_id=user.pk).values_list("process_id", flat=True))


def processes_for(user: Any) -> QuerySet[Process]:
    """The processes this user may see: all active ones unless restricted."""
    qs = all_processes_for(user)
    allowed = _allowed_process_ids(user)
    return qs.filter(pk__in=allowed) if allowed else qs


def interactions_for(user: Any) -> InteractionQuerySet:
    """Own workspace, allowed processes; colleagues' private interactions stay hidden."""
    qs = Interaction.objects.filter(workspace_id=user.workspace_id)
    restricted = _allowed_process_ids(user)
    if restricted:
        qs = qs.filter(process_id__in=restricted)
    # A subquery rather than a join: counts and long lists stay on the interaction indexes.
    private = Process.objects.filter(workspace_id=user.workspace_id, is_private=True).values("pk")
    return qs.exclude(Q(process_id__in=private) & ~Q(owner_id=user.pk))


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


def all_processes_for(user: Any) -> QuerySet[Process]:
    """Every active process of the workspace, whatever this user's own restrictions."""
    return Process.objects.filter(workspace_id=user.workspace_id, is_active=True)


def stages_for(user: Any) -> QuerySet[Stage]:
    return Stage.objects.filter(workspace_id=user.workspace_id).select_related("process")


def process_accesses_for(user: Any) -> QuerySet[ProcessAccess]:
    return ProcessAccess.objects.filter(workspace_id=user.workspace_id)


@dataclass
class Desk:
    """What one person's desk shows: today, the late ones, what comes next."""

    today: list[Interaction]  # at most ``today_limit`` of each kind, by time
    today_tasks_count: int
    today_appointments_count: int
    overdue: list[Interaction]
    overdue_tasks: int
    overdue_appointments: int
    upcoming: list[Interaction]

    @property
    def today_appointments(self) -> list[Interaction]:
        return [i for i in self.today if i.kind == Kind.APPOINTMENT]

    @property
    def today_tasks(self) -> list[Interaction]:
        return [i for i in self.today if i.kind == Kind.TASK]

    @property
    def overdue_count(self) -> int:
        return self.overdue_tasks + self.overdue_appointments


DESK_FIELDS = (
    "workspace_id",
    "kind",
    "state",
    "subject",
    "owner_id",
    "starts_at",
    "deadline",
    "ends_at",
    "process__name",
    "process__color",
    "stage__name",
    "company__name",
    "person__civility",
    "person__first_name",
    "person__last_name",
)


def desk_for(
    user: Any,
    owner: Any,
    *,
    today_limit: int = 50,
    overdue_limit: int = 50,
    upcoming_limit: int = 10,
) -> Desk:
    """The desk of ``owner`` as ``user`` may see it, in five indexed queries."""
    mine = interactions_for(user).filter(owner_id=owner.pk)
    base = (
        mine.select_related("process", "stage", "company", "person")
        # Only what a desk row shows: a heavy day loads hundreds of rows and five objects each.
        .only(*DESK_FIELDS)
    )
    day_start, day_end = _day_bounds(timezone.localdate())
    # Today's keys first, then whole rows for the ones shown: a heavy day holds hundreds of
    # interactions, and building them all as objects costs more than one more query.
    # Sorted here: an ORDER BY starts_at would lure planners onto the starts_at index and
    # through the owner's whole past.
    keys = sorted(
        mine.between(day_start, day_end)
        .exclude(state=State.CANCELLED)
        .order_by()
        .values_list("starts_at", "id", "kind")
    )
    shown: dict[str, list[int]] = {Kind.TASK: [], Kind.APPOINTMENT: []}
    for _starts_at, pk, kind in keys:
        if len(shown[kind]) < today_limit:
            shown[kind].append(pk)
    ids = shown[Kind.TASK] + shown[Kind.APPOINTMENT]
    today = sorted(base.filter(pk__in=ids).order_by(), key=lambda i: (i.starts_at, i.pk))
    appointments = sum(1 for key in keys if key[2] == Kind.APPOINTMENT)
    late = base.filter(state__in=[State.OPEN, State.IN_PROGRESS], ends_at__lt=day_start)
    # Ordering on an expression keeps planners on the (owner, state, ends_at) index: they
    # seek the few unfinished rows instead of walking the whole finished past in order.
    overdue = list(late.order_by(Coalesce("ends_at", "ends_at"), "id")[:overdue_limit])
    if len(overdue) < overdue_limit:
        tasks = sum(1 for i in overdue if i.kind == Kind.TASK)
        counts = {"tasks": tasks, "appointments": len(overdue) - tasks}
    else:
        counts = late.order_by().aggregate(
            tasks=Count("id", filter=Q(kind=Kind.TASK)),
            appointments=Count("id", filter=Q(kind=Kind.APPOINTMENT)),
        )
    upcoming = list(
        base.filter(
            kind=Kind.APPOINTMENT,
            state__in=[State.OPEN, State.IN_PROGRESS],
            starts_at__gte=day_end,
            starts_at__lt=day_end + dt.timedelta(days=30),
        ).order_by("starts_at", "id")[:upcoming_limit]
    )
    return Desk(
        today=today,
        today_tasks_count=len(keys) - appointments,
        today_appointments_count=appointments,
        overdue=overdue,
        overdue_tasks=counts["tasks"],
        overdue_appointments=counts["appointments"],
        upcoming=upcoming,
    )


def calendar_for(user: Any, owner: Any, start: dt.datetime, end: dt.datetime) -> list[Interaction]:
    """``owner``'s interactions overlapping [start, end), as ``user`` may see them."""
    rows = (
        interactions_for(user)
        .filter(owner_id=owner.pk)
        .between(start, end)
        .exclude(state=State.CANCELLED)
        .select_related("process", "person", "company")
        .order_by()  # sorted below, see desk_for
    )
    return sorted(rows, key=lambda i: (i.starts_at, i.pk))


def interactions_matching(
    user: Any,
    *,
    owner_id: int | None = None,
    process_id: int | None = None,
    state: str = "",
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> InteractionQuerySet:
    """The interaction list's filters; the period keeps what overlaps [from, to]."""
    qs = interactions_for(user)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if process_id:
        qs = qs.filter(process_id=process_id)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(ends_at__gte=_day_bounds(date_from)[0])
    if date_to:
        qs = qs.filter(starts_at__lt=_day_bounds(date_to)[1])
    if q.strip():
        qs = qs.filter(subject__icontains=q.strip())
    return qs.select_related("process", "stage", "owner", "person", "company").order_by(
        "-starts_at", "-id"
    )


def timeline_for(
    user: Any, *, person_id: int | None = None, company_id: int | None = None
) -> InteractionQuerySet:
    """A customer's interactions across processes, newest first, with their notes."""
    qs = interactions_for(user)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    elif company_id is not None:
        qs = qs.filter(company_id=company_id)
    else:
        return qs.none()
    return (
        qs.select_related("process", "stage", "owner")
        .prefetch_related(
            Prefetch(
                "notes",
                queryset=Note.objects.select_related("author").order_by("created_at", "id"),
            )
        )
        .order_by("-starts_at", "-id")
    )


def open_interactions_for_customer(
    user: Any, *, person_id: int | None = None, company_id: int | None = None, limit: int = 30
) -> list[Interaction]:
    """The customer's unfinished interactions, most recent first, to attach a note to."""
    qs = interactions_for(user)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    elif company_id is not None:
        qs = qs.filter(company_id=company_id)
    else:
        return []
    return list(
        qs.filter(state__in=[State.OPEN, State.IN_PROGRESS])
        .select_related("process")
        .order_by("-starts_at", "-id")[:limit]
    )
