"""Technician app pages (phone first), the sync endpoints the phone's queue posts to, the PWA."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import JavaScriptCatalog

from comptoir.field import selectors, services
from comptoir.field.forms import FieldSettingsForm, NeedForm, ReportForm, TimerForm
from comptoir.field.models import InterventionReport, PhotoKind, Urgency
from comptoir.lib.money import euros
from comptoir.lib.phone import format_phone
from comptoir.scheduling.models import Visit
from comptoir.scheduling.selectors import contact_for, technicians_for


def _visit_or_404(request: HttpRequest, pk: int) -> Visit:
    try:
        return selectors.field_visit(request.user, pk)
    except Visit.DoesNotExist:
        raise Http404 from None


def _json_error(exc: ValidationError | PermissionDenied, status: int = 400) -> JsonResponse:
    if isinstance(exc, PermissionDenied):
        text = str(exc) or _("Action non autorisée.")
        return JsonResponse({"ok": False, "message": text, "errors": {}}, status=403)
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next((m for msgs in errors.values() for m in msgs), _("Envoi refusé."))
    return JsonResponse({"ok": False, "message": first, "errors": errors}, status=status)


def _form_error(form: Any) -> JsonResponse:
    errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
    first = next((m for msgs in errors.values() for m in msgs), _("Envoi refusé."))
    return JsonResponse({"ok": False, "message": first, "errors": errors}, status=400)


# --- pages -----------------------------------------------------------------------------------


def _visit_card(visit: Visit) -> dict[str, Any]:
    """What a visit shows in the day list and in the cached JSON of the day."""
    interaction = visit.interaction
    customer = interaction.person or interaction.company
    contact = contact_for(
        person=interaction.person, company=interaction.company, site=interaction.site
    )
    phone = visit.contact_phone or contact["contact_phone"]
    report = selectors.report_of(visit)
    start = timezone.localtime(visit.starts_at)
    end = timezone.localtime(interaction.ends_at)
    return {
        "id": visit.pk,
        "url": reverse("field:visit", args=[visit.pk]),
        "reference": visit.reference,
        "service": visit.service_type.name,
        "day": start.date().isoformat(),
        "starts": start.strftime("%H:%M"),
        "ends": end.strftime("%H:%M"),
        "customer": str(customer) if customer else visit.contact_name,
        "address": services.site_address(visit),
        "phone": phone,
        "phone_display": format_phone(phone) if phone.startswith("+") else phone,
        "state": interaction.state,
        "glyph": interaction.glyph,
        "state_label": interaction.get_state_display(),
        "done": bool(report and report.is_completed),
    }


def _maps_links(address: str, site: Any) -> dict[str, str]:
    from urllib.parse import quote

    if site is not None and site.latitude is not None and site.longitude is not None:
        geo = f"geo:{site.latitude},{site.longitude}?q={quote(address)}"
        web = f"https://www.google.com/maps/dir/?api=1&destination={site.latitude},{site.longitude}"
    else:
        geo = f"geo:0,0?q={quote(address)}"
        web = f"https://www.google.com/maps/dir/?api=1&destination={quote(address)}"
    return {"geo": geo, "web": web}


@login_required
@never_cache
def today(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    chosen: int | None = None
    technicians = []
    if selectors.can_see_colleagues(user):
        technicians = list(technicians_for(user))
        raw = request.GET.get("technicien", "")
        if raw.isdigit() and any(t.user_id == int(raw) for t in technicians):
            chosen = int(raw)
    day = selectors.day_for(user, technician_user_id=chosen)
    return render(
        request,
        "field/today.html",
        {
            "day": day,
            "visits": [_visit_card(v) for v in day.visits],
            "coming": [_visit_card(v) for v in day.coming],
            "technicians": technicians,
            "chosen": chosen,
        },
    )


@login_required
@never_cache
@require_GET
def today_json(request: HttpRequest) -> JsonResponse:
    """Today's visits, for the service worker to keep their pages for offline use."""
    day = selectors.day_for(request.user)
    return JsonResponse(
        {
            "date": day.today.isoformat(),
            "generated_at": timezone.now().isoformat(),
            "visits": [_visit_card(v) for v in day.visits],
            "coming": [_visit_card(v) for v in day.coming],
        }
    )


@login_required
@never_cache
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_or_404(request, pk)
    interaction = visit.interaction
    card = _visit_card(visit)
    report = selectors.report_of(visit)
    catalogue = list(selectors.catalogue_for(request.user))
    return render(
        request,
        "field/visit.html",
        {
            "visit": visit,
            "card": card,
            "interaction": interaction,
            "site": interaction.site,
            "customer": interaction.person or interaction.company,
            "maps": _maps_links(card["address"], interaction.site),
            "report": report,
            "history": selectors.customer_history(request.user, visit),
            "checklist": list(selectors.checklist_for(visit)),
            "catalogue": catalogue,
            "catalogue_json": [
                {
                    "id": i.pk,
                    "label": i.label,
                    "unit": i.unit,
                    "price": str(i.unit_price_ht),
                    "vat": str(i.vat_rate),
                    "price_label": euros(i.unit_price_ht),
                }
                for i in catalogue
            ],
            "needs": list(visit.detected_needs.select_related("opportunity__stage")),
            "urgencies": Urgency.choices,
            "photo_kinds": PhotoKind,
        },
    )


# --- sync endpoints (idempotent: the phone may send the same item twice) ----------------------


