"""Views of contacts: thin function views, full pages or HTMX partials."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.services import require_writer
from comptoir.audit.selectors import audit_for
from comptoir.contacts import selectors, services
from comptoir.contacts.forms import (
    EMAIL_ROWS,
    PHONE_ROWS,
    AffiliationEndForm,
    AffiliationForm,
    CompanyForm,
    ContactPointForm,
    PersonForm,
    ReferenceItemForm,
    SiteForm,
    add_service_errors,
    category_choices,
)
from comptoir.contacts.models import (
    Affiliation,
    Category,
    Company,
    ContactKind,
    ContactPoint,
    Domain,
    Interest,
    Person,
    Site,
)

PAGE_SIZE = 50
# Lazy: module-level labels must follow the language of each request.
TABS = {"personnes": gettext_lazy("Personnes"), "societes": gettext_lazy("Sociétés")}


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _person(request: HttpRequest, pk: int) -> Person:
    try:
        return selectors.people_for(request.user).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None


def _company(request: HttpRequest, pk: int) -> Company:
    try:
        return selectors.companies_for(request.user).get(pk=pk)
    except Company.DoesNotExist:
        raise Http404 from None


def _form_messages(form: Any) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


# --- Customer list -----------------------------------------------------------------------------


def _without(params: QueryDict, *keys: str) -> str:
    query = params.copy()
    for key in (*keys, "page"):
        query.pop(key, None)
    return query.urlencode()


def _first_points(rows: list[Any]) -> None:
    """Give each row its primary phone and e-mail from the prefetched ``points``."""
    for row in rows:
        points: list[ContactPoint] = row.points
        row.phone = next((p for p in points if p.kind == ContactKind.PHONE), None)
        row.email = next((p for p in points if p.kind == ContactKind.EMAIL), None)


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    tab = params.get("vue") if params.get("vue") in TABS else "personnes"
    query = params.get("q", "").strip()
    category = params.get("categorie", "") if params.get("categorie") in Category.values else ""
    city = params.get("ville", "").strip()
    interests = list(selectors.reference_items_for(request.user, Interest).filter(is_active=True))
    interest = next((i for i in interests if i.pk == _int(params.get("interet"))), None)
    filters: dict[str, Any] = {
        "query": query,
        "category": category,
        "city": city,
        "interest": interest.pk if interest else None,
    }
    qs = (
        selectors.people_list(request.user, **filters)
        if tab == "personnes"
        else selectors.companies_list(request.user, **filters)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    rows: list[Any] = list(page.object_list)
    _first_points(rows)
    if tab == "personnes":
        companies = selectors.current_company_names(rows)
        for row in rows:
            row.company_name = companies.get(row.pk, "")

    chips = []
    if query:
        chips.append((_("Nom ou n° : %(v)s") % {"v": query}, _without(params, "q")))
    if category:
        chips.append(
            (
                _("Catégorie : %(v)s") % {"v": Category(category).label},
                _without(params, "categorie"),
            )
        )
    if city:
        chips.append((_("Ville : %(v)s") % {"v": city}, _without(params, "ville")))
    if interest:
        chips.append((_("Intérêt : %(v)s") % {"v": interest.name}, _without(params, "interet")))

    context = {
        "tab": tab,
        "tabs": TABS,
        "page": page,
        "rows": rows,
        "chips": chips,
        "clear_url": f"?vue={tab}",
        "q": query,
        "category": category,
        "city": city,
        "interest": interest,
        "interests": interests,
        "categories": category_choices(),
    }
    if _htmx(request) and request.headers.get("HX-Target") == "customer-results":
        return render(request, "contacts/_customer_results.html", context)
    return render(request, "contacts/customer_list.html", context)


# --- Create and edit ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: HttpRequest) -> HttpResponse:
    require_writer(request.user)
    form = CompanyForm(request.POST or None, user=request.user, with_contacts=True)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create_with_details(
                by=request.user, contact_points=form.contact_inputs, **form.model_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("La société « %(name)s » est créée.") % {"name": company})
            return redirect(company)
    return render(request, "contacts/company_form.html", {"form": form, "company": None})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request.user)
    company = _company(request, pk)
    form = CompanyForm(request.POST or None, instance=_company(request, pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, by=request.user, **form.model_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect(company)
    return render(request, "contacts/company_form.html", {"form": form, "company": company})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require_writer(request.user)
    initial: dict[str, Any] = {}
    company_id = _int(request.GET.get("company"))
    if company_id:
        initial["company"] = _company(request, company_id)
    form = PersonForm(request.POST or None, initial=initial, user=request.user, with_contacts=True)
    if request.method == "POST" and form.is_valid():
        data = form.model_fields()
        try:
            person = services.person_create_with_details(
                by=request.user,
                contact_points=form.contact_inputs,
                company=form.cleaned_data.get("company"),
                role=form.cleaned_data.get("role", ""),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("La fiche de %(name)s est créée.") % {"name": person})
            return redirect(person)
    return render(request, "contacts/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request.user)
    person = _person(request, pk)
    form = PersonForm(request.POST or None, instance=_person(request, pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.model_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect(person)
    return render(request, "contacts/person_form.html", {"form": form, "person": person})


@login_required
@require_GET
def subdomain_options(request: HttpRequest) -> HttpResponse:
    """The sub-domains of the chosen domain, as <option>s for the company form."""
    domain_id = _int(request.GET.get("domain"))
    subdomains = (
        selectors.reference_items_for(request.user, Domain).filter(
            parent_id=domain_id, is_active=True
        )
        if domain_id
        else Domain.objects.none()
    )
    return render(
        request,
        "contacts/_subdomain_options.html",
        {"subdomains": subdomains, "domain_id": domain_id},
    )


DUPLICATE_FIELDS = [f"phone_{n}" for n in range(1, PHONE_ROWS + 1)] + [
    f"email_{n}" for n in range(1, EMAIL_ROWS + 1)
]


@login_required
@require_GET
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """Live warning while typing: who already has this phone or e-mail in the workspace."""
    field = next((f for f in DUPLICATE_FIELDS if f in request.GET), "")
    value = request.GET.get(field, "").strip() if field else ""
    owner: Person | Company | None = None
    kind = ContactKind.PHONE if field.startswith("phone") else ContactKind.EMAIL
    if value:
        try:
            normalized = services.normalize_contact(
                kind,
                value,
                country=request.GET.get("country") or "FR",
                postcode=request.GET.get("postcode", "").strip(),
            )
        except ValidationError:
            normalized = ""
        if normalized:
            found = selectors.duplicate_owners(
                request.user,
                phones=[normalized] if kind == ContactKind.PHONE else [],
                emails=[normalized] if kind == ContactKind.EMAIL else [],
            )
            owner = found.get(normalized)
    return render(request, "contacts/_duplicate_warning.html", {"duplicate": owner, "kind": kind})


@login_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """A few companies or people matching a name, as radio buttons for a picker."""
    kind = "company" if request.GET.get("kind") == "company" else "person"
    name = request.GET.get("name", kind)
    if not re.fullmatch(r"[a-z_]{1,30}", name):
        name = kind
    query = request.GET.get("q") or request.GET.get(f"{name}_q", "")
    results: list[Person] | list[Company] = (
        selectors.companies_named(request.user, query)
        if kind == "company"
        else selectors.people_named(request.user, query)
    )
    return render(
        request,
        "contacts/_picker_results.html",
        {"results": results, "name": name, "kind": kind, "query": query.strip()},
    )


# --- The customer page (vue 360°) ------------------------------------------------------------

FIELD_LABELS = {
    "contact_points": gettext_lazy("Coordonnées"),
    "affiliations": gettext_lazy("Rattachements"),
    "sites": gettext_lazy("Sites"),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shown(value: str) -> str:
    """Audit values are stored as text; ISO dates read the French way."""
    if _ISO_DATE.match(value or ""):
        return formats.date_format(dt.date.fromisoformat(value), "d/m/Y")
    return value


def _history(request: HttpRequest, record: Model) -> list[dict[str, Any]]:
    entries = audit_for(request.user, record)[:100]
    labels = {
        f.name: str(getattr(f, "verbose_name", f.name))
        for f in record._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    rows = []
    for entry in entries:
        changes = [
            {
                "label": capfirst(str(FIELD_LABELS.get(name) or labels.get(name, name))),
                "old": _shown(old_new[0]),
                "new": _shown(old_new[1]),
            }
            for name, old_new in entry.changes.items()
        ]
        rows.append({"entry": entry, "changes": changes})
    return rows


def _split_affiliations(affiliations: list[Affiliation], kind: str) -> dict[str, list[Affiliation]]:
    """Current ones first (primary contact on top), then past ones, latest ended first.

    On the company page rows get ``phone``: the person's primary phone (prefetched).
    """
    for affiliation in affiliations:
        points = affiliation.person.contact_points.all() if kind == "company" else []
        affiliation.phone = next(  # type: ignore[attr-defined]
            (p for p in points if p.kind == ContactKind.PHONE), None
        )
    current = [a for a in affiliations if a.is_current]
    past = [a for a in affiliations if not a.is_current]
    current.sort(key=lambda a: (not a.is_primary, -(a.start or dt.date.min).toordinal()))
    past.sort(key=lambda a: a.end or dt.date.min, reverse=True)
    return {"current": current, "past": past}


def _points_context(points: list[ContactPoint]) -> dict[str, Any]:
    """Phones first, primary first: the order people reach for them."""
    points = sorted(points, key=lambda p: (p.kind != ContactKind.PHONE, not p.is_primary, p.pk))
    return {
        "points": points,
        "phone": next((p for p in points if p.kind == ContactKind.PHONE), None),
        "email": next((p for p in points if p.kind == ContactKind.EMAIL), None),
    }


def _record_context(request: HttpRequest, record: Person | Company, kind: str) -> dict[str, Any]:
    tab = "historique" if request.GET.get("onglet") == "historique" else "activite"
    sites = list(record.sites.all())
    primary_site = next((s for s in sites if s.is_primary), sites[0] if sites else None)
    context: dict[str, Any] = {
        "kind": kind,
        "tab": tab,
        "sites": sites,
        "address": record.address_line or (primary_site.address_line if primary_site else ""),
        "interests": list(record.interests.all()),
        "affiliations": _split_affiliations(list(record.affiliations.all()), kind),
        "point_form": ContactPointForm(),
        "affiliation_form": AffiliationForm(
            user=request.user, pick="company" if kind == "person" else "person"
        ),
        "today": timezone.localdate(),
        "history": _history(request, record) if tab == "historique" else [],
        **_points_context(list(record.contact_points.all())),
    }
    return context


@login_required
@require_GET
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        company = selectors.company_detail(request.user, pk)
    except Company.DoesNotExist:
        raise Http404 from None
    context = _record_context(request, company, "company")
    context["company"] = context["record"] = company
    return render(request, "contacts/company_detail.html", context)


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = selectors.person_detail(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None
    context = _record_context(request, person, "person")
    context["person"] = context["record"] = person
    return render(request, "contacts/person_detail.html", context)


# --- Contact points (inline on the customer page) -------------------------------------------


def _inline_answer(
    request: HttpRequest,
    record: Person | Company,
    form: BaseForm,
    *,
    saved: str,
    block: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """Answer a form posted from a block of the customer page, once its service has run.

    HTMX: the block again, with the form and its errors when they are any, else a blank
    form. Without JavaScript: back to the customer page with a message.
    """
    if _htmx(request):
        return block(form if form.errors else None)
    if form.errors:
        for message in _form_messages(form):
            messages.error(request, message)
    else:
        messages.success(request, saved)
    return redirect(record)


def _render_points(
    request: HttpRequest,
    record: Person | Company,
    kind: str,
    form: ContactPointForm | None = None,
    removed: ContactPoint | None = None,
) -> HttpResponse:
    owner = {"person": record} if kind == "person" else {"company": record}
    points = list(selectors.contact_points_for(request.user).filter(**owner))
    return render(
        request,
        "contacts/_contact_points.html",
        {
            "record": record,
            "kind": kind,
            "point_form": form or ContactPointForm(),
            "removed": removed,
            **_points_context(points),
        },
    )


def _contact_point_add(request: HttpRequest, record: Person | Company, kind: str) -> HttpResponse:
    form = ContactPointForm(request.POST)
    if form.is_valid():
        try:
            services.contact_point_add(
                by=request.user,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
                label=form.cleaned_data["label"],
                is_primary=form.cleaned_data["is_primary"],
                person=record if isinstance(record, Person) else None,
                company=record if isinstance(record, Company) else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _inline_answer(
        request,
        record,
        form,
        saved=_("Coordonnée ajoutée."),
        block=lambda form: _render_points(request, record, kind, form=form),
    )


@login_required
@require_POST
def person_contact_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_point_add(request, _person(request, pk), "person")


@login_required
@require_POST
def company_contact_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_point_add(request, _company(request, pk), "company")


@login_required
@require_POST
def contact_point_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        point = (
            selectors.contact_points_for(request.user)
            .select_related("person", "company")
            .get(pk=pk, site__isnull=True)
        )
    except ContactPoint.DoesNotExist:
        raise Http404 from None
    record: Person | Company | None = point.person or point.company
    assert record is not None
    kind = "person" if point.person_id else "company"
    services.contact_point_remove(point=point, by=request.user)
    if not _htmx(request):
        messages.success(request, _("Coordonnée supprimée."))
        return redirect(record)
    return _render_points(request, record, kind, removed=point)


# --- Affiliations --------------------------------------------------------------------------------


def _render_affiliations(
    request: HttpRequest,
    record: Person | Company,
    kind: str,
    form: AffiliationForm | None = None,
    end_errors: dict[int, list[str]] | None = None,
) -> HttpResponse:
    qs = selectors.affiliations_for(request.user).select_related("job_title")
    if kind == "person":
        qs = qs.filter(person_id=record.pk).select_related("company")
    else:
        qs = qs.filter(company_id=record.pk).select_related("person")
        qs = qs.prefetch_related("person__contact_points")
    rows = list(qs)
    for row in rows:
        row.end_errors = (end_errors or {}).get(row.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "contacts/_affiliations.html",
        {
            "record": record,
            "kind": kind,
            "affiliations": _split_affiliations(rows, kind),
            "affiliation_form": form
            or AffiliationForm(user=request.user, pick="company" if kind == "person" else "person"),
            "today": timezone.localdate(),
        },
    )


def _affiliation_add(request: HttpRequest, record: Person | Company, kind: str) -> HttpResponse:
    pick = "company" if kind == "person" else "person"
    form = AffiliationForm(request.POST, user=request.user, pick=pick)
    if form.is_valid():
        data = dict(form.cleaned_data)
        other = data.pop(pick)
        sides = (
            {"person": record, "company": other}
            if kind == "person"
            else {
                "person": other,
                "company": record,
            }
        )
        try:
            services.affiliation_add(by=request.user, **sides, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _inline_answer(
        request,
        record,
        form,
        saved=_("Rattachement ajouté."),
        block=lambda form: _render_affiliations(request, record, kind, form=form),
    )


@login_required
@require_POST
def person_affiliation_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _affiliation_add(request, _person(request, pk), "person")


@login_required
@require_POST
def company_affiliation_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _affiliation_add(request, _company(request, pk), "company")


@login_required
@require_POST
def affiliation_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Close an affiliation at a date: it stays on both pages as a past one."""
    try:
        affiliation = (
            selectors.affiliations_for(request.user).select_related("person", "company").get(pk=pk)
        )
    except Affiliation.DoesNotExist:
        raise Http404 from None
    kind = "company" if request.POST.get("from") == "company" else "person"
    record: Person | Company = affiliation.company if kind == "company" else affiliation.person
    form = AffiliationEndForm(request.POST)
    errors: dict[int, list[str]] = {}
    if form.is_valid():
        try:
            services.affiliation_update(
                affiliation=affiliation, by=request.user, end=form.cleaned_data["end"]
            )
        except ValidationError as exc:
            errors[affiliation.pk] = exc.messages
    else:
        errors[affiliation.pk] = _form_messages(form)
    if not _htmx(request):
        if errors:
            messages.error(request, " ".join(errors[affiliation.pk]))
        else:
            messages.success(request, _("Rattachement terminé."))
        return redirect(record)
    return _render_affiliations(request, record, kind, end_errors=errors)


