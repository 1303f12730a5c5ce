"""Writes of the scheduling settings: technicians, their hours and absences, skills, service
types and booking rules. Only a manager (or an admin) changes them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounts.services import require_writer
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.lib.geo import geocoder
from comptoir.scheduling.models import (
    Absence,
    BookingSettings,
    ServiceType,
    Skill,
    Technician,
    Visit,
    VisitStatus,
    WorkingHours,
)

MAX_PERIODS_PER_DAY = 2
WEEKDAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

TECHNICIAN_FIELDS = {
    "home_postcode",
    "zone_postcodes",
    "zone_radius_km",
    "capacity_profile",
    "daily_capacity_minutes",
    "color",
    "is_active",
}
SERVICE_FIELDS = {
    "code",
    "name",
    "description",
    "duration_minutes",
    "buffer_minutes",
    "skill",
    "bookable_online",
    "price_label",
    "is_urgent",
    "position",
    "is_active",
}
BOOKING_FIELDS = {
    "online_enabled",
    "min_notice_hours",
    "change_notice_hours",
    "horizon_days",
    "slot_step_minutes",
    "reminder_day_before_hour",
    "reminder_same_day_hour",
    "average_speed_kmh",
}


def require_manager(by: Any) -> None:
    """Refuse anyone but a manager or an admin of a workspace."""
    require_writer(by)
    if not getattr(by, "is_manager", False) or getattr(by, "workspace_id", None) is None:
        raise PermissionDenied(_("Seul un responsable peut modifier les réglages du planning."))


def _same_workspace(by: Any, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.workspace_id != by.workspace_id:
            raise ValidationError(_("Élément introuvable."))


def _unknown(fields: dict[str, Any], allowed: set[str]) -> None:
    extra = set(fields) - allowed
    if extra:
        raise TypeError(f"unexpected fields: {', '.join(sorted(extra))}")


# --- technicians -----------------------------------------------------------------------------


@transaction.atomic
def technician_update(
    *, technician: Technician, by: Any, skills: list[Skill] | None = None, **fields: Any
) -> Technician:
    """Change a technician's profile; a new home postcode is located again by the geocoder."""
    require_manager(by)
    _same_workspace(by, technician, *(skills or []))
    _unknown(fields, TECHNICIAN_FIELDS)
    before = snapshot(technician)
    old_postcode = technician.home_postcode
    for name, value in fields.items():
        setattr(technician, name, value)
    technician.home_postcode = (technician.home_postcode or "").strip()
    if technician.home_postcode != old_postcode or technician.home_latitude is None:
        point = (
            geocoder().locate(postcode=technician.home_postcode)
            if technician.home_postcode
            else None
        )
        technician.home_latitude, technician.home_longitude = point if point else (None, None)
    technician.full_clean()
    technician.save()
    if skills is not None:
        technician.skills.set(skills)
    audit_record(actor=by, instance=technician, action=Action.UPDATE, before=before)
    return technician


@transaction.atomic
def technician_set_active(*, technician: Technician, by: Any, active: bool) -> Technician:
    """A technician who is not active is no longer offered for new bookings."""
    require_manager(by)
    _same_workspace(by, technician)
    before = snapshot(technician)
    technician.is_active = active
    technician.save(update_fields=["is_active"])
    audit_record(actor=by, instance=technician, action=Action.UPDATE, before=before)
    return technician


Period = tuple[dt.time, dt.time]


