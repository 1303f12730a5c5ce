"""Staff views of scheduling: « Prendre RDV » on the phone and the planning board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.activities import selectors as activities
from comptoir.activities import services as activity_services
from comptoir.activities.models import Interaction, State, format_minutes
from comptoir.contacts import selectors as contacts
from comptoir.contacts.models import Company
from comptoir.lib.htmx import is_htmx
from comptoir.lib.phone import format_phone
from comptoir.scheduling import selectors
from comptoir.scheduling.forms import BookingNeedForm, PlanningMoveForm
from comptoir.scheduling.models import Channel, Technician, WorkingHours
from comptoir.scheduling.services import SlotTaken, visit_book, visit_reschedule
from comptoir.scheduling.slots import Need, Slot, conflicts, find_slots
from comptoir.tickets.selectors import ticket_for_request

PLANNING_MAX_DAYS = 62
BOARD_HOURS = (7, 20)  # the board shows 7:00-20:00; the rest of the day is off hours anyway
OPENED_SALT = "comptoir.scheduling.booking-opened"
STATE_COLORS = {
    State.OPEN: ("#e7f0fb", "#0b3d75"),
    State.IN_PROGRESS: ("#fff1cc", "#6b4a00"),
    State.DONE: ("#dcf3e3", "#14532d"),
}


def _user(request: HttpRequest) -> Any:
    return request.user


def _tz(user: Any) -> ZoneInfo:
    return ZoneInfo(user.workspace.timezone)


def _error_text(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for items in error.message_dict.values() for m in items]
    return list(error.messages)


def hour_label(value: dt.datetime) -> str:
    """« 8 h 00 », « 14 h 30 »: how a time is said."""
    return f"{value.hour} h {value.minute:02d}"


def _first_name(technician: Technician) -> str:
    return technician.user.first_name or technician.name


# --- « Prendre RDV » -----------------------------------------------------------------------


def _booking_subjects(request: HttpRequest, user: Any, data: Any) -> dict[str, Any]:
    """The customer, site and request named in the URL (or the form), each of this workspace."""

    def pick(qs: Any, name: str) -> Any:
        raw = data.get(name, "")
        if not raw:
            return None
        if not str(raw).isdigit():
            raise Http404
        found = qs.filter(pk=raw).first()
        if found is None:
            raise Http404
        return found

    person = pick(contacts.people_for(user), "person")
    company = pick(contacts.companies_for(user), "company")
    site = pick(contacts.sites_for(user).select_related("person", "company"), "site")
    origin = None
    raw_request = data.get("request", "")
    if raw_request:
        if not str(raw_request).isdigit():
            raise Http404
        try:
            origin = activities.interaction_detail(user, int(raw_request))
        except Interaction.DoesNotExist:
            raise Http404 from None
    if origin is not None and person is None and company is None:
        person, company = origin.person, origin.company
        site = site or origin.site
    if site is not None and person is None and company is None:
        person, company = site.person, site.company
    phone = str(data.get("phone", "")).strip()[:40]
    callers: list[Any] = []
    if phone and person is None and company is None:
        # « Prendre RDV » from a call: the caller's number picks the customer.
        callers = contacts.callers_matching(user, phone)
        if len(callers) == 1:
            (caller,) = callers
            if isinstance(caller, Company):
                company = contacts.companies_for(user).get(pk=caller.pk)
            else:
                person = contacts.people_for(user).get(pk=caller.pk)
    sites = contacts.sites_for(user).none()
    if person is not None:
        sites = contacts.sites_for(user).filter(person=person)
    elif company is not None:
        sites = contacts.sites_for(user).filter(company=company)
    if site is not None and not sites.filter(pk=site.pk).exists():
        raise Http404
    return {
        "person": person,
        "company": company,
        "site": site,
        "origin": origin,
        "sites": sites,
        "phone": phone if person is None and company is None else "",
        "callers": [
            {
                "name": str(caller),
                "query": urlencode(
                    {"company" if isinstance(caller, Company) else "person": caller.pk}
                ),
            }
            for caller in callers
        ]
        if len(callers) > 1
        else [],
    }


def _default_service(user: Any, subjects: dict[str, Any]) -> int | None:
    services = selectors.services_for(user)
    used = selectors.most_used_service(user, person=subjects["person"], company=subjects["company"])
    if used and services.filter(pk=used).exists():
        return used
    first = services.filter(bookable_online=True).first() or services.first()
    return first.pk if first else None


def _need_data(request: HttpRequest, user: Any, subjects: dict[str, Any]) -> dict[str, Any]:
    """The form's values: what was sent, or sensible defaults when the flow opens."""
    data = request.POST if request.method == "POST" else request.GET
    if "service" in data:
        return data.dict()
    site = subjects["site"]
    if site is None:
        site = subjects["sites"].order_by("-is_primary", "id").first()
    customer = subjects["person"] or subjects["company"]
    return {
        "service": _default_service(user, subjects) or "",
        "site": site.pk if site is not None else "",
        "postcode": "" if site is not None else getattr(customer, "postcode", "") or "",
        "earliest": timezone.localdate().isoformat(),
        "channel": Channel.PHONE,
    }


