"""Customer portal (/portail/<espace>/), survey links (/avis/<jeton>/) and their staff settings.

A customer signs in with a one-time code; the portal session lives in its own cookie, scoped
to the workspace's portal path, whose key is only stored hashed: it is never a staff login.
Every object a page shows is read through a selector scoped to the signed-in customer, so an
id of another customer or of another workspace answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.models import User, Workspace
from comptoir.lib.phone import format_phone
from comptoir.portal import ratelimit, selectors, services
from comptoir.portal.forms import (
    CodeForm,
    IdentifierForm,
    MessageForm,
    NewRequestForm,
    PortalSettingsForm,
    SurveyForm,
)
from comptoir.portal.models import SESSION_LIFETIME
from comptoir.portal.selectors import Viewer
from comptoir.tickets.models import Status

COOKIE = "comptoir_portal"

# How a customer reads a ticket's status.
CUSTOMER_STATUS = {
    Status.NEW: gettext_lazy("Reçue"),
    Status.IN_PROGRESS: gettext_lazy("En cours"),
    Status.WAITING: gettext_lazy("En attente de votre réponse"),
    Status.SCHEDULED: gettext_lazy("Intervention planifiée"),
    Status.RESOLVED: gettext_lazy("Résolue"),
    Status.CLOSED: gettext_lazy("Clôturée"),
}


def _activate(workspace: Workspace) -> None:
    """No staff user here: the workspace's time zone and language apply."""
    timezone.activate(ZoneInfo(workspace.timezone or "Europe/Paris"))
    translation.activate(workspace.locale or "fr")


def _cookie_path(workspace: Workspace) -> str:
    return reverse("portal:home", args=[workspace.slug])


def _context(workspace: Workspace, viewer: Viewer | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "workspace": workspace,
        "viewer": viewer,
        "company_phone": format_phone(workspace.phone or ""),
        "company_phone_href": f"tel:{workspace.phone}" if workspace.phone else "",
        **extra,
    }


