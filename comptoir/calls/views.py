"""The caller's card of the pop-up, and what it offers: pick among matches, attach the number to
a customer, create a customer from it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.services import require_writer
from comptoir.calls import selectors, services
from comptoir.calls.forms import QuickCustomerForm
from comptoir.calls.models import Call, CallStatus, format_duration
from comptoir.contacts.models import Company, Person
from comptoir.contacts.selectors import (
    companies_for,
    companies_named,
    current_company_names,
    people_for,
    people_named,
)


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
