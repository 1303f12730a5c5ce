"""The caller's card of the pop-up and what it offers (pick among matches, attach the number to
a customer, create a customer from it); the call log; a ticket's calls; Réglages › Téléphonie."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.selectors import active_users_for
from comptoir.accounts.services import require_writer
from comptoir.calls import selectors, services
from comptoir.calls.forms import CallLogFilterForm, CallSettingsForm, QuickCustomerForm
from comptoir.calls.models import Call, CallStatus, format_duration
from comptoir.contacts.models import Company, Person
from comptoir.contacts.selectors import (
    companies_for,
    companies_named,
    current_company_names,
    people_for,
    people_named,
)
from comptoir.tickets.models import Ticket
from comptoir.tickets.selectors import tickets_for

PAGE_SIZE = 50


def _call(request: HttpRequest, pk: int) -> Call:
    try:
        return selectors.call_detail(request.user, pk)
    except Call.DoesNotExist:
        raise Http404 from None


def _customer_query(customer: Any, call: Call) -> dict[str, Any]:
    if isinstance(customer, Person):
        return {"person": customer.pk}
    if isinstance(customer, Company):
        return {"company": customer.pk}
    return {"phone": call.customer_e164} if call.customer_e164 else {}


def _links(call: Call, customer: Any) -> dict[str, str]:
    """ "Nouvelle demande" (a phone request for this customer) and "Prendre RDV"."""
    query = _customer_query(customer, call)
    book = reverse("scheduling:book") + (f"?{urlencode(query)}" if query else "")
    request_query = {k: v for k, v in query.items() if k != "phone"}
    request_query["channel"] = "phone"
    request_query["origin"] = f"call:{call.pk}"
    return {
        "new_request": reverse("tickets:create") + f"?{urlencode(request_query)}",
        "book": book,
    }


def _elapsed(call: Call) -> int:
    """Seconds shown by the timer now: talk time once answered, ringing time before."""
    if call.status in (CallStatus.ENDED, CallStatus.MISSED):
        return call.duration
    since = call.answered_at or call.started_at
    return max(0, int((timezone.now() - since).total_seconds()))


def _short_name(customer: Any) -> str:
    """ "C. Durand" for the pill; a company keeps its name."""
    if isinstance(customer, Person):
        initial = f"{customer.first_name[:1]}. " if customer.first_name else ""
        return f"{initial}{customer.last_name}"
    return str(customer) if customer is not None else ""


def _card(request: HttpRequest, call: Call, *, status: int = 200) -> HttpResponse:
    card = selectors.caller_card(request.user, call)
    context = {
        "card": card,
        "call": call,
        "links": _links(call, card.customer),
        "elapsed": _elapsed(call),
        "duration_label": format_duration(call.duration),
        "pill_name": _short_name(card.customer)
        or call.customer_number_display
        or _("Numéro masqué"),
        "can_write": getattr(request.user, "can_write", False),
    }
    return render(request, "calls/_card.html", context, status=status)


@login_required
@require_GET
def card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card of one call (HTML fragment for the pop-up)."""
    return _card(request, _call(request, pk))


def _pick(request: HttpRequest) -> tuple[Person | None, Company | None]:
    raw_person = request.POST.get("person", "")
    raw_company = request.POST.get("company", "")
    person = company = None
    if raw_person:
        person = (
            people_for(request.user).filter(pk=raw_person).first() if raw_person.isdigit() else None
        )
        if person is None:
            raise Http404
    elif raw_company:
        company = (
            companies_for(request.user).filter(pk=raw_company).first()
            if raw_company.isdigit()
            else None
        )
        if company is None:
            raise Http404
    else:
        raise Http404
    return person, company


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """ "C'est lui": the call (and its interaction) belongs to this customer; with
    ``add_phone``, the customer keeps the number."""
    require_writer(request.user)
    call = _call(request, pk)
    person, company = _pick(request)
    try:
        services.call_link_customer(
            call=call,
            by=request.user,
            person=person,
            company=company,
            add_phone=request.POST.get("add_phone") == "1",
        )
    except ValidationError:
        raise Http404 from None
    return _card(request, _call(request, pk))


