"""Views of contacts: thin function views, full pages or HTMX partials."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.contacts import selectors
from comptoir.contacts.models import Company, Person


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "contacts/customer_list.html", {})


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        company = selectors.company_detail(request.user, pk)
    except Company.DoesNotExist:
        raise Http404 from None
    return render(request, "contacts/company_detail.html", {"company": company})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = selectors.person_detail(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None
    return render(request, "contacts/person_detail.html", {"person": person})
