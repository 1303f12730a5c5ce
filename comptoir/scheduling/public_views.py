"""Public booking pages: /r/<workspace>/, no account, mobile first.

Service → address → slot → details → summary → confirmation, then a private link to see,
move or cancel the appointment. What was chosen travels in one signed field, so no cookie is
needed; the slot is checked again at confirmation and, if it was just taken, the next free
ones are offered without losing anything typed.

The forms are not protected by Django's CSRF cookie: nobody is signed in here, a booking
needs nothing but what a visitor could type themselves, and a visit is only reachable through
its unguessable link. The posts are rate-limited per client instead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.models import Workspace
from comptoir.activities.models import format_minutes
from comptoir.lib.phone import format_phone, try_normalize_phone
from comptoir.scheduling import notify, ratelimit
from comptoir.scheduling.customers import book_online, online_window
from comptoir.scheduling.models import Channel, ServiceType, Visit
from comptoir.scheduling.public_forms import (
    AddressForm,
    CancelForm,
    DetailsForm,
    dump_state,
    load_state,
    new_state,
    parse_start,
    requested_at,
)
from comptoir.scheduling.services import SlotTaken, visit_cancel, visit_reschedule
from comptoir.scheduling.slots import (
    Need,
    Slot,
    booking_settings,
    find_slots,
    locate,
    qualified_technicians,
)

STEPS = 5
DETAIL_FIELDS = ("name", "phone", "email", "message")


# --- formats ------------------------------------------------------------------------------


def hm(moment: dt.datetime) -> str:
    """« 8 h 00 », « 14 h 30 »: a time in prose."""
    return f"{moment.hour} h {moment.minute:02d}"


def hm_short(moment: dt.datetime) -> str:
    """« 8 h », « 14 h 30 »: a slot button's compact time."""
    return f"{moment.hour} h" if not moment.minute else f"{moment.hour} h {moment.minute:02d}"


def long_day(day: dt.date, *, year: bool = False) -> str:
    """« jeudi 20 mars » (« jeudi 20 mars 2025 » with the year), in the active language."""
    return dateformat.format(day, "l j F Y" if year else "l j F")


def slot_name(start: dt.datetime, end: dt.datetime) -> str:
    """The accessible name of a slot button: « jeudi 20 mars, de 8 h 00 à 9 h 00, disponible »."""
    return _("%(day)s, de %(start)s à %(end)s, disponible") % {
        "day": long_day(start.date()),
        "start": hm(start),
        "end": hm(end),
    }


# --- context ------------------------------------------------------------------------------


class Booking:
    """The page's context: the workspace, its rules and zone, what the visitor chose so far."""

    def __init__(self, request: HttpRequest, slug: str, raw_state: str | None = None) -> None:
        self.request = request
        self.workspace = get_object_or_404(Workspace, slug=slug)
        self.tz = ZoneInfo(self.workspace.timezone)
        timezone.activate(self.tz)
        self.rules = booking_settings(self.workspace.pk)
        loaded = load_state(raw_state)
        self.fresh = loaded is None
        self.state: dict[str, Any] = loaded or new_state()
        lang = request.GET.get("lang") or request.POST.get("lang") or self.state.get("l")
        if lang not in dict(settings.LANGUAGES):
            lang = self.workspace.locale
        elif lang != self.workspace.locale:
            self.state["l"] = lang
        translation.activate(lang)
        request.LANGUAGE_CODE = lang

    # what was chosen

    @property
    def service(self) -> ServiceType | None:
        code = self.state.get("service")
        if not code:
            return None
        return online_services(self.workspace).filter(code=code).first()

    @property
    def address(self) -> dict[str, str] | None:
        found = {k: str(self.state.get(k) or "") for k in ("street", "postcode", "city")}
        return found if found["postcode"] else None

    @property
    def start(self) -> dt.datetime | None:
        value = parse_start(self.state.get("slot"))
        return timezone.localtime(value, self.tz) if value else None

    @property
    def details(self) -> dict[str, str] | None:
        found = {k: str(self.state.get(k) or "") for k in DETAIL_FIELDS}
        return found if found["name"] else None

    def signed(self, **changes: Any) -> str:
        return dump_state({**self.state, **changes})

    def signed_for_url(self, **changes: Any) -> str:
        """The state without personal details, for links (URLs end up in logs)."""
        kept = {k: v for k, v in self.state.items() if k not in DETAIL_FIELDS}
        return dump_state({**kept, **changes})

    def url(self, name: str, **query: str) -> str:
        path = reverse(f"scheduling:{name}", args=[self.workspace.slug])
        return f"{path}?{urlencode(query)}" if query else path

    @property
    def phone(self) -> str:
        e164 = try_normalize_phone(self.workspace.phone or "")
        return format_phone(e164) if e164 else self.workspace.phone

    @property
    def phone_href(self) -> str:
        e164 = try_normalize_phone(self.workspace.phone or "")
        return f"tel:{e164}" if e164 else ""

    def context(self, step: int = 0, **extra: Any) -> dict[str, Any]:
        service = self.service
        start = self.start
        return {
            "booking": self,
            "workspace": self.workspace,
            "company_phone": self.phone,
            "company_phone_href": self.phone_href,
            "step": step,
            "steps": STEPS,
            "service": service,
            "service_duration": format_minutes(service.duration_minutes) if service else "",
            "address": self.address,
            "start": start,
            "end": start + dt.timedelta(minutes=service.duration_minutes)
            if start and service
            else None,
            "start_label": long_day(start.date(), year=True) if start else "",
            "rules": self.rules,
            **extra,
        }


