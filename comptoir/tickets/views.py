"""Views of tickets: the queue, a ticket, a new ticket, the desk and customer panels, settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.contacts import selectors as contacts
from comptoir.contacts.models import Company, Person
from comptoir.tickets import selectors, services
from comptoir.tickets.forms import (
    ORIGIN_PATTERN,
    AttachmentForm,
    CategoryForm,
    FilterForm,
    HoursForm,
    MessageForm,
    SidePanelForm,
    SlaForm,
    TicketForm,
)
from comptoir.tickets.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketAttachment,
    TicketCategory,
    TicketChannel,
)
from comptoir.tickets.templatetags.tickets_tags import when

PAGE_SIZE = 50
DESK_SHOWN = 8
SOON = dt.timedelta(hours=2)
# The verb on each status button.
STATUS_ACTIONS = {
    Status.IN_PROGRESS: gettext_lazy("En cours"),
    Status.WAITING: gettext_lazy("En attente client"),
    Status.SCHEDULED: gettext_lazy("Planifié"),
    Status.RESOLVED: gettext_lazy("Résolu"),
    Status.CLOSED: gettext_lazy("Clore"),
}


def _user(request: HttpRequest) -> Any:
    user: Any = request.user
    if getattr(user, "workspace_id", None) is None:
        raise PermissionDenied
    return user


def _ticket(request: HttpRequest, pk: int) -> Ticket:
    try:
        return selectors.ticket_detail(_user(request), pk)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _when(value: dt.datetime) -> str:
    return when(value)


@dataclass(frozen=True)
class Due:
    label: str
    at: dt.datetime
    text: str
    state: str  # "ok", "soon", "late", "met", "paused"


def due_times(ticket: Ticket, now: dt.datetime | None = None) -> list[Due]:
    """The first-response and resolution due times as people read them."""
    now = now or timezone.now()
    rows: list[Due] = []
    for label, at, met_at in (
        (_("Réponse"), ticket.first_response_due_at, ticket.first_response_at),
        (_("Résolution"), ticket.resolution_due_at, ticket.resolved_at),
    ):
        if at is None:
            continue
        if met_at is not None:
            state = "met" if met_at <= at else "late-met"
            text = _("{label} le {when}").format(label=label, when=_when(met_at))
        elif ticket.status in FINISHED_STATUSES:
            continue
        elif ticket.is_paused:
            state = "paused"
            text = _("{label} : délai suspendu (attente client)").format(label=label)
        elif at < now:
            state = "late"
            text = _("{label} en retard depuis {when}").format(label=label, when=_when(at))
        else:
            state = "soon" if at - now <= SOON else "ok"
            text = _("{label} avant {when}").format(label=label, when=_when(at))
        rows.append(Due(str(label), at, text, state))
    return rows


def badge(ticket: Ticket, now: dt.datetime) -> str:
    """ "late", "soon", "paused" or "" for a list row."""
    if ticket.is_paused:
        return "paused"
    due = ticket.next_due_at
    if due is None:
        return ""
    if due < now:
        return "late"
    return "soon" if due - now <= SOON else ""


# --- queue -----------------------------------------------------------------------------------


def _filtered(user: Any, form: FilterForm) -> tuple[Any, list[tuple[str, str]]]:
    qs = selectors.tickets_for(user).select_related(
        "person", "company", "assignee", "category", "site"
    )
    chips: list[tuple[str, str]] = []
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or ""
    if status == "all":
        chips.append(("status", _("Toutes les demandes")))
    elif status:
        qs = qs.filter(status=status)
        chips.append(("status", str(Status(status).label)))
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if data.get("priority"):
        qs = qs.filter(priority=data["priority"])
        chips.append(("priority", str(Priority(data["priority"]).label)))
    assignee = data.get("assignee") or ""
    if assignee == "me":
        qs = qs.filter(assignee_id=user.pk)
        chips.append(("assignee", _("Assignées à moi")))
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
        chips.append(("assignee", _("Non assignées")))
    elif assignee.isdigit():
        qs = qs.filter(assignee_id=int(assignee))
        label = dict(form.fields["assignee"].choices).get(assignee, "")  # type: ignore[attr-defined]
        chips.append(("assignee", _("Assignées à {name}").format(name=label)))
    if data.get("category"):
        qs = qs.filter(category=data["category"])
        chips.append(("category", str(data["category"])))
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
        chips.append(("channel", str(TicketChannel(data["channel"]).label)))
    if data.get("overdue"):
        qs = qs.overdue()
        chips.append(("overdue", _("En retard")))
    return qs.by_due(), chips


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Demandes: the queue, most urgent due time first, with filters and real pages."""
    user = _user(request)
    form = FilterForm(request.GET or None, user=user)
    tickets, chips = _filtered(user, form)
    paginator = Paginator(tickets, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(t, badge(t, now), t.next_due_at) for t in page.object_list]
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    chip_links = []
    for key, label in chips:
        rest = {k: v for k, v in params.items() if k != key}
        chip_links.append((label, "?" + urlencode(rest) if rest else request.path))
    base_open = selectors.tickets_for(user).open()
    return render(
        request,
        "tickets/ticket_queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "chips": chip_links,
            "query": urlencode(params),
            "counts": {
                "open": base_open.count(),
                "mine": base_open.filter(assignee_id=user.pk).count(),
                "late": base_open.overdue(now).count(),
                "unassigned": base_open.filter(assignee__isnull=True).count(),
            },
        },
    )