def _limited(request: HttpRequest, workspace: Workspace, kind: str) -> HttpResponse | None:
    wait = ratelimit.retry_after(request, kind, scope=workspace.slug)
    if not wait:
        return None
    response = render(
        request,
        "portal/limited.html",
        _context(workspace, minutes=max(1, (wait + 59) // 60)),
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


PortalView = Callable[..., HttpResponseBase]


def customer_required(view: PortalView) -> PortalView:
    """The signed-in customer of this workspace's portal, else the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        workspace = selectors.portal_workspace(slug)
        _activate(workspace)
        viewer = selectors.viewer_for(workspace, request.COOKIES.get(COOKIE, ""))
        if viewer is None:
            return redirect("portal:home", slug=workspace.slug)
        response = view(request, viewer, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


# --- sign-in ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest, slug: str) -> HttpResponse:
    """Sign-in: the customer types their e-mail or mobile and receives a code."""
    workspace = selectors.portal_workspace(slug)
    _activate(workspace)
    if selectors.viewer_for(workspace, request.COOKIES.get(COOKIE, "")) is not None:
        return redirect("portal:requests", slug=workspace.slug)
    form = IdentifierForm(request.POST or None)
    status = 200
    if request.method == "POST":
        limited = _limited(request, workspace, "code_request")
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                handle = services.portal_code_request(
                    workspace=workspace, identifier=form.cleaned_data["identifier"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                url = reverse("portal:code", args=[workspace.slug])
                return redirect(f"{url}?d={handle}")
        status = 400
    return render(request, "portal/signin.html", _context(workspace, form=form), status=status)


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest, slug: str) -> HttpResponse:
    """The code received: right → signed in; wrong, expired, used → a clear refusal."""
    workspace = selectors.portal_workspace(slug)
    _activate(workspace)
    handle = (request.POST.get("d") or request.GET.get("d") or "")[:64]
    if not handle:
        return redirect("portal:home", slug=workspace.slug)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        limited = _limited(request, workspace, "code_verify")
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                signed = services.portal_code_verify(
                    workspace=workspace, handle=handle, code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                form.add_error("code", exc.message_dict.get("code") or exc.messages)
            else:
                response = redirect("portal:requests", slug=workspace.slug)
                response.set_cookie(
                    COOKIE,
                    signed.key,
                    max_age=int(SESSION_LIFETIME.total_seconds()),
                    path=_cookie_path(workspace),
                    secure=request.is_secure(),
                    httponly=True,
                    samesite="Lax",
                )
                return response
        status = 400
    return render(
        request,
        "portal/code.html",
        _context(workspace, form=form, handle=handle),
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = selectors.portal_workspace(slug)
    viewer = selectors.viewer_for(workspace, request.COOKIES.get(COOKIE, ""))
    if viewer is not None:
        services.portal_sign_out(viewer=viewer)
    response = redirect(f"{reverse('portal:home', args=[workspace.slug])}?deconnecte=1")
    response.delete_cookie(COOKIE, path=_cookie_path(workspace))
    return response


# --- requests --------------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return str(CUSTOMER_STATUS.get(Status(status), Status(status).label))


@customer_required
@require_GET
def requests_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    tickets = list(selectors.portal_tickets(viewer))
    rows: list[dict[str, Any]] = [
        {"ticket": t, "status_label": _status_label(t.status)} for t in tickets
    ]
    return render(
        request,
        "portal/requests.html",
        _context(
            viewer.workspace,
            viewer,
            rows=rows,
            open_rows=[r for r in rows if r["ticket"].is_open],
            done_rows=[r for r in rows if not r["ticket"].is_open],
            section="requests",
        ),
    )


def _files(request: HttpRequest) -> list[Any]:
    return list(request.FILES.getlist("photos"))


def _add_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        target = "photos" if field == "file" else field
        form.add_error(target if target in form.fields else None, errors)


@customer_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    form = NewRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = services.portal_ticket_open(
                    viewer=viewer,
                    subject=form.cleaned_data["subject"],
                    description=form.cleaned_data["description"],
                    files=_files(request),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Demande {ref} envoyée : nous revenons vers vous rapidement.").format(
                        ref=ticket.reference
                    ),
                )
                return redirect("portal:request", slug=viewer.workspace.slug, ticket_id=ticket.pk)
        status = 400
    return render(
        request,
        "portal/request_new.html",
        _context(viewer.workspace, viewer, form=form, section="new"),
        status=status,
    )


@customer_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, viewer: Viewer, ticket_id: int) -> HttpResponse:
    ticket = selectors.portal_ticket(viewer, ticket_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.portal_message_add(
                    viewer=viewer,
                    ticket=ticket,
                    body=form.cleaned_data["body"],
                    files=_files(request),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Message envoyé."))
                return redirect("portal:request", slug=viewer.workspace.slug, ticket_id=ticket.pk)
        status = 400
        ticket.refresh_from_db()
    visits = [v for v in selectors.portal_visits(viewer) if v.request_id == ticket.interaction_id]
    return render(
        request,
        "portal/request_detail.html",
        _context(
            viewer.workspace,
            viewer,
            ticket=ticket,
            status_label=_status_label(ticket.status),
            conversation=selectors.public_messages(ticket),
            visits=visits if ticket.interaction_id else [],
            form=form,
            section="requests",
        ),
        status=status,
    )


@customer_required
@require_GET
def attachment(
    request: HttpRequest, viewer: Viewer, ticket_id: int, attachment_id: int
) -> FileResponse:
    item = selectors.portal_attachment(viewer, ticket_id, attachment_id)
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not (item.is_image or item.content_type == "application/pdf"),
        filename=item.filename,
        content_type=item.content_type,
    )


# --- visits and reports ----------------------------------------------------------------------


@customer_required
@require_GET
def visits(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    rows = []
    now = timezone.now()
    for visit in selectors.portal_visits(viewer):
        report = getattr(visit, "report", None)
        state = selectors.visit_state(visit)
        rows.append(
            {
                "visit": visit,
                "state": state,
                "end": visit.interaction.ends_at,
                "technician": visit.technician.user.first_name or visit.technician.name,
                "has_report": bool(report and report.is_completed and report.pdf),
                "upcoming": state == "upcoming" and visit.starts_at >= now - dt.timedelta(hours=12),
            }
        )
    return render(
        request,
        "portal/visits.html",
        _context(
            viewer.workspace,
            viewer,
            upcoming=[r for r in rows if r["upcoming"]][::-1],
            past=[r for r in rows if not r["upcoming"]],
            section="visits",
        ),
    )


@customer_required
@require_GET
def report_pdf(request: HttpRequest, viewer: Viewer, visit_id: int) -> FileResponse:
    report = selectors.portal_report(viewer, visit_id)
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=f"rapport-{report.visit.reference}.pdf",
        content_type="application/pdf",
    )


# --- survey ----------------------------------------------------------------------------------


def _int_or_none(raw: str | None, low: int, high: int) -> int | None:
    if raw is None or not raw.strip().isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey link: ``?note=4`` from the e-mail records the rating in one click."""
    found = selectors.survey_by_token(token[:64])
    workspace = found.workspace
    _activate(workspace)
    saved = False
    error = ""
    form = SurveyForm(
        request.POST or None,
        initial={"csat": found.csat, "nps": found.nps, "comment": found.comment},
    )
    status = 200
    one_click = _int_or_none(request.GET.get("note"), 1, 5)
    if request.method == "GET" and one_click is not None:
        # HEAD (link previews) never records anything.
        limited = _limited(request, workspace, "survey")
        if limited is not None:
            return limited
        try:
            found = services.survey_answer(survey=found, csat=one_click)
            saved = True
            form = SurveyForm(
                initial={"csat": found.csat, "nps": found.nps, "comment": found.comment}
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    elif request.method == "POST":
        limited = _limited(request, workspace, "survey")
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                found = services.survey_answer(
                    survey=found,
                    csat=form.cleaned_data["csat"],
                    nps=form.cleaned_data["nps"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                url = reverse("portal:survey", args=[found.token])
                return redirect(f"{url}?merci=1")
        else:
            status = 400
    thanks = request.GET.get("merci") == "1"
    response = render(
        request,
        "portal/survey.html",
        _context(
            workspace,
            survey=found,
            form=form,
            saved=saved,
            thanks=thanks,
            error=error,
            is_open=found.is_open(),
            closes_at=found.closes_at,
            csat_labels=[
                (5, _("Très satisfait")),
                (4, _("Satisfait")),
                (3, _("Moyennement satisfait")),
                (2, _("Peu satisfait")),
                (1, _("Pas du tout satisfait")),
            ],
            nps_range=range(0, 11),
        ),
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- staff settings --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Réglages › Portail et avis: open the portal, choose who receives requests, surveys."""
    user = request.user
    assert isinstance(user, User)
    if user.workspace is None:
        raise PermissionDenied
    can_edit = bool(user.is_manager and user.can_write)
    config = selectors.portal_settings(user.workspace.pk)
    initial = {
        "portal_enabled": config.portal_enabled,
        "requests_owner": config.requests_owner,
        "surveys_enabled": config.surveys_enabled,
        "survey_delay_hours": config.survey_delay_hours,
        "survey_channel": config.survey_channel,
    }
    form = PortalSettingsForm(request.POST or None, initial=initial, user=user)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.portal_settings_update(by=user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Réglages du portail enregistrés."))
                return redirect("portal:settings")
        status = 400
    portal_url = request.build_absolute_uri(reverse("portal:home", args=[user.workspace.slug]))
    now = timezone.now()
    figures = selectors.satisfaction_figures(user.workspace, now - dt.timedelta(days=90), now)
    return render(
        request,
        "portal/settings.html",
        {
            "form": form,
            "can_edit": can_edit,
            "portal_url": portal_url,
            "figures": figures,
            "owner": selectors.requests_owner(user.workspace.pk),
        },
        status=status,
    )