def _opened_at(request: HttpRequest) -> dt.datetime:
    """When the flow was opened, carried signed through the page; now if missing or forged."""
    raw = request.POST.get("opened") or request.GET.get("opened") or ""
    try:
        value = dt.datetime.fromisoformat(signing.loads(raw, salt=OPENED_SALT, max_age=86400))
    except (signing.BadSignature, ValueError, TypeError):
        return timezone.now()
    return min(value, timezone.now())


def _proposals(user: Any, form: BookingNeedForm) -> list[Slot]:
    data = form.cleaned_data
    site = data.get("site")
    now = timezone.now()
    tz = _tz(user)
    if data.get("urgent"):
        earliest = now
    else:
        earliest = max(now, dt.datetime.combine(data["earliest"], dt.time.min, tz))
    place: dict[str, Any] = {}
    if site is not None:
        place["postcode"] = site.postcode
        if site.latitude is not None and site.longitude is not None:
            place["point"] = (float(site.latitude), float(site.longitude))
    else:
        place["postcode"] = data.get("postcode", "")
    need = Need(service=data["service"], earliest=earliest, days=21, **place)
    if data.get("urgent"):
        return find_slots(need, limit=8)
    # Not urgent: a few slots a day, the shortest drives first, over the next working days.
    by_day: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in find_slots(need, limit=300):
        by_day[timezone.localtime(slot.start, tz).date()].append(slot)
    chosen: list[Slot] = []
    for day in sorted(by_day)[:5]:
        best = sorted(by_day[day], key=lambda s: (s.travel_minutes, s.start))[:3]
        chosen.extend(sorted(best, key=lambda s: s.start))
    return chosen


def slot_view(slot: Slot, tz: ZoneInfo) -> dict[str, Any]:
    start = timezone.localtime(slot.start, tz)
    end = timezone.localtime(slot.end, tz)
    travel = _("≈ %(minutes)s min de trajet") % {"minutes": slot.travel_minutes}
    return {
        "value": f"{slot.technician_id}|{start.isoformat()}",
        "day": formats.date_format(start, "D d/m"),
        "day_long": formats.date_format(start, "l j F"),
        "start": hour_label(start),
        "end": hour_label(end),
        "technician": slot.technician_name,
        "travel": travel,
        "label": _("%(day)s, de %(start)s à %(end)s, avec %(name)s, %(travel)s")
        % {
            "day": formats.date_format(start, "l j F"),
            "start": hour_label(start),
            "end": hour_label(end),
            "name": slot.technician_name,
            "travel": travel,
        },
    }