# --- new ticket ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Nouvelle demande, from the queue or a customer page (customer preselected)."""
    user = _user(request)
    if not user.can_write:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = TicketForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_open(
                    by=user,
                    subject=data["subject"],
                    person=data["person"],
                    company=data["company"],
                    site=data["site"],
                    description=data["description"],
                    category=data["category"],
                    priority=data["priority"],
                    channel=data["channel"],
                    assignee=data["assignee"],
                    origin=data["origin"],
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Demande {ref} ouverte.").format(ref=ticket.reference))
                return redirect(ticket)
        status = 422
    else:
        initial: dict[str, Any] = {"assignee": user.pk}
        for name in ("person", "company", "site"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        channel = request.GET.get("channel", "")
        if channel in TicketChannel.values:
            initial["channel"] = channel
        origin = request.GET.get("origin", "")
        if ORIGIN_PATTERN.match(origin):
            initial["origin"] = origin
        form = TicketForm(initial=initial, user=user)
    return render(
        request,
        "tickets/ticket_form.html",
        {"form": form, "next": _safe_next(request)},
        status=status,
    )


def _safe_next(request: HttpRequest) -> str:
    """Where « Annuler » goes back to: only a page of this site."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
@require_GET
def site_options(request: HttpRequest) -> HttpResponse:
    """The site select for the chosen customer (HTMX refresh in the form)."""
    form = TicketForm(request.GET, user=_user(request))
    return render(request, "tickets/_site_field.html", {"field": form["site"]})


# --- one ticket ------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    recipients = selectors.reply_recipients(ticket)
    recipient = recipients[0] if recipients else None
    if recipient is None:
        reply_label = _("Noter la réponse donnée par téléphone")
    elif recipient.channel == "email":
        reply_label = _("Envoyer l'e-mail à {name}").format(name=recipient.name)
    else:
        reply_label = _("Envoyer le SMS à {name}").format(name=recipient.name)
    context = {
        "ticket": ticket,
        "due": due_times(ticket),
        "late": ticket.is_overdue(),
        "conversation": list(ticket.messages.all()),
        "attachments": [a for a in ticket.attachments.all() if a.message_id is None],
        "recipient": recipient,
        "recipients": recipients,
        "reply_label": reply_label,
        "reply_form": MessageForm(),
        "note_form": MessageForm(),
        "attach_form": AttachmentForm(),
        "side_form": SidePanelForm(
            user=user,
            initial={
                "assignee": ticket.assignee_id,
                "priority": ticket.priority,
                "category": ticket.category_id,
            },
        ),
        "status_actions": [
            (s, STATUS_ACTIONS.get(Status(s), Status(s).label)) for s in ticket.allowed_statuses
        ],
        "can_write": user.can_write,
        "kinds": MessageKind,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket))


def _back(ticket: Ticket) -> HttpResponse:
    return redirect(ticket)


@login_required
@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    user = _user(request)
    status = request.POST.get("status", "")
    try:
        services.ticket_set_status(ticket=ticket, status=status, by=user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("{ref} : {status}.").format(ref=ticket.reference, status=Status(status).label),
        )
    return _back(ticket)


@login_required
@require_POST
def update(request: HttpRequest, pk: int) -> HttpResponse:
    """Assignee, priority and category from the side panel."""
    ticket = _ticket(request, pk)
    user = _user(request)
    form = SidePanelForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return _back(ticket)
    try:
        services.ticket_update(ticket=ticket, by=user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Demande mise à jour."))
    return _back(ticket)


def _conversation_post(request: HttpRequest, pk: int, *, public: bool) -> HttpResponse:
    ticket = _ticket(request, pk)
    user = _user(request)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Le message est vide."))
        return _back(ticket)
    try:
        if public:
            message = services.ticket_reply(
                ticket=ticket, by=user, body=form.cleaned_data["body"], via=form.cleaned_data["via"]
            )
        else:
            message = services.ticket_note(ticket=ticket, by=user, body=form.cleaned_data["body"])
        if form.cleaned_data.get("file"):
            services.ticket_attach(
                ticket=ticket, by=user, file=form.cleaned_data["file"], message=message
            )
    except ValidationError as exc:
        # Nothing is lost: the text stays in the composer with the error.
        context = _detail_context(
            request,
            _ticket(request, pk),
            **{
                ("reply_form" if public else "note_form"): form,
                ("reply_error" if public else "note_error"): _error_text(exc),
            },
        )
        return render(request, "tickets/ticket_detail.html", context, status=422)
    if public:
        if message.sent_to:
            messages.success(request, _("Réponse envoyée à {to}.").format(to=message.sent_to))
        else:
            messages.success(request, _("Réponse notée."))
    else:
        messages.success(request, _("Note interne ajoutée."))
    return _back(ticket)


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _conversation_post(request, pk, public=True)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _conversation_post(request, pk, public=False)


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    user = _user(request)
    form = AttachmentForm(request.POST, request.FILES)
    error = ""
    if not form.is_valid():
        error = _("Choisissez un fichier.")
    else:
        try:
            attachment = services.ticket_attach(
                ticket=ticket, by=user, file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, _("« {name} » ajouté.").format(name=attachment.filename))
            return _back(ticket)
    context = _detail_context(request, _ticket(request, pk), attach_error=error)
    return render(request, "tickets/ticket_detail.html", context, status=422)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Download an attachment; another workspace's id is not found."""
    user = _user(request)
    try:
        item = TicketAttachment.objects.get(pk=pk, workspace_id=user.workspace_id)
    except TicketAttachment.DoesNotExist:
        raise Http404 from None
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not (item.is_image or item.content_type == "application/pdf"),
        filename=item.filename,
        content_type=item.content_type,
    )


# --- panels ----------------------------------------------------------------------------------


@login_required
@require_GET
def desk_panel(request: HttpRequest) -> HttpResponse:
    """Bureau › Demandes: my open tickets by due time, late and soon ones flagged."""
    user = _user(request)
    now = timezone.now()
    mine = selectors.tickets_for(user).open().filter(assignee_id=user.pk)
    rows = list(mine.select_related("person", "company").by_due()[: DESK_SHOWN + 1])
    return render(
        request,
        "tickets/_desk_panel.html",
        {
            "rows": [(t, badge(t, now)) for t in rows[:DESK_SHOWN]],
            "more": len(rows) > DESK_SHOWN,
            "total": mine.count(),
            "late": mine.overdue(now).count(),
            "unassigned": selectors.tickets_for(user).open().filter(assignee__isnull=True).count(),
        },
    )


@login_required
@require_GET
def customer_panel(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The « Demandes » panel of a person's or company's page."""
    user = _user(request)
    customer: Any
    try:
        if kind == "person":
            customer = contacts.people_for(user).get(pk=pk)
            tickets = selectors.tickets_for_customer(user, person=customer)
            new_url = reverse("tickets:create") + f"?person={pk}"
        elif kind == "company":
            customer = contacts.companies_for(user).get(pk=pk)
            tickets = selectors.tickets_for_customer(user, company=customer)
            new_url = reverse("tickets:create") + f"?company={pk}"
        else:
            raise Http404
    except (Person.DoesNotExist, Company.DoesNotExist):
        raise Http404 from None
    now = timezone.now()
    shown = list(tickets[:10])
    return render(
        request,
        "tickets/_customer_panel.html",
        {
            "rows": [(t, badge(t, now)) for t in shown],
            "total": tickets.count(),
            "open_count": tickets.filter(status__in=OPEN_STATUSES).count(),
            "new_url": new_url,
            "customer": customer,
            "can_write": user.can_write,
        },
    )


# --- settings --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Réglages › Demandes: SLA targets, opening hours, categories; managers change them."""
    user = _user(request)
    can_edit = bool(user.is_manager and user.can_write)
    policies = {
        p.priority: (p.first_response_minutes, p.resolution_minutes)
        for p in selectors.sla_policies_for(user)
    }
    days = {h.weekday: (h.is_open, h.opens, h.closes) for h in selectors.business_hours_for(user)}
    sla_form = SlaForm(policies=policies, prefix="sla")
    hours_form = HoursForm(days=days, prefix="hours")
    category_form = CategoryForm(prefix="category")
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        section = request.POST.get("section", "")
        try:
            if section == "sla":
                sla_form = SlaForm(request.POST, policies=policies, prefix="sla")
                if sla_form.is_valid():
                    services.sla_policies_update(by=user, targets=sla_form.targets())
                    messages.success(request, _("Délais enregistrés."))
                    return redirect("tickets:settings")
            elif section == "hours":
                hours_form = HoursForm(request.POST, days=days, prefix="hours")
                if hours_form.is_valid():
                    services.business_hours_update(by=user, days=hours_form.days())
                    messages.success(request, _("Horaires d'ouverture enregistrés."))
                    return redirect("tickets:settings")
            elif section == "category":
                category_form = CategoryForm(request.POST, prefix="category")
                if category_form.is_valid():
                    services.ticket_category_save(by=user, name=category_form.cleaned_data["name"])
                    messages.success(request, _("Catégorie ajoutée."))
                    return redirect("tickets:settings")
            elif section == "toggle":
                category = TicketCategory.objects.filter(
                    workspace_id=user.workspace_id, pk=request.POST.get("category") or 0
                ).first()
                if category is None:
                    raise Http404
                services.ticket_category_save(
                    by=user, category=category, name=category.name, is_active=not category.is_active
                )
                messages.success(request, _("Catégorie mise à jour."))
                return redirect("tickets:settings")
        except ValidationError as exc:
            form = {"sla": sla_form, "hours": hours_form, "category": category_form}.get(section)
            if form is not None:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
        status = 422
    return render(
        request,
        "tickets/settings.html",
        {
            "can_edit": can_edit,
            "sla_form": sla_form,
            "hours_form": hours_form,
            "category_form": category_form,
            "categories": selectors.categories_for(user, active_only=False),
        },
        status=status,
    )
