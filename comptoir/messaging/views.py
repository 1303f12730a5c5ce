"""Views of messaging: Réglages › Modèles de messages, and the messages panel of an interaction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.activities.models import Interaction
from comptoir.activities.selectors import interaction_detail
from comptoir.lib.htmx import is_htmx
from comptoir.messaging import defaults, selectors, services
from comptoir.messaging.forms import MessageTemplateForm
from comptoir.messaging.models import Channel, Message, MessageStatus, MessageTemplate
from comptoir.messaging.rendering import TemplateError, merge_fields, sample_context
from comptoir.messaging.rendering import render as render_message


def _editor(request: HttpRequest) -> Any:
    """Administrators and managers; 403 for everyone else."""
    user = request.user
    try:
        services.require_template_editor(user)
    except PermissionDenied:
        raise PermissionDenied from None
    return user


def _template_or_404(user: Any, pk: int) -> MessageTemplate:
    try:
        return selectors.message_template_detail(user, pk)
    except MessageTemplate.DoesNotExist:
        raise Http404 from None


def _label(code: str) -> str:
    return str(defaults.LABELS.get(code, code))


# --- Réglages › Modèles de messages -----------------------------------------------------------


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    order = {code: i for i, code in enumerate(defaults.LABELS)}
    rows = sorted(
        selectors.message_templates_for(user),
        key=lambda t: (order.get(t.code, len(order)), t.code, t.channel != Channel.EMAIL),
    )
    groups: list[dict[str, Any]] = []
    sample = sample_context(user.workspace)
    for template in rows:
        if not groups or groups[-1]["code"] != template.code:
            groups.append({"code": template.code, "label": _label(template.code), "rows": []})
        # What the customer reads, on example values; the raw text is on the edit page.
        try:
            subject = " ".join(render_message(template.subject, sample).split())
            body = " ".join(render_message(template.body, sample).split())
        except TemplateError:
            subject, body = template.subject, template.body
        groups[-1]["rows"].append({"template": template, "subject": subject, "body": body})
    return render(request, "messaging/template_list.html", {"groups": groups})


def _preview(user: Any, channel: str, data: Any) -> dict[str, Any]:
    try:
        preview = services.message_template_preview(
            channel=channel,
            subject=data.get("subject", ""),
            body=data.get("body", ""),
            context=sample_context(user.workspace),
        )
    except ValidationError as exc:
        return {"preview_errors": exc.messages, "channel": channel}
    return {"preview": preview, "channel": channel}


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    template = _template_or_404(user, pk)
    form = MessageTemplateForm(request.POST or None, instance=template)
    status = 200
    if request.method == "POST":
        # The form is bound to a copy: a refused text must leave the stored template untouched.
        if form.is_valid():
            stored = _template_or_404(user, pk)
            try:
                services.message_template_update(
                    template=stored,
                    by=user,
                    subject=form.cleaned_data.get("subject", ""),
                    body=form.cleaned_data["body"],
                    is_active=form.cleaned_data["is_active"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Modèle « {label} » ({channel}) enregistré.").format(
                        label=_label(stored.code), channel=stored.get_channel_display()
                    ),
                )
                return redirect("messaging:templates")
        status = 400
    source = (
        request.POST
        if request.method == "POST"
        else {
            "subject": template.subject,
            "body": template.body,
        }
    )
    return render(
        request,
        "messaging/template_edit.html",
        {
            "template": template,
            "label": _label(template.code),
            "form": form,
            "fields": merge_fields(),
            "has_default": defaults.default_for(template.code) is not None,
            **_preview(user, template.channel, source),
        },
        status=status,
    )


@login_required
@require_POST
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft rendered on sample values, as the editor types (HTMX)."""
    user = _editor(request)
    template = _template_or_404(user, pk)
    return render(
        request, "messaging/_preview.html", _preview(user, template.channel, request.POST)
    )


@login_required
@require_POST
def template_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    template = _template_or_404(user, pk)
    try:
        services.message_template_reset(template=template, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Texte par défaut rétabli."))
    return redirect("messaging:template_edit", pk=template.pk)


# --- messages of an interaction -------------------------------------------------------------


def _interaction_or_404(user: Any, pk: int) -> Interaction:
    try:
        return interaction_detail(user, pk)
    except Interaction.DoesNotExist:
        raise Http404 from None


def _panel(request: HttpRequest, interaction: Interaction, **extra: Any) -> HttpResponse:
    user = request.user
    rows = list(selectors.messages_for_interaction(user, interaction))
    return render(
        request,
        "messaging/_interaction_messages.html",
        {
            "interaction": interaction,
            "message_rows": rows,
            "failed_count": sum(1 for m in rows if m.status == MessageStatus.FAILED),
            "can_write": getattr(user, "can_write", False),
            **extra,
        },
    )


@login_required
@require_GET
def interaction_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX panel of the interaction page: e-mails and SMS sent about it."""
    interaction = _interaction_or_404(request.user, pk)
    return _panel(request, interaction)


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Renvoyer" a failed message; answers with the refreshed panel."""
    user = request.user
    try:
        message = selectors.message_detail(user, pk)
    except Message.DoesNotExist:
        raise Http404 from None
    error = ""
    try:
        services.message_retry(message=message, by=user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if message.interaction_id is None:
        if error:
            messages.error(request, error)
        return redirect("activities:desk")
    interaction = _interaction_or_404(user, message.interaction_id)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Message remis en envoi."))
        return redirect(interaction.get_absolute_url())
    # Delivery may already have happened (after commit); show the message's real state.
    return _panel(request, interaction, retry_error=error, retried=message.pk)
