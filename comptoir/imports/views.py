"""Views of the import wizard (upload → mapping → preview → run → progress → result) and of
the list exports (CSV/XLSX with the list's own filters)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.services import require_writer
from comptoir.activities.selectors import interactions_matching
from comptoir.contacts import selectors as contacts
from comptoir.contacts.models import Category, ContactKind, Interest
from comptoir.imports import selectors, services
from comptoir.imports.forms import SOURCES, InteractionExportForm, MappingForm, UploadForm
from comptoir.imports.models import ImportJob, JobStatus
from comptoir.lib.export import write_csv, write_xlsx
from comptoir.lib.phone import format_phone

STEPS = ["upload", "mapping", "preview", "run"]


def _errors_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.jobs_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "imports/job_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def job_upload(request: HttpRequest) -> HttpResponse:
    require_writer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.job_create(
                by=request.user,
                file_name=upload.name,
                content=upload.read(),
                kind=form.cleaned_data["kind"],
                source=form.cleaned_data["source"],
                mapping=form.cleaned_data["mapping"],
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {"__all__": exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("imports:mapping", pk=job.pk)
    return render(
        request, "imports/job_upload.html", {"form": form, "sources": SOURCES, "step": "upload"}
    )


def _draft(request: HttpRequest, pk: int) -> ImportJob:
    job = selectors.job_for(request.user, pk)
    if job.status != JobStatus.DRAFT:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def job_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request.user)
    job = selectors.job_for(request.user, pk)
    if job.status != JobStatus.DRAFT:
        return redirect(job)
    form = MappingForm(request.POST or None, job=job)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.job_set_mapping(
                job=job,
                by=request.user,
                mapping=form.mapping(),
                save_as=form.cleaned_data["save_as"],
            )
        except ValidationError as exc:
            errors = _errors_of(exc)
        else:
            if form.cleaned_data["save_as"]:
                messages.success(request, _("Correspondance enregistrée."))
            return redirect("imports:preview", pk=job.pk)
    samples = _samples(job)
    rows = [(column, field, samples.get(i, [])) for i, (column, field) in enumerate(form.rows())]
    return render(
        request,
        "imports/job_mapping.html",
        {"job": job, "form": form, "rows": rows, "errors": errors, "step": "mapping"},
    )


def _samples(job: ImportJob, count: int = 3) -> dict[int, list[str]]:
    """column index → its first non-empty values, shown beside the choice."""
    from comptoir.imports import reading

    found: dict[int, list[str]] = {}
    data = services._read(job)
    for index, (_line, cells) in enumerate(reading.data_rows(data, services._format(job))):
        for col, cell in enumerate(cells):
            if cell and len(found.setdefault(col, [])) < count:
                found[col].append(cell[:40])
        if index >= 50:
            break
    return found


@login_required
@require_http_methods(["GET", "POST"])
def job_preview(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request.user)
    job = selectors.job_for(request.user, pk)
    if job.status != JobStatus.DRAFT:
        return redirect(job)
    if request.method == "POST":
        try:
            services.job_start(job=job, by=request.user, dry_run=request.POST.get("dry_run") == "1")
        except ValidationError as exc:
            messages.error(request, " ".join(_errors_of(exc)))
        return redirect(job)
    rows = services.job_preview(job)
    return render(
        request,
        "imports/job_preview.html",
        {
            "job": job,
            "rows": rows,
            "with_errors": sum(1 for r in rows if r.errors),
            "step": "preview",
        },
    )


def _stalled(job: ImportJob) -> bool:
    return (
        bool(
            job.status == JobStatus.RUNNING
            and job.heartbeat_at
            and job.heartbeat_at < timezone.now() - services.STALE_AFTER
        )
        or job.status == JobStatus.FAILED
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    context = {"job": job, "stalled": _stalled(job), "step": "run"}
    if getattr(request, "htmx", False) and request.GET.get("partial") == "progress":
        return render(request, "imports/_progress.html", context)
    if job.status == JobStatus.DRAFT:
        return redirect("imports:mapping", pk=job.pk)
    return render(request, "imports/job_detail.html", context)


@login_required
@require_GET
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    response = HttpResponse(services.error_file(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-erreurs.csv"'
    return response


@login_required
@require_POST
def job_undo(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    try:
        services.job_undo(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_of(exc)))
    else:
        messages.success(
            request, _("L'import est annulé : les fiches qu'il avait créées sont supprimées.")
        )
    return redirect(job)


@login_required
@require_POST
def job_resume(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    try:
        services.job_resume(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_of(exc)))
    return redirect(job)


# --- Exports -----------------------------------------------------------------------------

EXPORTS = {"personnes", "societes", "interactions"}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _customer_filters(request: HttpRequest) -> dict[str, Any]:
    params = request.GET
    interest = _int(params.get("interet"))
    if (
        interest
        and not contacts.reference_items_for(request.user, Interest).filter(pk=interest).exists()
    ):
        interest = None
    return {
        "query": params.get("q", "").strip(),
        "category": params.get("categorie", "")
        if params.get("categorie") in Category.values
        else "",
        "city": params.get("ville", "").strip(),
        "interest": interest,
    }


def _address_headers() -> list[str]:
    """The columns of a customer's address and contact points, in ``_address_cells`` order."""
    return [
        _("Adresse"),
        _("Complément"),
        _("Code postal"),
        _("Ville"),
        _("Pays"),
        _("Téléphone"),
        _("Portable"),
        _("E-mail"),
    ]


