"""Réglages › Boîte de réception, and the e-mails received (source and files downloadable)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.inbox import selectors, services
from comptoir.inbox.forms import MailboxForm
from comptoir.inbox.models import InboundAttachment, InboundMessage, Mailbox, Outcome

RECENT = 20


def _user(request: HttpRequest) -> Any:
    user: Any = request.user
    if getattr(user, "workspace_id", None) is None:
        raise PermissionDenied
    return user


def _manager(request: HttpRequest) -> Any:
    user = _user(request)
    if not (user.is_manager and user.can_write):
        raise PermissionDenied(
            _("Seuls les administrateurs et les responsables règlent la boîte de réception.")
        )
    return user


def _webhook_url(request: HttpRequest, mailbox: Mailbox) -> str:
    path = reverse("api:inbound_email_webhook", kwargs={"secret": mailbox.secret})
    base = getattr(settings, "COMPTOIR_PUBLIC_URL", "") or request.build_absolute_uri("/")
    return base.rstrip("/") + path


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """IMAP settings, the address to give customers, the provider URL, the last e-mails."""
    user = _manager(request)
    mailbox = services.mailbox_for(user.workspace_id)
    form = MailboxForm(initial=MailboxForm.initial_for(mailbox), user=user)
    status = 200
    if request.method == "POST":
        form = MailboxForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.mailbox_update(mailbox=mailbox, by=user, **form.cleaned_data)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Boîte de réception enregistrée."))
                return redirect("inbox:settings")
        mailbox.refresh_from_db()
        status = 422
    recent = selectors.inbound_messages_for(user)[:RECENT]
    return render(
        request,
        "inbox/settings.html",
        {
            "form": form,
            "mailbox": mailbox,
            "webhook_url": _webhook_url(request, mailbox),
            "recent": recent,
            "rejected": Outcome.REJECTED,
        },
        status=status,
    )


@login_required
@require_POST
def test_connection(request: HttpRequest) -> HttpResponse:
    """« Tester la connexion » with the settings as typed (the stored password if left empty)."""
    user = _manager(request)
    stored = services.mailbox_for(user.workspace_id)
    form = MailboxForm(request.POST, user=user)
    if not form.is_valid():
        ok, text = False, _("Corrigez d'abord les champs signalés.")
    else:
        data = form.cleaned_data
        trial = Mailbox(
            workspace_id=user.workspace_id,
            host=data["host"].strip(),
            port=data["port"],
            security=data["security"],
            username=data["username"].strip(),
            password=data["password"] or stored.password,
            folder=data["folder"].strip() or "INBOX",
        )
        ok, text = services.mailbox_test_connection(mailbox=trial)
    response = render(request, "inbox/_test_result.html", {"ok": ok, "text": text})
    return response


@login_required
@require_POST
def poll_now(request: HttpRequest) -> HttpResponse:
    """« Relever maintenant »: what the periodic task does, at once."""
    user = _manager(request)
    mailbox = services.mailbox_for(user.workspace_id)
    if not mailbox.is_configured:
        messages.error(request, _("Indiquez d'abord le serveur IMAP et l'identifiant."))
        return redirect("inbox:settings")
    result = services.mailbox_poll(mailbox=mailbox)
    if result.skipped:
        messages.info(request, _("Un relevé est déjà en cours."))
    elif result.error:
        messages.error(request, result.error)
    else:
        messages.success(
            request,
            ngettext(
                "Relevé terminé : {count} nouvel e-mail.",
                "Relevé terminé : {count} nouveaux e-mails.",
                result.received,
            ).format(count=result.received),
        )
    return redirect("inbox:settings")


def _message(request: HttpRequest, pk: int) -> InboundMessage:
    try:
        return selectors.inbound_messages_for(_user(request)).get(pk=pk)
    except InboundMessage.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = _message(request, pk)
    return render(
        request,
        "inbox/message_detail.html",
        {
            "inbound": inbound,
            "attachments": list(inbound.attachments.all()),
            "rejected": Outcome.REJECTED,
        },
    )


@login_required
@require_GET
def message_raw(request: HttpRequest, pk: int) -> FileResponse:
    """The e-mail exactly as received (.eml), to open in a mail program."""
    inbound = _message(request, pk)
    return FileResponse(
        inbound.raw.open("rb"),
        as_attachment=True,
        filename=f"email-{inbound.pk}.eml",
        content_type="message/rfc822",
    )


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    user = _user(request)
    try:
        item = selectors.inbound_attachments_for(user).get(pk=pk)
    except InboundAttachment.DoesNotExist:
        raise Http404 from None
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.filename,
        content_type=item.content_type,
    )