def _grouped(slots: list[Slot], tz: ZoneInfo) -> list[dict[str, Any]]:
    days: dict[str, list[dict[str, Any]]] = {}
    for slot in slots:
        shown = slot_view(slot, tz)
        days.setdefault(shown["day_long"], []).append(shown)
    return [{"day": day, "slots": items} for day, items in days.items()]


def _require_booker(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied(_("Votre rôle ne permet pas de prendre un rendez-vous."))


def _parse_slot(user: Any, raw: str) -> tuple[Technician, dt.datetime]:
    technician_id, _sep, when = raw.partition("|")
    if not technician_id.isdigit():
        raise ValidationError(_("Créneau invalide : choisissez-en un dans la liste."))
    technician = selectors.technicians_for(user).filter(pk=technician_id).first()
    if technician is None:
        raise Http404
    try:
        starts_at = dt.datetime.fromisoformat(when)
    except ValueError:
        raise ValidationError(_("Créneau invalide : choisissez-en un dans la liste.")) from None
    if timezone.is_naive(starts_at):
        starts_at = starts_at.replace(tzinfo=_tz(user))
    return technician, starts_at


def confirmed_message(visit: Any, sent: bool) -> str:
    start = timezone.localtime(visit.starts_at, ZoneInfo(visit.workspace.timezone))
    text = _("RDV confirmé : %(day)s %(time)s avec %(name)s") % {
        "day": formats.date_format(start, "l d/m"),
        "time": hour_label(start),
        "name": _first_name(visit.technician),
    }
    if sent:
        return text + " · " + _("confirmation envoyée")
    return text + " · " + _("aucun téléphone ni e-mail : confirmation non envoyée")


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """« Prendre RDV »: the need, the best slots, one click on a slot books it."""
    user = _user(request)
    _require_booker(user)
    data = request.POST if request.method == "POST" else request.GET
    subjects = _booking_subjects(request, user, data)
    form = BookingNeedForm(
        _need_data(request, user, subjects),
        services=selectors.services_for(user),
        sites=subjects["sites"],
    )
    tz = _tz(user)
    notice = ""
    status = 200
    slots: list[Slot] = []
    if request.method == "POST" and form.is_valid() and request.POST.get("slot"):
        try:
            technician, starts_at = _parse_slot(user, request.POST["slot"])
            cleaned = form.cleaned_data
            origin = subjects["origin"]
            requested_at = _opened_at(request)
            if origin is not None:
                requested_at = min(requested_at, origin.created_at)
            contact = selectors.contact_for(
                person=subjects["person"], company=subjects["company"], site=cleaned.get("site")
            )
            visit = visit_book(
                service=cleaned["service"],
                starts_at=starts_at,
                channel=cleaned["channel"],
                by=user,
                technician=technician,
                person=subjects["person"],
                company=subjects["company"],
                site=cleaned.get("site"),
                postcode="" if cleaned.get("site") else cleaned.get("postcode", ""),
                requested_at=requested_at,
                request=origin,
                **contact,
            )
        except SlotTaken as taken:
            notice = (
                taken.messages[0]
                if taken.closed
                else _("Ce créneau vient d'être pris. Voici les créneaux libres les plus proches.")
            )
            slots = taken.alternatives
            status = 409
        except ValidationError as error:
            notice = " ".join(_error_text(error))
            status = 400
        else:
            sent = bool(contact["contact_phone"] or contact["contact_email"])
            messages.success(request, confirmed_message(visit, sent))
            ticket = ticket_for_request(user.workspace_id, visit.request_id)
            if ticket is not None:  # booked from a ticket: back to it, now « Planifié »
                return redirect(ticket)
            return redirect(visit.interaction.get_absolute_url())
    if form.is_valid() and not slots:
        slots = _proposals(user, form)
    opened = request.POST.get("opened") or request.GET.get("opened")
    if not opened:
        opened = signing.dumps(timezone.now().isoformat(), salt=OPENED_SALT)
    customer = subjects["person"] or subjects["company"]
    context = {
        "form": form,
        "customer": customer,
        "subjects": subjects,
        "origin": subjects["origin"],
        "days": _grouped(slots, tz),
        "notice": notice,
        "opened": opened,
        "urgent": bool(form.is_valid() and form.cleaned_data.get("urgent")),
        "service": form.cleaned_data.get("service") if form.is_valid() else None,
    }
    template = "scheduling/_slots.html" if is_htmx(request) else "scheduling/book.html"
    return render(request, template, context, status=status)


# --- planning board ------------------------------------------------------------------------


def _is_planner(user: Any) -> bool:
    """Office roles see every technician and move their appointments; a technician, his own."""
    return bool(user.can_view_colleagues)


def _board_technicians(request: HttpRequest, user: Any) -> list[Technician]:
    qs = selectors.technicians_for(user)
    if not _is_planner(user):
        return list(qs.filter(user_id=user.pk))
    skill = request.GET.get("skill", "")
    if skill:
        if not skill.isdigit():
            raise Http404
        qs = qs.filter(skills=int(skill))
    chosen = request.GET.get("technician", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        qs = qs.filter(pk=chosen)
    return list(qs.distinct())


def _period(request: HttpRequest, user: Any) -> tuple[dt.datetime, dt.datetime] | None:
    tz = _tz(user)

    def parse(raw: str) -> dt.datetime:
        text = (raw or "").strip().replace(" ", "+")
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min, tz)
        value = dt.datetime.fromisoformat(text)
        return value.replace(tzinfo=tz) if timezone.is_naive(value) else value

    try:
        start = parse(request.GET.get("start", ""))
        end = parse(request.GET.get("end", ""))
    except ValueError:
        return None
    if end <= start or (end - start).days > PLANNING_MAX_DAYS:
        return None
    return start, end


def _floating(value: dt.datetime, tz: ZoneInfo) -> str:
    """Wall-clock time in the workspace's zone, without offset (EventCalendar shows it as is)."""
    return timezone.localtime(value, tz).replace(tzinfo=None).isoformat(timespec="minutes")


def _days(start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> list[dt.date]:
    first = timezone.localtime(start, tz).date()
    last = timezone.localtime(end - dt.timedelta(seconds=1), tz).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _short_name(customer: Any) -> tuple[str, str]:
    """What fits on a short event: (« M. », « Dupont ») for a person, a company's name."""
    if customer is None:
        return "", ""
    if isinstance(customer, Company):
        return "", str(customer)
    return customer.civility, customer.last_name or str(customer)


def board_event(appointment: selectors.Appointment, tz: ZoneInfo, editable: bool) -> dict[str, Any]:
    interaction = appointment.interaction
    visit = appointment.visit
    technician = appointment.technician
    start = timezone.localtime(interaction.starts_at, tz)
    end = timezone.localtime(interaction.ends_at, tz)
    end = max(end, start + dt.timedelta(minutes=15))
    if not appointment.visible:
        return {
            "id": str(interaction.pk),
            "resourceId": str(technician.pk),
            "start": _floating(start, tz),
            "end": _floating(end, tz),
            "title": _("Occupé (privé)"),
            "editable": False,
            "classNames": ["pl-private"],
            "extendedProps": {"private": True},
        }
    background, text = STATE_COLORS.get(State(interaction.state), STATE_COLORS[State.OPEN])
    customer = interaction.customer
    place = interaction.site.city if interaction.site is not None else ""
    title = f"{interaction.glyph} {customer or interaction.subject}"
    if place:
        title += f" · {place}"
    detail = visit.service_type.name if visit is not None else interaction.subject
    civility, short = _short_name(customer)
    return {
        "id": str(interaction.pk),
        "resourceId": str(technician.pk),
        "start": _floating(start, tz),
        "end": _floating(end, tz),
        "title": title,
        "backgroundColor": background,
        "textColor": text,
        "editable": editable and interaction.state != State.DONE,
        "classNames": [f"pl-{interaction.state}", "pl-visit" if visit else "pl-appointment"],
        "extendedProps": {
            "url": interaction.get_absolute_url(),
            "detail": detail,
            "reference": visit.reference if visit is not None else "",
            "state": interaction.get_state_display(),
            "technician": technician.name,
            "technicianId": technician.pk,
            "glyph": interaction.glyph,
            "civility": civility,
            "short": short or interaction.subject,
            "place": place,
            "when": f"{formats.date_format(start, 'D d/m')} {start:%H:%M}–{end:%H:%M}",
            "date": start.date().isoformat(),
            "time": f"{start:%H:%M}",
            "duration": int((end - start).total_seconds() // 60),
            "color": technician.color,
        },
    }


def _off_hours(
    planning: selectors.Planning, days: list[dt.date], tz: ZoneInfo
) -> list[dict[str, Any]]:
    """Background events: hours outside working periods (shaded), holidays (labelled)."""
    events: list[dict[str, Any]] = []
    low, high = BOARD_HOURS
    for technician in planning.technicians:
        hours = planning.hours.get(technician.pk, [])
        for day in days:
            day_start = dt.datetime.combine(day, dt.time(low), tz)
            day_end = dt.datetime.combine(day, dt.time(high), tz)
            holiday = planning.holidays.get(day)
            if holiday:
                events.append(
                    {
                        "id": f"holiday-{technician.pk}-{day.isoformat()}",
                        "resourceId": str(technician.pk),
                        "start": _floating(day_start, tz),
                        "end": _floating(day_end, tz),
                        "display": "background",
                        "title": _("Férié : %(name)s") % {"name": holiday},
                        "classNames": ["pl-holiday"],
                    }
                )
                continue
            periods = sorted(
                (dt.datetime.combine(day, h.starts, tz), dt.datetime.combine(day, h.ends, tz))
                for h in hours
                if h.weekday == day.weekday()
            )
            cursor = day_start
            gaps = []
            for p_start, p_end in periods:
                if p_start > cursor:
                    gaps.append((cursor, min(p_start, day_end)))
                cursor = max(cursor, p_end)
            if cursor < day_end:
                gaps.append((cursor, day_end))
            for g_start, g_end in gaps:
                if g_end <= g_start:
                    continue
                events.append(
                    {
                        "id": f"off-{technician.pk}-{g_start:%Y%m%d%H%M}",
                        "resourceId": str(technician.pk),
                        "start": _floating(g_start, tz),
                        "end": _floating(g_end, tz),
                        "display": "background",
                        "title": "",
                        "classNames": ["pl-off"],
                    }
                )
    return events


def _absence_events(planning: selectors.Planning, tz: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "id": f"absence-{absence.pk}",
            "resourceId": str(absence.technician_id),
            "start": _floating(absence.starts_at, tz),
            "end": _floating(absence.ends_at, tz),
            "display": "background",
            "title": _("Absent : %(reason)s") % {"reason": absence.reason or _("absence")},
            "classNames": ["pl-absence"],
        }
        for absence in planning.absences
    ]


def load_label(
    technician: Technician, planning: selectors.Planning, days: list[dt.date], tz: ZoneInfo
) -> tuple[str, bool]:
    """« 3 h 30 / 5 h »: planned time against the capacity of the working days shown."""
    wanted = set(days)
    planned = sum(
        int((a.interaction.ends_at - a.interaction.starts_at).total_seconds() // 60)
        for a in planning.appointments
        if a.technician.pk == technician.pk
        and timezone.localtime(a.interaction.starts_at, tz).date() in wanted
    )
    weekdays = {h.weekday for h in planning.hours.get(technician.pk, [])}
    working = [d for d in days if d.weekday() in weekdays and d not in planning.holidays]
    capacity = technician.daily_capacity_minutes * len(working)
    label = f"{format_minutes(planned) if planned else '0 h'} / {format_minutes(capacity)}"
    return label, planned > capacity


def _hidden_days(user: Any) -> str:
    """Weekdays nobody works (EventCalendar numbers Sunday 0), hidden from the board."""
    worked = set(
        WorkingHours.objects.filter(workspace_id=user.workspace_id).values_list(
            "weekday", flat=True
        )
    )
    hidden = [(day + 1) % 7 for day in range(7) if day not in worked]
    return ",".join(str(d) for d in sorted(hidden)) if len(hidden) < 7 else "0"


@login_required
@require_GET
def planning(request: HttpRequest) -> HttpResponse:
    """The board (office roles); a technician gets the list of his own day."""
    user = _user(request)
    own = selectors.own_technician(user)
    if not _is_planner(user) and request.GET.get("vue") != "tableau":
        return technician_day(request, user, own)
    filters = {k: request.GET.get(k, "") for k in ("skill", "technician")}
    return render(
        request,
        "scheduling/planning.html",
        {
            "is_planner": _is_planner(user),
            "can_move": _is_planner(user) and user.can_write,
            "skills": selectors.skills_for(user),
            "technicians": selectors.technicians_for(user) if _is_planner(user) else [],
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "view": "week" if request.GET.get("vue") == "semaine" else "day",
            "date": request.GET.get("date", ""),
            "hidden_days": _hidden_days(user),
        },
    )


def technician_day(request: HttpRequest, user: Any, technician: Technician | None) -> HttpResponse:
    tz = _tz(user)
    today = timezone.localdate(timezone=tz)
    try:
        day = (
            dt.date.fromisoformat(request.GET.get("jour", "")) if request.GET.get("jour") else today
        )
    except ValueError:
        day = today
    rows = []
    if technician is not None:
        for appointment in selectors.day_schedule(user, technician, day):
            interaction = appointment.interaction
            customer = interaction.customer
            site = interaction.site
            place = site or customer
            visit = appointment.visit
            contact = selectors.contact_for(
                person=interaction.person, company=interaction.company, site=site
            )
            phone = (visit.contact_phone if visit is not None else "") or contact["contact_phone"]
            rows.append(
                {
                    "interaction": interaction,
                    "visit": visit,
                    "start": hour_label(timezone.localtime(interaction.starts_at, tz)),
                    "end": hour_label(timezone.localtime(interaction.ends_at, tz)),
                    "customer": customer,
                    "address": getattr(place, "address_line", ""),
                    "access": site.access_notes if site is not None else "",
                    "phone": phone,
                    "phone_display": format_phone(phone) if phone else "",
                }
            )
    return render(
        request,
        "scheduling/technician_day.html",
        {
            "technician": technician,
            "day": day,
            "is_today": day == today,
            "previous": (day - dt.timedelta(days=1)).isoformat(),
            "next": (day + dt.timedelta(days=1)).isoformat(),
            "rows": rows,
        },
    )


@login_required
@require_GET
def planning_resources(request: HttpRequest) -> HttpResponse:
    """The board's rows: one per technician, with the load of the period shown."""
    user = _user(request)
    period = _period(request, user)
    if period is None:
        return JsonResponse({"error": _("Période invalide.")}, status=400)
    tz = _tz(user)
    technicians = _board_technicians(request, user)
    planning_data = selectors.planning_for(user, technicians, *period)
    days = _days(*period, tz)
    rows = []
    for technician in technicians:
        load, over = load_label(technician, planning_data, days, tz)
        rows.append(
            {
                "id": str(technician.pk),
                "title": technician.name,
                "extendedProps": {
                    "load": load,
                    "over": over,
                    "skills": ", ".join(s.name for s in technician.skills.all()),
                    "color": technician.color,
                },
            }
        )
    return JsonResponse(rows, safe=False)


@login_required
@require_GET
def planning_events(request: HttpRequest) -> HttpResponse:
    """JSON feed of the board: appointments, absences, off hours and holidays."""
    user = _user(request)
    period = _period(request, user)
    if period is None:
        return JsonResponse({"error": _("Période invalide.")}, status=400)
    tz = _tz(user)
    technicians = _board_technicians(request, user)
    planning_data = selectors.planning_for(user, technicians, *period)
    editable = _is_planner(user) and user.can_write
    events = [board_event(a, tz, editable) for a in planning_data.appointments]
    events += _absence_events(planning_data, tz)
    events += _off_hours(planning_data, _days(*period, tz), tz)
    return JsonResponse(events, safe=False)


def _move_time(raw: str, tz: ZoneInfo) -> dt.datetime:
    value = dt.datetime.fromisoformat(raw.strip().replace(" ", "+"))
    return value.replace(tzinfo=tz) if timezone.is_naive(value) else value


@login_required
@require_POST
def planning_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A drag, a resize or « Déplacer… »: re-validated here; refused moves say why (400)."""
    user = _user(request)
    try:
        interaction = activities.interaction_detail(user, pk)
    except Interaction.DoesNotExist:
        raise Http404 from None
    if not (_is_planner(user) and user.can_write):
        return JsonResponse(
            {"error": _("Votre rôle ne permet pas de déplacer un rendez-vous.")}, status=403
        )
    form = PlanningMoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("Déplacement invalide.")}, status=400)
    tz = _tz(user)
    data = form.cleaned_data
    try:
        starts_at = _move_time(data["start"], tz)
        ends_at = _move_time(data["end"], tz) if data["end"] else None
    except ValueError:
        return JsonResponse({"error": _("Date invalide.")}, status=400)
    minutes = data["duration"] or (
        int((ends_at - starts_at).total_seconds() // 60)
        if ends_at
        else interaction.duration_minutes or 60
    )
    if minutes <= 0:
        return JsonResponse({"error": _("La fin doit suivre le début.")}, status=400)
    technicians = selectors.technicians_for(user)
    if data["technician"]:
        technician = technicians.filter(pk=data["technician"]).first()
        if technician is None:
            raise Http404
    else:
        technician = technicians.filter(user_id=interaction.owner_id).first()
        if technician is None:
            raise Http404
    visit = selectors.visits_for(user).filter(interaction_id=interaction.pk).first()
    try:
        if visit is not None:
            visit_reschedule(
                visit=visit,
                starts_at=starts_at,
                by=user,
                technician=technician,
                duration_minutes=minutes,
                channel=Channel.STAFF,
            )
        else:
            reasons = conflicts(
                technician=technician,
                start=starts_at,
                end=starts_at + dt.timedelta(minutes=minutes),
                exclude_interaction_id=interaction.pk,
                check_capacity=False,
            )
            if reasons:
                raise ValidationError({"starts_at": reasons})
            if technician.user_id != interaction.owner_id:
                activity_services.interaction_update(
                    interaction=interaction,
                    by=user,
                    starts_at=starts_at,
                    duration_minutes=minutes,
                    owner=technician.user,
                )
            else:
                activity_services.interaction_move(
                    interaction=interaction,
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=minutes),
                    by=user,
                )
    except ValidationError as error:
        reasons = _error_text(error)
        return JsonResponse(
            {
                "error": _("Déplacement refusé : %(why)s") % {"why": " ".join(reasons)},
                "reasons": reasons,
            },
            status=400,
        )
    except PermissionDenied as error:
        return JsonResponse({"error": str(error) or _("Action non autorisée.")}, status=403)
    interaction.refresh_from_db()
    start = timezone.localtime(interaction.starts_at, tz)
    return JsonResponse(
        {
            "message": _("« %(subject)s » : %(day)s %(time)s avec %(name)s.")
            % {
                "subject": interaction.subject,
                "day": formats.date_format(start, "l d/m"),
                "time": hour_label(start),
                "name": technician.name,
            }
        }
    )