@login_required
@require_POST
def visit_timer(request: HttpRequest, pk: int) -> JsonResponse:
    visit = _visit_or_404(request, pk)
    form = TimerForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    try:
        report = services.visit_timer(
            visit=visit,
            by=request.user,
            action=form.cleaned_data["action"],
            at=form.cleaned_data["at"],
        )
    except (ValidationError, PermissionDenied) as exc:
        return _json_error(exc)
    return JsonResponse(
        {
            "ok": True,
            "started_at": report.started_at.isoformat() if report.started_at else None,
            "ended_at": report.ended_at.isoformat() if report.ended_at else None,
        }
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> JsonResponse:
    """ "Terminer" (live or from the offline queue); the same uuid twice → the same answer."""
    visit = _visit_or_404(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    data = form.cleaned_data
    photos = [(PhotoKind.BEFORE.value, f) for f in request.FILES.getlist("photo_before")]
    photos += [(PhotoKind.AFTER.value, f) for f in request.FILES.getlist("photo_after")]
    try:
        submission = services.Submission(
            uuid=data["uuid"],
            work_done=data["work_done"],
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            duration_minutes=data["duration_minutes"],
            checked=[int(x) for x in request.POST.getlist("checklist") if x.isdigit()],
            materials=services.parse_materials(data["materials"], workspace_id=visit.workspace_id),
            photos=photos,
            signature=request.FILES.get("signature"),
            signer_name=data["signer_name"],
        )
        result = services.report_complete(visit=visit, by=request.user, submission=submission)
    except (ValidationError, PermissionDenied) as exc:
        return _json_error(exc)
    report = result.report
    return JsonResponse(
        {
            "ok": True,
            "replayed": result.replayed,
            "report": report.pk,
            "uuid": str(report.submission_uuid),
            "pdf_url": reverse("field:report_pdf", args=[report.pk]),
            "completed_at": report.completed_at.isoformat() if report.completed_at else None,
        }
    )


@login_required
@require_POST
def need_submit(request: HttpRequest, pk: int) -> JsonResponse:
    visit = _visit_or_404(request, pk)
    form = NeedForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    try:
        result = services.need_capture(
            visit=visit,
            by=request.user,
            submission_uuid=form.cleaned_data["uuid"],
            description=form.cleaned_data["description"],
            urgency=form.cleaned_data["urgency"],
            photo=request.FILES.get("photo"),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _json_error(exc)
    return JsonResponse(
        {
            "ok": True,
            "replayed": result.replayed,
            "need": result.need.pk,
            "opportunity": result.need.opportunity_id,
        }
    )


@login_required
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    user: Any = request.user
    visits = selectors.field_visits_for(user)
    report = (
        InterventionReport.objects.filter(workspace_id=user.workspace_id, visit__in=visits)
        .select_related("visit")
        .filter(pk=pk)
        .first()
    )
    if report is None or not report.pdf:
        raise Http404
    return FileResponse(
        report.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"rapport-{report.visit.reference}.pdf",
    )


# --- office: needs detected by technicians ---------------------------------------------------


@login_required
def needs(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not selectors.can_see_colleagues(user):
        raise PermissionDenied
    settings = selectors.field_settings_for(user)
    form = FieldSettingsForm(
        request.POST or None, user=user, initial={"sales_owner": settings.sales_owner_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.field_settings_update(by=user, sales_owner=form.cleaned_data["sales_owner"])
        except PermissionDenied:
            raise
        except ValidationError as exc:
            form.add_error("sales_owner", exc.messages[0])
        else:
            messages.success(request, _("Responsable commercial enregistré."))
            return redirect("field:needs")
    status = request.GET.get("statut", "")
    qs = selectors.needs_for(user)
    if status == "converti":
        qs = qs.filter(opportunity__stage__outcome="won")
    elif status == "perdu":
        qs = qs.filter(opportunity__stage__outcome="lost")
    elif status == "ouvert":
        qs = qs.exclude(opportunity__stage__outcome__in=["won", "lost"])
    return render(
        request,
        "field/needs.html",
        {
            "needs": list(qs[:200]),
            "counts": selectors.needs_counts(user),
            "status": status,
            "form": form,
            "owner": selectors.sales_owner(user.workspace_id),
        },
    )


# --- the installable app ---------------------------------------------------------------------


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("Comptoir · Technicien"),
        "short_name": _("Comptoir"),
        "description": _("Vos interventions du jour, même hors ligne."),
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("field:today"),
        "scope": reverse("field:today"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": [
            {
                "src": static(f"field/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": static("field/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


SHELL_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "field/field.css",
    "field/field.js",
    "field/icon-192.png",
)


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever an asset of the shell changes, so phones fetch the new shell."""
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    digest.update((Path(__file__).parent / "templates" / "field" / "sw.js").read_bytes())
    return digest.hexdigest()[:12]


def catalogue_url() -> str:
    """The JavaScript translations in the active language: one URL per language, so that the
    copy kept offline is never the wrong language's."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return reverse("field:jsi18n", args=[language])


class _Catalogue(JavaScriptCatalog):
    """The app's JavaScript strings (djangojs domain of the project's locale folder)."""

    packages = ["comptoir.field"]


@require_GET
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponseBase:
    """``gettext()``, ``ngettext()``, ``interpolate()``… for field.js, in ``language``."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        response = _Catalogue.as_view()(request)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "field/sw.js",
        {
            # The cache name changes with the language too: a workspace switched to English
            # gets its shell (and offline page) again.
            "version": f"{_shell_version()}-{translation.get_language()}",
            "shell": [static(name) for name in SHELL_ASSETS] + [catalogue_url()],
            "offline_url": reverse("field:today"),
            "offline": {
                "language": translation.get_language(),
                "title": _("Hors ligne"),
                "text": _("Hors ligne : cette page n'a pas été gardée sur le téléphone."),
                "back": _("Revenir à la journée"),
            },
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = reverse("field:today")
    response["Cache-Control"] = "no-cache"
    return response
