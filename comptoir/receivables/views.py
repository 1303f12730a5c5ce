"""Réglages › Impayés (import of the accounting's open items) and the customer page's panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.contacts.models import Company, Person
from comptoir.contacts.selectors import companies_for, people_for
from comptoir.receivables import selectors, services
from comptoir.receivables.forms import UploadForm
from comptoir.receivables.models import ImportStatus, OpenItemImport

PREVIEW_ROWS = 50


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload the open items exported by the accounting; what is owed; the last imports."""
    user: Any = request.user
    services.require_manager(user)
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_upload(
                    by=user, file_name=upload.name or "", data=upload.read()
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                return redirect("receivables:import_detail", import_id=batch.pk)
        status = 422
    else:
        form = UploadForm()
    imports = selectors.applied_imports(user)
    pending = selectors.imports_for(user).filter(status=ImportStatus.PREVIEW).first()
    return render(
        request,
        "receivables/import.html",
        {
            "form": form,
            "summary": selectors.summary_for(user),
            "imports": imports,
            "pending": pending,
        },
        status=status,
    )


def _result_message(batch: OpenItemImport) -> str:
    parts = [
        ngettext("%(n)s nouvelle", "%(n)s nouvelles", batch.created_count)
        % {"n": batch.created_count},
        ngettext("%(n)s mise à jour", "%(n)s mises à jour", batch.updated_count)
        % {"n": batch.updated_count},
        ngettext("%(n)s soldée", "%(n)s soldées", batch.settled_count) % {"n": batch.settled_count},
        ngettext("%(n)s ligne non rattachée", "%(n)s lignes non rattachées", batch.unmatched_count)
        % {"n": batch.unmatched_count},
    ]
    return _("Impayés mis à jour : %(parts)s.") % {"parts": ", ".join(parts)}


@login_required
@require_GET
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """A preview (what applying would change) or an applied import (what it changed)."""
    user: Any = request.user
    services.require_manager(user)
    batch = selectors.import_detail(user, import_id)
    context: dict[str, Any] = {"batch": batch, "is_preview": batch.status == ImportStatus.PREVIEW}
    if context["is_preview"]:
        plan = services.plan_for(batch=batch, by=user)
        shown_new = plan.new[:PREVIEW_ROWS]
        shown_updated = plan.updated[:PREVIEW_ROWS]
        services.customer_names(user, shown_new + shown_updated)
        context.update(
            {
                "plan": plan,
                "shown_new": shown_new,
                "shown_updated": shown_updated,
                "shown_settled": list(
                    selectors.open_items_for(user)
                    .filter(pk__in=[item.pk for item in plan.settled[:PREVIEW_ROWS]])
                    .select_related("person", "company")
                    .order_by("due_on", "reference")
                ),
                "unmatched": [u.as_json() for u in plan.unmatched],
                "counts": {
                    "new": len(plan.new),
                    "updated": len(plan.updated),
                    "unchanged": len(plan.unchanged),
                    "settled": len(plan.settled),
                    "unmatched": plan.unmatched_lines,
                },
            }
        )
    else:
        context.update(
            {
                "unmatched": batch.unmatched,
                "counts": {
                    "new": batch.created_count,
                    "updated": batch.updated_count,
                    "unchanged": batch.unchanged_count,
                    "settled": batch.settled_count,
                    "unmatched": batch.unmatched_count,
                },
            }
        )
    return render(request, "receivables/import_detail.html", context)


@login_required
@require_POST
def import_apply(request: HttpRequest, import_id: int) -> HttpResponse:
    user: Any = request.user
    services.require_manager(user)
    batch = selectors.import_detail(user, import_id)
    try:
        applied = services.import_apply(batch=batch, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("receivables:import")
    messages.success(request, _result_message(applied))
    return redirect("receivables:import_detail", import_id=applied.pk)


@login_required
@require_POST
def import_discard(request: HttpRequest, import_id: int) -> HttpResponse:
    user: Any = request.user
    services.require_manager(user)
    batch = selectors.import_detail(user, import_id)
    services.import_discard(batch=batch, by=user)
    messages.info(request, _("Aperçu abandonné : rien n'a été importé."))
    return redirect("receivables:import")


@login_required
@require_GET
def customer_panel(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The « Impayés » panel of a person's or company's page (HTMX); nothing when the
    workspace never imported its accounting."""
    user: Any = request.user
    customer: Person | Company | None
    if kind == "person":
        customer = people_for(user).filter(pk=pk).first()
    elif kind == "company":
        customer = companies_for(user).filter(pk=pk).first()
    else:
        customer = None
    if customer is None:
        raise Http404
    items = selectors.unpaid_items_of(user, customer)
    last = selectors.last_applied_import(user)
    if not items and last is None:
        return HttpResponse("")
    total = sum((item.amount_due for item in items), Decimal(0))
    return render(
        request,
        "receivables/_customer_panel.html",
        {
            "items": items,
            "total": total,
            "overdue": [item for item in items if item.days_overdue > 0],
            "last": last,
        },
    )