def _hours_label(start: dt.time, end: dt.time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def hours_errors(week: dict[int, list[Period]]) -> dict[int, list[str]]:
    """French reasons why a week of working periods is not valid, by weekday."""
    errors: dict[int, list[str]] = {}
    for day, periods in week.items():
        problems: list[str] = []
        if len(periods) > MAX_PERIODS_PER_DAY:
            problems.append(_("Deux plages au plus par jour."))
        for start, end in periods:
            if end <= start:
                problems.append(
                    _("%(period)s : la fin doit être après le début.")
                    % {"period": _hours_label(start, end)}
                )
        ordered = sorted((p for p in periods if p[1] > p[0]), key=lambda p: p[0])
        for first, second in itertools.pairwise(ordered):
            if second[0] < first[1]:
                problems.append(
                    _("%(a)s et %(b)s se chevauchent.")
                    % {"a": _hours_label(*first), "b": _hours_label(*second)}
                )
        if problems:
            errors[day] = problems
    return errors


@transaction.atomic
def technician_hours_set(
    *, technician: Technician, by: Any, week: dict[int, list[Period]]
) -> list[WorkingHours]:
    """Replace the weekly working hours: up to two periods a day, in order, not overlapping."""
    require_manager(by)
    _same_workspace(by, technician)
    if any(day not in range(7) for day in week):
        raise ValidationError(_("Jour inconnu."))
    errors = hours_errors(week)
    if errors:
        raise ValidationError(
            {
                f"day_{day}": [f"{WEEKDAY_NAMES[day].capitalize()} : {m}" for m in messages]
                for day, messages in errors.items()
            }
        )
    before = [str(h) for h in technician.hours.order_by("weekday", "starts")]
    technician.hours.all().delete()
    rows = [
        WorkingHours(
            workspace_id=technician.workspace_id,
            technician=technician,
            weekday=day,
            starts=start,
            ends=end,
        )
        for day in sorted(week)
        for start, end in sorted(week[day])
    ]
    for row in rows:
        row.full_clean()
    WorkingHours.objects.bulk_create(rows)
    after = [str(h) for h in rows]
    if before != after:
        audit_record(
            actor=by,
            instance=technician,
            action=Action.UPDATE,
            changes={str(_("horaires de travail")): [", ".join(before), ", ".join(after)]},
        )
    return rows


def visits_during(*, technician: Technician, starts_at: dt.datetime, ends_at: dt.datetime) -> Any:
    """Confirmed visits of the technician that overlap [starts_at, ends_at)."""
    return (
        Visit.objects.filter(
            technician=technician,
            status=VisitStatus.CONFIRMED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("interaction", "service_type")
        .order_by("starts_at")
    )


@transaction.atomic
def absence_add(
    *,
    technician: Technician,
    by: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
) -> tuple[Absence, list[Visit]]:
    """Record an absence; returns it with the confirmed visits it overlaps (to be moved)."""
    require_manager(by)
    _same_workspace(by, technician)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin de l'absence doit être après son début.")})
    absence = Absence(
        workspace_id=technician.workspace_id,
        technician=technician,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
    )
    absence.full_clean()
    absence.save()
    audit_record(actor=by, instance=absence, action=Action.CREATE)
    return absence, list(visits_during(technician=technician, starts_at=starts_at, ends_at=ends_at))


@transaction.atomic
def absence_delete(*, absence: Absence, by: Any) -> None:
    require_manager(by)
    _same_workspace(by, absence)
    audit_record(actor=by, instance=absence, action=Action.DELETE)
    absence.delete()


# --- skills ----------------------------------------------------------------------------------


def _skill_code(workspace_id: int, name: str, exclude: int | None = None) -> str:
    from django.utils.text import slugify

    base = (slugify(name) or "competence")[:34]
    code, number = base, 1
    taken = Skill.objects.filter(workspace_id=workspace_id)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    while taken.filter(code=code).exists():
        number += 1
        code = f"{base}-{number}"
    return code


def _check_skill_name(workspace_id: int, name: str, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Donnez un nom à la compétence.")})
    same = Skill.objects.filter(workspace_id=workspace_id, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError({"name": _("Cette compétence existe déjà.")})
    return name


@transaction.atomic
def skill_create(*, by: Any, name: str) -> Skill:
    require_manager(by)
    name = _check_skill_name(by.workspace_id, name)
    skill = Skill(workspace_id=by.workspace_id, name=name, code=_skill_code(by.workspace_id, name))
    skill.full_clean()
    skill.save()
    audit_record(actor=by, instance=skill, action=Action.CREATE)
    return skill


@transaction.atomic
def skill_rename(*, skill: Skill, by: Any, name: str) -> Skill:
    """Rename a skill; its code (used by the API and imports) stays."""
    require_manager(by)
    _same_workspace(by, skill)
    before = snapshot(skill)
    skill.name = _check_skill_name(skill.workspace_id, name, exclude=skill.pk)
    skill.full_clean()
    skill.save(update_fields=["name"])
    audit_record(actor=by, instance=skill, action=Action.UPDATE, before=before)
    return skill


@transaction.atomic
def skill_delete(*, skill: Skill, by: Any) -> None:
    """Delete a skill no service type requires; technicians simply lose it."""
    require_manager(by)
    _same_workspace(by, skill)
    used = list(ServiceType.objects.filter(skill=skill).values_list("name", flat=True))
    if used:
        raise ValidationError(
            _(
                "« %(skill)s » est requise par %(services)s : choisissez une autre compétence "
                "pour ces prestations avant de la supprimer."
            )
            % {"skill": skill.name, "services": ", ".join(used)}
        )
    audit_record(actor=by, instance=skill, action=Action.DELETE)
    skill.delete()


# --- service types ---------------------------------------------------------------------------


@transaction.atomic
def service_type_save(*, by: Any, service: ServiceType | None = None, **fields: Any) -> ServiceType:
    """Create (``service`` None) or change a service type."""
    require_manager(by)
    _unknown(fields, SERVICE_FIELDS)
    _same_workspace(by, service, fields.get("skill"))
    created = service is None
    if service is None:
        service = ServiceType(workspace_id=by.workspace_id)
    before = None if created else snapshot(service)
    for name, value in fields.items():
        setattr(service, name, value)
    service.code = (service.code or "").strip().lower()
    clash = ServiceType.objects.filter(workspace_id=by.workspace_id, code=service.code)
    if service.pk:
        clash = clash.exclude(pk=service.pk)
    if clash.exists():
        raise ValidationError({"code": _("Une autre prestation a déjà ce code.")})
    service.full_clean()
    service.save()
    audit_record(
        actor=by,
        instance=service,
        action=Action.CREATE if created else Action.UPDATE,
        before=before,
    )
    return service


# --- booking rules ---------------------------------------------------------------------------


@transaction.atomic
def booking_settings_update(*, by: Any, **fields: Any) -> BookingSettings:
    require_manager(by)
    _unknown(fields, BOOKING_FIELDS)
    rules, _created = BookingSettings.objects.get_or_create(workspace_id=by.workspace_id)
    before = snapshot(rules)
    for name, value in fields.items():
        setattr(rules, name, value)
    errors: dict[str, list[str]] = {}
    for name in ("reminder_day_before_hour", "reminder_same_day_hour"):
        if not 0 <= getattr(rules, name) <= 23:
            errors[name] = [_("Une heure entre 0 et 23.")]
    if rules.slot_step_minutes < 5 or rules.slot_step_minutes > 240:
        errors["slot_step_minutes"] = [_("Entre 5 et 240 minutes.")]
    if rules.horizon_days < 1:
        errors["horizon_days"] = [_("Au moins 1 jour.")]
    if rules.average_speed_kmh < 5:
        errors["average_speed_kmh"] = [_("Au moins 5 km/h.")]
    if errors:
        raise ValidationError(errors)
    rules.full_clean()
    rules.save()
    audit_record(actor=by, instance=rules, action=Action.UPDATE, before=before)
    return rules
