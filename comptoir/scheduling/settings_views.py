"""Scheduling settings (technicians, skills, service types, booking rules) and the lead-time
report « Délai de prise de RDV ». Everyone of the workspace reads the settings; only a manager
changes them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.models import Role
from comptoir.scheduling import reports
from comptoir.scheduling import services as scheduling_services
from comptoir.scheduling import settings_services as services
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
from comptoir.scheduling.settings_forms import (
    AbsenceForm,
    BookingSettingsForm,
    HoursForm,
    ServiceTypeForm,
    SkillForm,
    TechnicianForm,
)

DAY_ABBR = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
REPORT_MAX_DAYS = 2 * 366


def _member(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "workspace_id", None) is None:
        raise PermissionDenied
    return user


def _manager(request: HttpRequest) -> Any:
    user = _member(request)
    if not (user.is_manager and user.can_write):
        raise PermissionDenied
    return user


def _error_text(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for items in error.message_dict.values() for m in items]
    return list(error.messages)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, items in error.error_dict.items():
            form.add_error(name if name in form.fields else None, items)
    else:
        form.add_error(None, error)


def _nav(current: str, user: Any) -> dict[str, Any]:
    tabs = [
        ("technicians", _("Techniciens"), reverse("scheduling:settings_technicians")),
        ("skills", _("Compétences"), reverse("scheduling:settings_skills")),
        ("services", _("Prestations"), reverse("scheduling:settings_services")),
        ("booking", _("Réservation"), reverse("scheduling:settings_booking")),
    ]
    return {"tabs": tabs, "current": current, "can_edit": user.is_manager and user.can_write}


def _tz(user: Any) -> ZoneInfo:
    return ZoneInfo(user.workspace.timezone)


# --- summaries ---------------------------------------------------------------------------


def _clock(value: dt.time) -> str:
    return f"{value.hour} h" if not value.minute else f"{value.hour} h {value.minute:02d}"


def hours_summary(rows: list[WorkingHours]) -> str:
    """« lun.–ven. 8 h–12 h, 14 h–18 h ; sam. 9 h–12 h »: consecutive days alike are joined."""
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for row in rows:
        by_day[row.weekday].append((row.starts, row.ends))
    parts: list[str] = []
    day = 0
    while day < 7:
        periods = sorted(by_day.get(day, []))
        if not periods:
            day += 1
            continue
        last = day
        while last + 1 < 7 and sorted(by_day.get(last + 1, [])) == periods:
            last += 1
        days = DAY_ABBR[day] if last == day else f"{DAY_ABBR[day]}–{DAY_ABBR[last]}"
        if last == day + 1:
            days = f"{DAY_ABBR[day]}, {DAY_ABBR[last]}"
        spans = ", ".join(f"{_clock(a)}–{_clock(b)}" for a, b in periods)
        parts.append(f"{days} {spans}")
        day = last + 1
    return " ; ".join(parts) or _("aucun horaire : jamais réservable")


def _technician(user: Any, pk: int) -> Technician:
    found = (
        Technician.objects.filter(workspace_id=user.workspace_id, pk=pk)
        .select_related("user")
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- technicians -------------------------------------------------------------------------


@login_required
@require_GET
def technicians(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    rows = list(
        Technician.objects.filter(workspace_id=user.workspace_id)
        .select_related("user")
        .prefetch_related("skills", Prefetch("hours", queryset=WorkingHours.objects.all()))
        .order_by("-is_active", "user__first_name", "user__last_name")
    )
    for row in rows:
        row.hours_label = hours_summary(list(row.hours.all()))  # type: ignore[attr-defined]
    candidates = (
        get_user_model()
        .objects.filter(
            workspace_id=user.workspace_id,
            role=Role.TECHNICIAN,
            is_active=True,
            technician__isnull=True,
        )
        .order_by("first_name", "last_name")
    )
    return render(
        request,
        "scheduling/settings/technicians.html",
        {"technicians": rows, "candidates": candidates, **_nav("technicians", user)},
    )


@login_required
@require_POST
def technician_enable(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    raw = request.POST.get("user", "")
    if not raw.isdigit():
        raise Http404
    target = get_user_model().objects.filter(workspace_id=user.workspace_id, pk=raw).first()
    if target is None:
        raise Http404
    try:
        technician = scheduling_services.technician_enable(user=target, by=user)
    except ValidationError as error:
        for text in _error_text(error):
            messages.error(request, text)
        return redirect("scheduling:settings_technicians")
    messages.success(
        request,
        _("%(name)s est réservable, du lundi au vendredi 8 h–12 h, 14 h–18 h : ajustez ci-dessous.")
        % {"name": technician.name},
    )
    return redirect("scheduling:settings_technician", pk=technician.pk)


@login_required
@require_POST
def technician_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    technician = _technician(user, pk)
    services.technician_set_active(technician=technician, by=user, active=not technician.is_active)
    if technician.is_active:
        messages.success(
            request, _("%(name)s est de nouveau réservable.") % {"name": technician.name}
        )
    else:
        messages.success(
            request,
            _("%(name)s n'est plus proposé pour de nouveaux rendez-vous.")
            % {"name": technician.name},
        )
    return redirect(request.POST.get("next") or reverse("scheduling:settings_technicians"))


def _absences_with_visits(technician: Technician) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = list(
        Absence.objects.filter(technician=technician, ends_at__gte=now - dt.timedelta(days=31))
    )
    found = []
    for absence in rows:
        visits = list(
            services.visits_during(
                technician=technician, starts_at=absence.starts_at, ends_at=absence.ends_at
            ).select_related("interaction__person", "interaction__company")
        )
        found.append({"absence": absence, "visits": visits, "past": absence.ends_at < now})
    return found


def _technician_page(
    request: HttpRequest,
    user: Any,
    technician: Technician,
    *,
    form: TechnicianForm | None = None,
    hours_form: HoursForm | None = None,
    absence_form: AbsenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    skills = Skill.objects.filter(workspace_id=user.workspace_id)
    if form is None:
        form = TechnicianForm(
            skills=skills,
            initial={
                "skills": list(technician.skills.all()),
                "home_postcode": technician.home_postcode,
                "zone_postcodes": technician.zone_postcodes,
                "zone_radius_km": technician.zone_radius_km,
                "capacity_profile": technician.capacity_profile,
                "daily_capacity_minutes": technician.daily_capacity_minutes,
                "color": technician.color,
                "is_active": technician.is_active,
            },
        )
    hours = list(technician.hours.all())
    if hours_form is None:
        hours_form = HoursForm(hours=hours)
    if absence_form is None:
        absence_form = AbsenceForm()
    return render(
        request,
        "scheduling/settings/technician.html",
        {
            "technician": technician,
            "form": form,
            "hours_form": hours_form,
            "hours_label": hours_summary(hours),
            "absence_form": absence_form,
            "absences": _absences_with_visits(technician),
            "new_absence": request.GET.get("absence", ""),
            **_nav("technicians", user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def technician_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    technician = _technician(user, pk)
    if request.method != "POST":
        return _technician_page(request, user, technician)
    user = _manager(request)
    skills = Skill.objects.filter(workspace_id=user.workspace_id)
    form = TechnicianForm(request.POST, skills=skills)
    if form.is_valid():
        data = dict(form.cleaned_data)
        chosen = list(data.pop("skills"))
        try:
            services.technician_update(technician=technician, by=user, skills=chosen, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if technician.home_postcode and technician.home_latitude is None:
                messages.warning(
                    request,
                    _(
                        "Profil enregistré, mais le code postal %(code)s n'a pas été localisé : "
                        "les trajets depuis le départ ne sont pas estimés."
                    )
                    % {"code": technician.home_postcode},
                )
            else:
                messages.success(
                    request, _("Profil de %(name)s enregistré.") % {"name": technician.name}
                )
            return redirect("scheduling:settings_technician", pk=technician.pk)
    technician.refresh_from_db()
    return _technician_page(request, user, technician, form=form, status=422)


@login_required
@require_POST
def technician_hours(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    technician = _technician(user, pk)
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            services.technician_hours_set(technician=technician, by=user, week=form.week)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Horaires de %(name)s enregistrés.") % {"name": technician.name}
            )
            return redirect(reverse("scheduling:settings_technician", args=[pk]) + "#horaires")
    return _technician_page(request, user, technician, hours_form=form, status=422)


@login_required
@require_POST
def absence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    technician = _technician(user, pk)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            absence, visits = services.absence_add(
                technician=technician, by=user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if visits:
                messages.warning(
                    request,
                    ngettext(
                        "Absence enregistrée. %(count)s rendez-vous confirmé tombe pendant "
                        "cette absence : déplacez-le (liste ci-dessous).",
                        "Absence enregistrée. %(count)s rendez-vous confirmés tombent pendant "
                        "cette absence : déplacez-les (liste ci-dessous).",
                        len(visits),
                    )
                    % {"count": len(visits)},
                )
            else:
                messages.success(request, _("Absence enregistrée."))
            url = reverse("scheduling:settings_technician", args=[pk])
            return redirect(f"{url}?absence={absence.pk}#absences")
    return _technician_page(request, user, technician, absence_form=form, status=422)


@login_required
@require_POST
def absence_delete(request: HttpRequest, pk: int, absence_pk: int) -> HttpResponse:
    user = _manager(request)
    technician = _technician(user, pk)
    absence = Absence.objects.filter(technician=technician, pk=absence_pk).first()
    if absence is None:
        raise Http404
    services.absence_delete(absence=absence, by=user)
    messages.success(request, _("Absence supprimée."))
    return redirect(reverse("scheduling:settings_technician", args=[pk]) + "#absences")


# --- skills ------------------------------------------------------------------------------


def _skills_page(
    request: HttpRequest, user: Any, *, form: SkillForm | None = None, status: int = 200
) -> HttpResponse:
    rows = (
        Skill.objects.filter(workspace_id=user.workspace_id)
        .annotate(
            services_count=Count("servicetype", distinct=True),
            technicians_count=Count(
                "technician", filter=Q(technician__is_active=True), distinct=True
            ),
        )
        .order_by("name")
    )
    return render(
        request,
        "scheduling/settings/skills.html",
        {"skills": rows, "form": form or SkillForm(), **_nav("skills", user)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def skills(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method != "POST":
        return _skills_page(request, user)
    user = _manager(request)
    form = SkillForm(request.POST)
    if form.is_valid():
        try:
            skill = services.skill_create(by=user, name=form.cleaned_data["name"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Compétence « %(name)s » ajoutée.") % {"name": skill.name})
            return redirect("scheduling:settings_skills")
    return _skills_page(request, user, form=form, status=422)


def _skill(user: Any, pk: int) -> Skill:
    found = Skill.objects.filter(workspace_id=user.workspace_id, pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def skill_rename(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    skill = _skill(user, pk)
    try:
        services.skill_rename(skill=skill, by=user, name=request.POST.get("name", ""))
    except ValidationError as error:
        for text in _error_text(error):
            messages.error(request, text)
    else:
        messages.success(request, _("Compétence renommée."))
    return redirect("scheduling:settings_skills")


@login_required
@require_POST
def skill_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    skill = _skill(user, pk)
    try:
        services.skill_delete(skill=skill, by=user)
    except ValidationError as error:
        for text in _error_text(error):
            messages.error(request, text)
    else:
        messages.success(request, _("Compétence supprimée."))
    return redirect("scheduling:settings_skills")


# --- service types -----------------------------------------------------------------------


@login_required
@require_GET
def service_types(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    rows = (
        ServiceType.objects.filter(workspace_id=user.workspace_id)
        .select_related("skill")
        .order_by("-is_active", "position", "name")
    )
    return render(
        request,
        "scheduling/settings/services.html",
        {"services": rows, **_nav("services", user)},
    )


def _service_form_page(
    request: HttpRequest, user: Any, service: ServiceType | None, form: ServiceTypeForm, status: int
) -> HttpResponse:
    return render(
        request,
        "scheduling/settings/service_form.html",
        {"service": service, "form": form, **_nav("services", user)},
        status=status,
    )


def _service_edit(request: HttpRequest, service: ServiceType | None) -> HttpResponse:
    user = _member(request)
    skills = Skill.objects.filter(workspace_id=user.workspace_id)
    if request.method != "POST":
        initial: dict[str, Any] = {"duration_minutes": 60, "buffer_minutes": 15, "is_active": True}
        if service is not None:
            initial = {
                name: getattr(service, name)
                for name in ServiceTypeForm.base_fields
                if name != "skill"
            }
            initial["skill"] = service.skill_id
        form = ServiceTypeForm(skills=skills, initial=initial)
        return _service_form_page(request, user, service, form, 200)
    user = _manager(request)
    form = ServiceTypeForm(request.POST, skills=skills)
    if form.is_valid():
        try:
            saved = services.service_type_save(by=user, service=service, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Prestation « %(name)s » enregistrée.") % {"name": saved.name}
            )
            return redirect("scheduling:settings_services")
    if service is not None:
        service.refresh_from_db()
    return _service_form_page(request, user, service, form, 422)


@login_required
@require_http_methods(["GET", "POST"])
def service_type_new(request: HttpRequest) -> HttpResponse:
    return _service_edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def service_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    service = ServiceType.objects.filter(workspace_id=user.workspace_id, pk=pk).first()
    if service is None:
        raise Http404
    return _service_edit(request, service)


# --- booking rules -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def booking_rules(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    rules, _created = BookingSettings.objects.get_or_create(workspace_id=user.workspace_id)
    status = 200
    if request.method == "POST":
        user = _manager(request)
        form = BookingSettingsForm(request.POST, instance=rules)
        if form.is_valid():
            try:
                services.booking_settings_update(by=user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Règles de réservation enregistrées."))
                return redirect("scheduling:settings_booking")
        status = 422
    else:
        form = BookingSettingsForm(instance=rules)
    public_url = request.build_absolute_uri(f"/r/{user.workspace.slug}/")
    return render(
        request,
        "scheduling/settings/booking.html",
        {"form": form, "public_url": public_url, **_nav("booking", user)},
        status=status,
    )


# --- « Délai de prise de RDV » -------------------------------------------------------------


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


@login_required
@require_GET
def lead_times(request: HttpRequest) -> HttpResponse:
    """Median and 90th percentile of the time from first request to confirmation."""
    user = _member(request)
    if not user.can_view_colleagues:
        raise PermissionDenied
    tz = _tz(user)
    today = timezone.localtime(timezone.now(), tz).date()
    start, end = reports.default_period(today)
    errors: list[str] = []
    raw_start, raw_end = request.GET.get("du", ""), request.GET.get("au", "")
    if raw_start or raw_end:
        wanted_start = _date(raw_start) if raw_start else start
        wanted_end = _date(raw_end) if raw_end else end
        if wanted_start is None or wanted_end is None:
            errors.append(_("Une date comme 2025-03-20 : la période par défaut est affichée."))
        elif wanted_end < wanted_start:
            errors.append(_("La fin de la période est avant son début : période par défaut."))
        elif (wanted_end - wanted_start).days > REPORT_MAX_DAYS:
            errors.append(_("Deux ans au plus : période par défaut."))
        else:
            start, end = wanted_start, wanted_end
    report = reports.lead_time_report(workspace_id=user.workspace_id, start=start, end=end, tz=tz)
    cancelled = Visit.objects.filter(
        workspace_id=user.workspace_id,
        status=VisitStatus.CANCELLED,
        confirmed_at__date__gte=start,
        confirmed_at__date__lte=end,
    ).count()
    return render(
        request,
        "scheduling/report/lead_times.html",
        {
            "report": report,
            "errors": errors,
            "cancelled": cancelled,
            "target": reports.TARGET_REMINDER,
            "weeks_desc": list(reversed(report.weeks)),
        },
    )