def online_services(workspace: Workspace) -> Any:
    return ServiceType.objects.filter(workspace=workspace, bookable_online=True, is_active=True)


def _closed(booking: Booking) -> HttpResponse | None:
    if booking.rules.online_enabled:
        return None
    return render(booking.request, "scheduling/public/closed.html", booking.context(), status=503)


def _limited(booking: Booking, kind: str) -> HttpResponse | None:
    verdict = ratelimit.hit(booking.request, kind, workspace=booking.workspace.slug)
    if verdict.allowed:
        return None
    response = render(
        booking.request,
        "scheduling/public/limited.html",
        booking.context(retry_after=verdict.retry_after),
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _restart(booking: Booking) -> HttpResponse:
    """Back to the first step (state missing, altered, too old, or a service withdrawn)."""
    return redirect(booking.url("public_start"))


# --- slot board ---------------------------------------------------------------------------


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _parse_day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return None


def slot_board(
    booking: Booking,
    *,
    service: ServiceType,
    postcode: str,
    exclude_interaction_id: int | None = None,
) -> dict[str, Any]:
    """One week of free starts, grouped by day, with the chosen day and slot."""
    request = booking.request
    now = timezone.now()
    point = locate(postcode=postcode)
    earliest, _days = online_window(
        booking.workspace.pk, first_day=timezone.localdate(now, booking.tz), days=1
    )
    first_monday = _monday(timezone.localtime(earliest, booking.tz).date())
    last_day = timezone.localtime(now + dt.timedelta(days=booking.rules.horizon_days)).date()

    def need(start: dt.datetime, days: int) -> Need:
        return Need(
            service=service,
            earliest=start,
            days=days,
            point=point,
            postcode=postcode,
            exclude_interaction_id=exclude_interaction_id,
        )

    week = _parse_day(request.GET.get("semaine"))
    if week is None:
        # The first week with a free slot, so nobody lands on a full week.
        _earliest, horizon = online_window(booking.workspace.pk, first_day=first_monday, days=400)
        first = find_slots(need(earliest, horizon), limit=1)
        week = timezone.localtime(first[0].start, booking.tz).date() if first else first_monday
    week = max(_monday(week), first_monday)
    if week > last_day:
        week = _monday(last_day)
    window_start, days = online_window(booking.workspace.pk, first_day=week, days=7)
    days = min(days, (week + dt.timedelta(days=7) - window_start.date()).days)
    slots = find_slots(need(window_start, days), limit=2000, distinct_starts=True) if days else []
    by_day: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_day[timezone.localtime(slot.start, booking.tz).date()].append(slot)
    chosen_day = _parse_day(request.GET.get("jour"))
    if chosen_day not in by_day:
        chosen_day = min(by_day) if by_day else None
    choice = parse_start(request.GET.get("choix"))
    tabs = []
    for offset in range(7):
        day = week + dt.timedelta(days=offset)
        if day.weekday() >= 5 and day not in by_day:
            continue  # weekends only when someone works then
        tabs.append(
            {
                "day": day,
                "count": len(by_day.get(day, [])),
                "selected": day == chosen_day,
                "label": dateformat.format(day, "D j"),
                "long": long_day(day),
            }
        )
    shown = []
    for slot in by_day.get(chosen_day, []) if chosen_day else []:
        start = timezone.localtime(slot.start, booking.tz)
        end = timezone.localtime(slot.end, booking.tz)
        shown.append(
            {
                "value": start.isoformat(),
                "text": f"{hm_short(start)} – {hm_short(end)}",
                "name": slot_name(start, end),
                "pressed": choice is not None and choice == slot.start,
            }
        )
    next_week = week + dt.timedelta(days=7)
    return {
        "week": week,
        "tabs": tabs,
        "chosen_day": chosen_day,
        "chosen_day_label": long_day(chosen_day) if chosen_day else "",
        "slots": shown,
        "choice": choice.isoformat() if choice else "",
        "previous_week": week - dt.timedelta(days=7) if week > first_monday else None,
        "next_week": next_week if next_week <= last_day else None,
        "week_empty": not slots,
    }


# --- booking steps ------------------------------------------------------------------------


@require_GET
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: what is it about? Only the services the company books online."""
    booking = Booking(request, slug, request.GET.get("s"))
    if closed := _closed(booking):
        return closed
    services = [
        {
            "service": service,
            "duration": format_minutes(service.duration_minutes),
            "url": booking.url("public_address", s=booking.signed(service=service.code)),
        }
        for service in online_services(booking.workspace)
    ]
    return render(request, "scheduling/public/start.html", booking.context(1, services=services))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def address(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 2: where? A postcode outside every technician's zone is said plainly."""
    raw = request.POST.get("s") if request.method == "POST" else request.GET.get("s")
    booking = Booking(request, slug, raw)
    if closed := _closed(booking):
        return closed
    service = booking.service
    if service is None:
        return _restart(booking)
    out_of_zone = ""
    if request.method == "POST":
        if limited := _limited(booking, "form"):
            return limited
        form = AddressForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            need = Need(
                service=service,
                earliest=timezone.now(),
                postcode=data["postcode"],
                point=locate(postcode=data["postcode"], city=data["city"]),
            )
            if qualified_technicians(need):
                return redirect(
                    booking.url(
                        "public_slots",
                        s=booking.signed_for_url(
                            street=data["street"], postcode=data["postcode"], city=data["city"]
                        ),
                    )
                )
            out_of_zone = _(
                "Nous n'intervenons pas encore à %(postcode)s pour cette prestation. "
                "Appelez-nous au %(phone)s : nous chercherons une solution avec vous."
            ) % {"postcode": data["postcode"], "phone": booking.phone}
    else:
        form = AddressForm(initial=booking.address or {})
    return render(
        request,
        "scheduling/public/address.html",
        booking.context(
            2,
            form=form,
            out_of_zone=out_of_zone,
            back_url=booking.url("public_start", s=booking.signed_for_url()),
        ),
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def slots(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 3: when? Real free slots, a week at a time, in Paris time."""
    booking = Booking(request, slug, request.GET.get("s"))
    if closed := _closed(booking):
        return closed
    service, place = booking.service, booking.address
    if service is None or place is None:
        return _restart(booking)
    board = slot_board(booking, service=service, postcode=place["postcode"])
    return render(
        request,
        "scheduling/public/slots.html",
        booking.context(
            3,
            board=board,
            signed=booking.signed(),
            board_url=booking.url("public_slots"),
            next_url=booking.url("public_details"),
            back_url=booking.url("public_address", s=booking.signed_for_url()),
        ),
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 4: who? (From the slot step, or back from the summary to correct something.)"""
    raw = request.POST.get("s") if request.method == "POST" else request.GET.get("s")
    booking = Booking(request, slug, raw)
    if closed := _closed(booking):
        return closed
    chosen = parse_start(request.GET.get("slot")) if request.method == "GET" else None
    if chosen is not None:
        booking.state["slot"] = chosen.isoformat()
    if booking.service is None or booking.address is None:
        return _restart(booking)
    if booking.start is None:
        return redirect(booking.url("public_slots", s=booking.signed_for_url()))
    form = DetailsForm(initial=booking.details or {}, postcode=booking.address["postcode"])
    return _details_page(booking, form)


def _details_page(booking: Booking, form: DetailsForm, status: int = 200) -> HttpResponse:
    return render(
        booking.request,
        "scheduling/public/details.html",
        booking.context(
            4,
            form=form,
            signed=booking.signed(),
            back_url=booking.url("public_slots", s=booking.signed_for_url()),
        ),
        status=status,
    )


@csrf_exempt
@require_POST
def summary(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 5: everything on one screen before confirming."""
    booking = Booking(request, slug, request.POST.get("s"))
    if closed := _closed(booking):
        return closed
    if booking.fresh or booking.service is None or booking.address is None:
        return _restart(booking)
    if limited := _limited(booking, "form"):
        return limited
    chosen = parse_start(request.POST.get("slot"))
    if chosen is not None:
        booking.state["slot"] = chosen.isoformat()
    if booking.start is None:
        return redirect(booking.url("public_slots", s=booking.signed_for_url()))
    if "name" in request.POST:
        form = DetailsForm(request.POST, postcode=booking.address["postcode"])
        if not form.is_valid():
            return _details_page(booking, form, status=422)
        booking.state.update({k: form.cleaned_data[k] for k in DETAIL_FIELDS})
    if booking.details is None:
        return _details_page(booking, DetailsForm(postcode=booking.address["postcode"]))
    return _summary_page(booking)


def _summary_page(
    booking: Booking,
    *,
    errors: list[str] | None = None,
    alternatives: list[Slot] | None = None,
    status: int = 200,
) -> HttpResponse:
    offered = []
    for slot in alternatives or []:
        start = timezone.localtime(slot.start, booking.tz)
        end = timezone.localtime(slot.end, booking.tz)
        offered.append(
            {
                "value": start.isoformat(),
                "text": f"{dateformat.format(start, 'l j F')} · {hm(start)} – {hm(end)}",
                "name": slot_name(start, end),
            }
        )
    return render(
        booking.request,
        "scheduling/public/summary.html",
        booking.context(
            5,
            details=booking.details,
            signed=booking.signed(),
            errors=errors or [],
            alternatives=offered,
            back_url=booking.url("public_slots", s=booking.signed_for_url(slot="")),
        ),
        status=status,
    )


@csrf_exempt
@require_POST
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Book: the slot is checked again; taken → the next free ones, nothing lost."""
    booking = Booking(request, slug, request.POST.get("s"))
    if closed := _closed(booking):
        return closed
    if limited := _limited(booking, "booking"):
        return limited
    service, place, start, who = booking.service, booking.address, booking.start, booking.details
    if booking.fresh or service is None or place is None or start is None or who is None:
        return _restart(booking)
    try:
        visit = book_online(
            service=service,
            starts_at=start,
            channel=Channel.ONLINE,
            name=who["name"],
            phone=who["phone"],
            email=who["email"],
            street=place["street"],
            postcode=place["postcode"],
            city=place["city"],
            message=who["message"],
            requested_at=requested_at(booking.state),
        )
    except SlotTaken as taken:
        return _summary_page(
            booking,
            errors=[
                _(
                    "Ce créneau vient d'être pris par quelqu'un d'autre. Choisissez l'un des "
                    "suivants : vos coordonnées sont conservées."
                )
            ],
            alternatives=taken.alternatives,
            status=409,
        )
    except ValidationError as error:
        return _summary_page(booking, errors=error.messages, status=422)
    return redirect(_visit_url(visit) + "?confirme=1")


# --- the visit's private link -------------------------------------------------------------


def _visit_url(visit: Visit, name: str = "public_manage") -> str:
    return reverse(f"scheduling:{name}", args=[visit.workspace.slug, visit.public_token])


def _visit(booking: Booking, token: str) -> Visit:
    """The visit of this link in this workspace; anything else is a 404."""
    try:
        return Visit.objects.select_related(
            "workspace", "service_type", "technician__user", "interaction__site"
        ).get(workspace=booking.workspace, public_token=token)
    except Visit.DoesNotExist:
        raise Http404 from None


def changeable(visit: Visit) -> bool:
    """Moved or cancelled online only while confirmed and before the notice period."""
    notice = dt.timedelta(hours=booking_settings(visit.workspace_id).change_notice_hours)
    return visit.is_confirmed and timezone.now() < visit.starts_at - notice


def _visit_context(booking: Booking, visit: Visit, **extra: Any) -> dict[str, Any]:
    start = timezone.localtime(visit.starts_at, booking.tz)
    end = start + dt.timedelta(
        minutes=visit.interaction.duration_minutes or visit.service_type.duration_minutes
    )
    site = visit.interaction.site
    return booking.context(
        0,
        visit=visit,
        visit_service=visit.service_type,
        visit_day=long_day(start.date(), year=True),
        visit_window=_("de %(start)s à %(end)s") % {"start": hm(start), "end": hm(end)},
        visit_address=site.address_line if site else "",
        changeable=changeable(visit),
        notice_hours=booking.rules.change_notice_hours,
        manage_url=_visit_url(visit),
        ics_url=_visit_url(visit, "public_visit_ics"),
        reschedule_url=_visit_url(visit, "public_reschedule"),
        cancel_url=_visit_url(visit, "public_cancel"),
        **extra,
    )


@require_GET
def visit_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The confirmation page, and later the page of the link sent to the customer."""
    booking = Booking(request, slug)
    visit = _visit(booking, token)
    flash = ""
    if request.GET.get("confirme"):
        flash = "booked"
    elif request.GET.get("deplace"):
        flash = "moved"
    elif request.GET.get("annule"):
        flash = "cancelled"
    return render(
        request,
        "scheduling/public/visit.html",
        _visit_context(booking, visit, flash=flash, restart_url=booking.url("public_start")),
    )


@require_GET
def visit_ics(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """« Ajouter à mon agenda »: the appointment as an .ics file."""
    booking = Booking(request, slug)
    visit = _visit(booking, token)
    response = HttpResponse(
        notify.visit_download(visit), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-{visit.reference}.ics"'
    return response


def _too_late(booking: Booking, visit: Visit) -> HttpResponse:
    return render(
        booking.request,
        "scheduling/public/visit.html",
        _visit_context(booking, visit, flash="too_late"),
        status=409 if visit.is_confirmed else 410,
    )


@require_GET
def reschedule(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Pick another slot for the same job (same flow as booking)."""
    booking = Booking(request, slug)
    visit = _visit(booking, token)
    if not changeable(visit):
        return _too_late(booking, visit)
    site = visit.interaction.site
    board = slot_board(
        booking,
        service=visit.service_type,
        postcode=site.postcode if site else "",
        exclude_interaction_id=visit.interaction_id,
    )
    return render(
        request,
        "scheduling/public/reschedule.html",
        _visit_context(
            booking,
            visit,
            board=board,
            board_url=_visit_url(visit, "public_reschedule"),
            next_url=_visit_url(visit, "public_reschedule_confirm"),
        ),
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def reschedule_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Old and new time side by side, then move (checked again: taken → say so)."""
    booking = Booking(request, slug)
    visit = _visit(booking, token)
    if not changeable(visit):
        return _too_late(booking, visit)
    source = request.POST if request.method == "POST" else request.GET
    new_start = parse_start(source.get("slot"))
    if new_start is None:
        return redirect(_visit_url(visit, "public_reschedule"))
    new_start = timezone.localtime(new_start, booking.tz)
    errors: list[str] = []
    if request.method == "POST":
        if limited := _limited(booking, "booking"):
            return limited
        try:
            visit_reschedule_online(visit, new_start)
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect(_visit_url(visit) + "?deplace=1")
    new_end = new_start + dt.timedelta(minutes=visit.service_type.duration_minutes)
    return render(
        request,
        "scheduling/public/reschedule_confirm.html",
        _visit_context(
            booking,
            visit,
            new_value=new_start.isoformat(),
            new_day=long_day(new_start.date(), year=True),
            new_window=_("de %(start)s à %(end)s") % {"start": hm(new_start), "end": hm(new_end)},
            errors=errors,
            board_url=_visit_url(visit, "public_reschedule"),
        ),
        status=409 if errors else 200,
    )


def visit_reschedule_online(visit: Visit, starts_at: dt.datetime) -> Visit:
    """Move to ``starts_at`` with whichever qualified technician is free then."""
    window_start, _days = online_window(
        visit.workspace_id, first_day=timezone.localdate(timezone.now()), days=1
    )
    if starts_at < window_start:
        raise ValidationError(
            {"starts_at": _("Ce créneau est trop proche : choisissez-en un plus tard.")}
        )
    site = visit.interaction.site
    postcode = site.postcode if site else ""
    free = find_slots(
        Need(
            service=visit.service_type,
            earliest=starts_at,
            days=1,
            point=locate(postcode=postcode),
            postcode=postcode,
            exclude_interaction_id=visit.interaction_id,
        ),
        limit=500,
    )
    slot = next((s for s in free if s.start == starts_at), None)
    if slot is None:
        raise ValidationError(
            {"starts_at": _("Ce créneau vient d'être pris : choisissez-en un autre.")}
        )
    technician = visit.technician
    if slot.technician_id != technician.pk and not any(
        s.start == starts_at and s.technician_id == technician.pk for s in free
    ):
        technician = type(technician).objects.select_related("user").get(pk=slot.technician_id)
    return visit_reschedule(
        visit=visit, starts_at=starts_at, technician=technician, channel=Channel.ONLINE
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Cancel the appointment (a confirmation step first)."""
    booking = Booking(request, slug)
    visit = _visit(booking, token)
    if not changeable(visit):
        return _too_late(booking, visit)
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        if limited := _limited(booking, "booking"):
            return limited
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            visit_cancel(
                visit=visit,
                reason=_("Annulé en ligne par le client") + (f" : {reason}" if reason else ""),
            )
            return redirect(_visit_url(visit) + "?annule=1")
    return render(
        request, "scheduling/public/cancel.html", _visit_context(booking, visit, form=form)
    )