def _address_cells(row: Any) -> list[str]:
    phones = [p for p in row.points if p.kind == ContactKind.PHONE]
    mobile = next((p for p in phones if p.normalized.startswith(("+336", "+337"))), None)
    landline = next((p for p in phones if p is not mobile), None)
    email = next((p for p in row.points if p.kind == ContactKind.EMAIL), None)
    return [
        row.street,
        row.street2,
        row.postcode,
        row.city,
        row.country,
        format_phone(landline.normalized) if landline else "",
        format_phone(mobile.normalized) if mobile else "",
        email.normalized if email else "",
    ]


def _people(request: HttpRequest) -> tuple[list[str], Iterator[list[Any]]]:
    headers = [
        _("Civilité"),
        _("Prénom"),
        _("Nom"),
        _("Société"),
        *_address_headers(),
        _("Catégorie"),
        _("Référence externe"),
        _("Créée le"),
    ]
    labels = dict(Category.choices)

    def rows() -> Iterator[list[Any]]:
        qs = contacts.people_list(request.user, **_customer_filters(request))
        batch: list[Any] = []
        for person in qs.iterator(chunk_size=1000):
            batch.append(person)
            if len(batch) == 1000:
                yield from _people_rows(batch, labels)
                batch = []
        yield from _people_rows(batch, labels)

    return headers, rows()


def _people_rows(batch: list[Any], labels: dict[str, Any]) -> Iterator[list[Any]]:
    companies = contacts.current_company_names(batch) if batch else {}
    for p in batch:
        yield [
            p.civility,
            p.first_name,
            p.last_name,
            companies.get(p.pk, ""),
            *_address_cells(p),
            str(labels.get(p.category, "")),
            p.external_ref,
            timezone.localtime(p.created_at),
        ]


def _companies(request: HttpRequest) -> tuple[list[str], Iterator[list[Any]]]:
    headers = [
        _("Raison sociale"),
        _("SIREN"),
        _("SIRET"),
        _("N° TVA"),
        *_address_headers(),
        _("Site web"),
        _("Catégorie"),
        _("Référence externe"),
        _("Créée le"),
    ]
    labels = dict(Category.choices)

    def rows() -> Iterator[list[Any]]:
        qs = contacts.companies_list(request.user, **_customer_filters(request))
        for c in qs.iterator(chunk_size=1000):
            yield [
                c.name,
                c.siren,
                c.siret,
                c.vat_number,
                *_address_cells(c),
                c.website,
                str(labels.get(c.category, "")),
                c.external_ref,
                timezone.localtime(c.created_at),
            ]

    return headers, rows()


def _interactions(request: HttpRequest) -> tuple[list[str], Iterator[list[Any]]]:
    form = InteractionExportForm(request.GET or None, user=request.user)
    filters = form.filters() if form.is_bound else {}
    headers = [
        _("Début"),
        _("Fin / échéance"),
        _("Type"),
        _("Processus"),
        _("Étape"),
        _("État"),
        _("Objet"),
        _("Client"),
        _("Responsable"),
    ]

    def rows() -> Iterator[list[Any]]:
        qs = interactions_matching(request.user, **filters)
        for i in qs.iterator(chunk_size=1000):
            customer = i.person or i.company
            yield [
                timezone.localtime(i.starts_at),
                timezone.localtime(i.ends_at),
                i.get_kind_display(),
                i.process.name,
                i.stage.name if i.stage else "",
                i.get_state_display(),
                i.subject,
                str(customer) if customer else "",
                str(i.owner),
            ]

    return headers, rows()


@login_required
@require_GET
def export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    if what not in EXPORTS or fmt not in {"csv", "xlsx"}:
        raise Http404
    headers, rows = {"personnes": _people, "societes": _companies, "interactions": _interactions}[
        what
    ](request)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    if fmt == "csv":
        response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            write_xlsx(headers, rows, title=what),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{what}-{stamp}.{fmt}"'
    return response
