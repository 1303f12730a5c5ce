"""Reads of the technician app, scoped to the user's workspace (and to their own visits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from comptoir.accounts.models import Role, User
from comptoir.activities.models import Interaction, State
from comptoir.activities.selectors import interactions_for
from comptoir.field.models import (
    CatalogueItem,
    ChecklistItem,
    DetectedNeed,
    FieldSettings,
    InterventionReport,
)
from comptoir.scheduling.models import Visit, VisitStatus


def can_see_colleagues(user: Any) -> bool:
    """Office roles open any visit of the workspace; a technician only their own."""
    return bool(getattr(user, "can_view_colleagues", False))


def field_visits_for(user: Any) -> QuerySet[Visit]:
    """The visits this user may open in the app: their own, or every one for office roles."""
    qs = Visit.objects.filter(workspace_id=user.workspace_id).select_related(
        "technician__user",
        "service_type",
        "interaction",
        "interaction__person",
        "interaction__company",
        "interaction__site",
    )
    if not can_see_colleagues(user):
        qs = qs.filter(technician__user_id=user.pk)
    return qs


def field_visit(user: Any, visit_id: int) -> Visit:
    """One visit, or Visit.DoesNotExist (→ 404) when another's or another workspace's."""
    return field_visits_for(user).get(pk=visit_id)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class Day:
    """The visits of the technician's day and the next ones."""

    today: dt.date
    visits: list[Visit]
    coming: list[Visit]


def day_for(user: Any, *, technician_user_id: int | None = None, days_ahead: int = 7) -> Day:
    """Today's confirmed visits of ``user`` (or of a colleague, for office roles), then the next."""
    today = timezone.localdate()
    start = _day_start(today)
    tomorrow = _day_start(today + dt.timedelta(days=1))
    horizon = _day_start(today + dt.timedelta(days=days_ahead + 1))
    owner_id = technician_user_id if technician_user_id else user.pk
    qs = (
        field_visits_for(user)
        .filter(technician__user_id=owner_id, status=VisitStatus.CONFIRMED)
        .filter(starts_at__lt=horizon, ends_at__gt=start)
        .select_related("report")
        .order_by("starts_at")
    )
    visits = [v for v in qs if v.starts_at < tomorrow]
    coming = [v for v in qs if v.starts_at >= tomorrow]
    return Day(today=today, visits=visits, coming=coming)


def report_of(visit: Visit) -> InterventionReport | None:
    try:
        return visit.report
    except InterventionReport.DoesNotExist:
        return None


def customer_history(user: Any, visit: Visit, *, limit: int = 5) -> list[Interaction]:
    """The customer's last interactions (this visit excluded), newest first."""
    interaction = visit.interaction
    if interaction.person_id is None and interaction.company_id is None:
        return []
    who = Q()
    if interaction.person_id:
        who |= Q(person_id=interaction.person_id)
    if interaction.company_id:
        who |= Q(company_id=interaction.company_id)
    return list(
        interactions_for(user)
        .filter(who)
        .exclude(pk=interaction.pk)
        .exclude(state=State.CANCELLED)
        .filter(starts_at__lte=timezone.now())
        .select_related("process", "owner")
        .order_by("-starts_at")[:limit]
    )


def catalogue_for(user: Any) -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.filter(workspace_id=user.workspace_id, is_active=True)


def checklist_for(visit: Visit) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(
        workspace_id=visit.workspace_id, service_type_id=visit.service_type_id
    )


def needs_for(user: Any) -> QuerySet[DetectedNeed]:
    return DetectedNeed.objects.filter(workspace_id=user.workspace_id).select_related(
        "visit",
        "created_by",
        "opportunity__stage",
        "opportunity__owner",
        "opportunity__person",
        "opportunity__company",
        "opportunity__site",
    )


def needs_counts(user: Any, *, since: dt.datetime | None = None) -> dict[str, int]:
    """Needs captured by technicians and how many became won sales (for the dashboard)."""
    qs = DetectedNeed.objects.filter(workspace_id=user.workspace_id)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return {"captured": qs.count(), "converted": qs.converted().count()}


def sales_owner(workspace_id: int) -> User | None:
    """Who gets the detected needs: the chosen one, else the first active admin, then manager."""
    settings = FieldSettings.objects.filter(workspace_id=workspace_id).first()
    if settings and settings.sales_owner_id and settings.sales_owner.is_active:  # type: ignore[union-attr]
        return settings.sales_owner
    for role in (Role.ADMIN, Role.MANAGER):
        user = (
            User.objects.filter(workspace_id=workspace_id, role=role, is_active=True)
            .order_by("date_joined", "pk")
            .first()
        )
        if user is not None:
            return user
    return None


def field_settings_for(user: Any) -> FieldSettings:
    found = FieldSettings.objects.filter(workspace_id=user.workspace_id).first()
    return found or FieldSettings(workspace_id=user.workspace_id)