# --- Sites ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    require_writer(request.user)
    initial: dict[str, Any] = {}
    customer: Person | Company | None = None
    if company_id := _int(request.GET.get("company")):
        customer = initial["company"] = _company(request, company_id)
    elif person_id := _int(request.GET.get("person")):
        customer = initial["person"] = _person(request, person_id)
    if customer is not None:
        initial.update(
            {f: getattr(customer, f) for f in ("street", "street2", "postcode", "city", "country")}
        )
        if isinstance(customer, Person):
            initial["occupant"] = customer
    form = SiteForm(request.POST or None, initial=initial, user=request.user, with_customer=True)
    if request.method == "POST" and form.is_valid():
        data = form.model_fields()
        try:
            site = services.site_create(
                by=request.user,
                company=form.cleaned_data.get("company"),
                person=form.cleaned_data.get("person"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Le site est ajouté."))
            owner = site.customer
            assert owner is not None
            return redirect(owner)
    return render(
        request,
        "contacts/site_form.html",
        {
            "form": form,
            "site": None,
            "customer": customer,
            "customer_kind": "person" if isinstance(customer, Person) else "company",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request.user)
    try:
        site = selectors.sites_for(request.user).select_related("person", "company").get(pk=pk)
    except Site.DoesNotExist:
        raise Http404 from None
    form = SiteForm(request.POST or None, instance=site, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(site=site, by=request.user, **form.model_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Modifications enregistrées."))
            owner = site.customer
            assert owner is not None
            return redirect(owner)
    return render(
        request, "contacts/site_form.html", {"form": form, "site": site, "customer": site.customer}
    )


# --- Reference lists (workspace admins) ----------------------------------------------------------


def _require_admin(request: HttpRequest) -> None:
    if not getattr(request.user, "is_workspace_admin", False):
        raise PermissionDenied


def _reference_model(slug: str) -> type[Any]:
    try:
        return services.REFERENCE_MODELS[slug]
    except KeyError:
        raise Http404 from None


def _reference_item(request: HttpRequest, model: type[Any], pk: int) -> Any:
    try:
        return selectors.reference_items_for(request.user, model).get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


def _render_reference_list(
    request: HttpRequest,
    slug: str,
    *,
    add_form: ReferenceItemForm | None = None,
    rename_errors: dict[int, list[str]] | None = None,
    full_page: bool = False,
) -> HttpResponse:
    model = _reference_model(slug)
    items = list(selectors.reference_items_for(request.user, model))
    is_domain = model is Domain
    for item in items:
        item.errors = (rename_errors or {}).get(item.pk, [])
    parents = [i for i in items if i.parent_id is None] if is_domain else items
    children: dict[int, list[Any]] = {}
    if is_domain:
        for item in items:
            if item.parent_id:
                children.setdefault(item.parent_id, []).append(item)
        for parent in parents:
            parent.sub_items = children.get(parent.pk, [])
    form = add_form or ReferenceItemForm(
        parents=(
            selectors.reference_items_for(request.user, Domain).filter(parent__isnull=True)
            if is_domain
            else None
        )
    )
    context = {
        "slug": slug,
        "lists": [(s, m._meta.verbose_name_plural) for s, m in services.REFERENCE_MODELS.items()],
        "title": model._meta.verbose_name_plural,
        "items": parents,
        "is_domain": is_domain,
        "add_form": form,
    }
    template = "contacts/reference_lists.html" if full_page else "contacts/_reference_list.html"
    return render(request, template, context)


def _after_reference_change(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
    if _htmx(request):
        return _render_reference_list(request, slug, **kwargs)
    return redirect("contacts:reference_list", slug=slug)


@login_required
@require_GET
def reference_lists(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return redirect("contacts:reference_list", slug=next(iter(services.REFERENCE_MODELS)))


@login_required
@require_GET
def reference_list(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    return _render_reference_list(request, slug, full_page=True)


@login_required
@require_POST
def reference_item_add(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    model = _reference_model(slug)
    parents = (
        selectors.reference_items_for(request.user, Domain).filter(parent__isnull=True)
        if model is Domain
        else None
    )
    form = ReferenceItemForm(request.POST, parents=parents)
    if form.is_valid():
        try:
            services.reference_item_save(model=model, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not _htmx(request):
                messages.success(request, _("Entrée ajoutée."))
            return _after_reference_change(request, slug)
    if not _htmx(request):
        return _render_reference_list(request, slug, add_form=form, full_page=True)
    return _render_reference_list(request, slug, add_form=form)


@login_required
@require_POST
def reference_item_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    model = _reference_model(slug)
    item = _reference_item(request, model, pk)
    form = ReferenceItemForm(request.POST)
    errors: dict[int, list[str]] = {}
    if form.is_valid():
        try:
            services.reference_item_save(
                model=model, by=request.user, item=item, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            errors[item.pk] = exc.messages
    else:
        errors[item.pk] = _form_messages(form)
    if errors and not _htmx(request):
        for message in errors[item.pk]:
            messages.error(request, message)
    return _after_reference_change(request, slug, rename_errors=errors)


@login_required
@require_POST
def reference_item_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_admin(request)
    model = _reference_model(slug)
    item = _reference_item(request, model, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.reference_item_move(model=model, item=item, by=request.user, offset=offset)
    return _after_reference_change(request, slug)


@login_required
@require_POST
def reference_item_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Deactivate (hidden from choices, kept on records) or reactivate an entry."""
    _require_admin(request)
    model = _reference_model(slug)
    item = _reference_item(request, model, pk)
    services.reference_item_save(
        model=model, by=request.user, item=item, is_active=request.POST.get("active") == "1"
    )
    return _after_reference_change(request, slug)