@login_required
@require_GET
def attach_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Customers named like what was typed, to attach an unknown number to one of them."""
    call = _call(request, pk)
    query = request.GET.get("q", "")
    people = people_named(request.user, query, limit=5)
    companies = companies_named(request.user, query, limit=3)
    return render(
        request,
        "calls/_attach_results.html",
        {
            "call": call,
            "query": query.strip(),
            "people": people,
            "companies": companies,
            "employers": current_company_names(people) if people else {},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Créer un client" from an unknown number: name, and the number already filled in."""
    require_writer(request.user)
    call = _call(request, pk)
    form = QuickCustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.call_customer_create(call=call, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("La fiche de %(name)s est créée avec le %(number)s.")
                % {"name": person, "number": call.customer_number_display},
            )
            return redirect(person)
    return render(request, "calls/customer_form.html", {"form": form, "call": call})


# --- the call log ----------------------------------------------------------------------------


def _member(request: HttpRequest) -> Any:
    user: Any = request.user
    if getattr(user, "workspace_id", None) is None:
        raise PermissionDenied
    return user


def _query(params: dict[str, str], **changes: str) -> str:
    """``?…`` for the current filters with ``changes`` (an empty value removes the filter)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v}
    return "?" + urlencode(merged) if merged else reverse("calls:log")


def _chip(params: dict[str, str], key: str, value: str, label: str) -> dict[str, Any]:
    """A filter chip: a link that sets the filter, or removes it when it is the active one."""
    active = params.get(key) == value
    return {
        "label": label,
        "active": active,
        "url": _query(params, **{key: "" if active else value}),
    }


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """Appels: every call of the workspace, newest first, filtered by chips kept in the URL."""
    user = _member(request)
    form = CallLogFilterForm(request.GET, user=user)
    filters = form.filters()
    calls = selectors.call_log_for(
        user,
        missed=filters["missed"],
        direction=filters["direction"],
        agent_id=filters["agent"],
        since=selectors.period_start(filters["period"]),
    )
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {
        "missed": "1" if filters["missed"] else "",
        "direction": filters["direction"],
        "agent": str(filters["agent"]) if filters["agent"] is not None else "",
        "period": filters["period"],
    }
    params = {k: v for k, v in params.items() if v}
    agent_name = next((str(u) for u in form.colleagues if u.pk == filters["agent"]), "")
    groups = [
        (
            _("État et sens"),
            [
                _chip(params, "missed", "1", _("Manqués")),
                _chip(params, "direction", "in", _("Entrants")),
                _chip(params, "direction", "out", _("Sortants")),
            ],
        ),
        (
            _("Période"),
            [
                _chip(params, "period", "today", _("Aujourd'hui")),
                _chip(params, "period", "7d", _("7 jours")),
                _chip(params, "period", "30d", _("30 jours")),
            ],
        ),
    ]
    return render(
        request,
        "calls/call_log.html",
        {
            "page": page,
            "counts": selectors.call_day_counts(user),
            "groups": groups,
            "params": params,
            "colleagues": form.colleagues,
            "agent_name": agent_name,
            "agent_off_url": _query(params, agent=""),
            "hidden_for_agent": [(k, v) for k, v in params.items() if k != "agent"],
            "query": urlencode(params),
            "missed_today_url": _query({}, missed="1", period="today"),
        },
    )


# --- a ticket's calls ------------------------------------------------------------------------


@login_required
@require_GET
def ticket_calls(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """The panel of a ticket's calls (HTML fragment loaded by the ticket page)."""
    user = _member(request)
    try:
        ticket = tickets_for(user).get(pk=ticket_pk)
    except Ticket.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "calls/_ticket_calls.html",
        {"ticket": ticket, "calls": selectors.calls_for_ticket(user, ticket)},
    )


# --- Réglages › Téléphonie -------------------------------------------------------------------


def _manager(request: HttpRequest) -> Any:
    user = _member(request)
    if not (user.is_manager and user.can_write):
        raise PermissionDenied(
            _("Seuls les administrateurs et les responsables règlent la téléphonie.")
        )
    return user


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Réglages › Téléphonie: call-backs after a missed call, and what the PBX is plugged into."""
    user = _manager(request)
    current = selectors.call_settings_of(user)
    form = CallSettingsForm(initial=CallSettingsForm.initial_for(current), user=user)
    status = 200
    if request.method == "POST":
        form = CallSettingsForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.call_settings_update(by=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Réglages de téléphonie enregistrés."))
                return redirect("calls:settings")
        status = 422
    return render(
        request,
        "calls/settings.html",
        {
            "form": form,
            "current": current,
            "webhook_url": request.build_absolute_uri(reverse("api:call_event")),
            "lookup_url": request.build_absolute_uri(reverse("api:threecx_lookup"))
            + "?number=[Number]",
            "tokens_url": reverse("accounts:account") + "#tokens-title",
            "colleagues": active_users_for(user).order_by("first_name", "last_name", "id"),
        },
        status=status,
    )
