"""Reads of scheduling, scoped to the user's workspace: technicians, visits, the planning board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from comptoir.activities.models import Interaction, Kind, State
from comptoir.activities.selectors import interactions_for
from comptoir.contacts.models import ContactKind, ContactPoint
from comptoir.lib.holidays import holiday_name
from comptoir.scheduling.models import (
    Absence,
    ServiceType,
    Skill,
    Technician,
    Visit,
    VisitStatus,
    WorkingHours,
)


def technicians_for(user: Any) -> QuerySet[Technician]:
    """Active technicians of the user's workspace, with their user."""
    return (
        Technician.objects.filter(
            workspace_id=user.workspace_id, is_active=True, user__is_active=True
        )
        .select_related("user")
        .prefetch_related("skills")
    )


def visits_for(user: Any) -> QuerySet[Visit]:
    return Visit.objects.filter(workspace_id=user.workspace_id).select_related(
        "technician__user", "service_type", "interaction"
    )


def skills_for(user: Any) -> QuerySet[Skill]:
    return Skill.objects.filter(workspace_id=user.workspace_id)


def services_for(user: Any) -> QuerySet[ServiceType]:
    """The active service types, the online-bookable ones first (the usual phone requests)."""
    return ServiceType.objects.filter(workspace_id=user.workspace_id, is_active=True).order_by(
        "position", "name"
    )


def own_technician(user: Any) -> Technician | None:
    return technicians_for(user).filter(user_id=user.pk).first()


def most_used_service(user: Any, *, person: Any = None, company: Any = None) -> int | None:
    """The service type this customer (or else the workspace) books most, if any."""
    visits = Visit.objects.filter(workspace_id=user.workspace_id)
    if person is not None:
        visits = visits.filter(interaction__person_id=person.pk)
    elif company is not None:
        visits = visits.filter(interaction__company_id=company.pk)
    counts: dict[int, int] = defaultdict(int)
    for service_id in visits.values_list("service_type_id", flat=True)[:500]:
        counts[service_id] += 1
    if not counts:
        return None
    return max(counts, key=lambda pk: counts[pk])


def contact_for(*, person: Any = None, company: Any = None, site: Any = None) -> dict[str, str]:
    """Who to confirm to: name, first phone and e-mail of the site, else of the customer."""
    owners = [("site", site), ("person", person), ("company", company)]
    phone = email = ""
    for name, owner in owners:
        if owner is None:
            continue
        for point in ContactPoint.objects.filter(**{name: owner}).order_by("-is_primary", "id"):
            if point.kind == ContactKind.PHONE and not phone:
                phone = point.normalized
            if point.kind == ContactKind.EMAIL and not email:
                email = point.normalized
    customer = person or company
    return {
        "contact_name": str(customer) if customer is not None else "",
        "contact_phone": phone,
        "contact_email": email,
    }


# --- planning board ------------------------------------------------------------------------


@dataclass
class Appointment:
    """One appointment drawn on the board; ``visible`` is False for a colleague's private one."""

    interaction: Interaction
    technician: Technician
    visit: Visit | None
    visible: bool


@dataclass
class Planning:
    """What the board shows for some technicians over [start, end)."""

    technicians: list[Technician]
    appointments: list[Appointment]
    absences: list[Absence]
    hours: dict[int, list[WorkingHours]] = field(default_factory=dict)
    holidays: dict[dt.date, str] = field(default_factory=dict)


def planning_for(
    user: Any,
    technicians: list[Technician],
    start: dt.datetime,
    end: dt.datetime,
) -> Planning:
    """Appointments (visits and plain ones, cancelled left out), absences and working hours."""
    by_user = {t.user_id: t for t in technicians}
    rows = list(
        Interaction.objects.filter(
            workspace_id=user.workspace_id, kind=Kind.APPOINTMENT, owner_id__in=list(by_user)
        )
        .between(start, end)
        .exclude(state=State.CANCELLED)
        .select_related("person", "company", "site", "process")
        .order_by()
    )
    visible = set(
        interactions_for(user).filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)
    )
    visits = {
        v.interaction_id: v
        for v in Visit.objects.filter(interaction_id__in=[r.pk for r in rows]).select_related(
            "service_type"
        )
    }
    appointments = [
        Appointment(
            interaction=row,
            technician=by_user[row.owner_id],
            visit=visits.get(row.pk),
            visible=row.pk in visible,
        )
        for row in rows
        if not (row.pk in visits and visits[row.pk].status == VisitStatus.CANCELLED)
    ]
    appointments.sort(key=lambda a: (a.interaction.starts_at, a.interaction.pk))
    absences = list(
        Absence.objects.filter(
            workspace_id=user.workspace_id,
            technician__in=technicians,
            ends_at__gt=start,
            starts_at__lt=end,
        ).order_by("starts_at")
    )
    hours: dict[int, list[WorkingHours]] = defaultdict(list)
    for h in WorkingHours.objects.filter(technician__in=technicians):
        hours[h.technician_id].append(h)
    holidays = {}
    day = timezone.localtime(start).date()
    while day < timezone.localtime(end).date() + dt.timedelta(days=1):
        name = holiday_name(day)
        if name:
            holidays[day] = name
        day += dt.timedelta(days=1)
    return Planning(
        technicians=technicians,
        appointments=appointments,
        absences=absences,
        hours=dict(hours),
        holidays=holidays,
    )


def day_schedule(user: Any, technician: Technician, day: dt.date) -> list[Appointment]:
    """A technician's appointments of ``day`` (their own list), in order."""
    tz = ZoneInfo(technician.workspace.timezone)
    start = dt.datetime.combine(day, dt.time.min, tz)
    planning = planning_for(user, [technician], start, start + dt.timedelta(days=1))
    return [a for a in planning.appointments if a.visible]
