"""Send e-mails and SMS from the workspace's templates: rendered at once, delivered after commit.

A failing provider never blocks the operation that asked for the message: the message stays in
the outbox, is retried with a growing delay and finally shows as failed where it belongs.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import smtplib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from comptoir.accounts.models import Workspace
from comptoir.accounts.services import require_writer
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.lib.phone import InvalidPhone, normalize_phone
from comptoir.messaging import defaults
from comptoir.messaging.masking import mask_secrets
from comptoir.messaging.models import Channel, Message, MessageStatus, MessageTemplate
from comptoir.messaging.rendering import (
    SmsLength,
    TemplateError,
    appointment_context,
    compile_template,
    render,
    sample_context,
    sms_length,
    workspace_language,
)
from comptoir.messaging.sms import SmsError, sms_backend

__all__ = [
    "appointment_context",
    "message_deliver",
    "message_retry",
    "message_send",
    "message_template_preview",
    "message_template_update",
    "message_templates_seed",
    "messages_deliver_due",
    "sample_context",
    "workspace_language",
]

logger = logging.getLogger(__name__)

# A delivery in progress holds its message this long; a worker that died frees it afterwards.
DELIVERY_LEASE = dt.timedelta(minutes=5)
ERROR_LIMIT = 500


# --- templates -------------------------------------------------------------------------------


def message_templates_seed(*, workspace: Any) -> int:
    """Create the default templates the workspace lacks, in its language (idempotent); how many
    were added."""
    existing = set(
        MessageTemplate.objects.filter(workspace=workspace).values_list("code", "channel")
    )
    rows = []
    with translation.override(workspace_language(workspace)):
        for default in defaults.TEMPLATES:
            if (default.code, Channel.EMAIL) not in existing:
                rows.append(
                    MessageTemplate(
                        workspace=workspace,
                        code=default.code,
                        channel=Channel.EMAIL,
                        subject=str(default.subject),
                        body=str(default.email),
                    )
                )
            if (default.code, Channel.SMS) not in existing:
                rows.append(
                    MessageTemplate(
                        workspace=workspace,
                        code=default.code,
                        channel=Channel.SMS,
                        body=str(default.sms),
                    )
                )
    MessageTemplate.objects.bulk_create(rows)
    return len(rows)


def require_template_editor(by: Any) -> None:
    """Message texts speak for the company: administrators and managers only."""
    if not getattr(by, "is_active", False) or not getattr(by, "is_manager", False):
        raise PermissionDenied(
            _("Seuls les administrateurs et les responsables modifient les modèles de messages.")
        )


def _template_errors(channel: str, subject: str, body: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not body.strip():
        errors["body"] = _("Le texte du message est vide.")
    if channel == Channel.EMAIL and not subject.strip():
        errors["subject"] = _("Indiquez l'objet de l'e-mail.")
    for name, source in (("subject", subject), ("body", body)):
        if name in errors:
            continue
        try:
            compile_template(source)
        except TemplateError as exc:
            errors[name] = exc.message
    return errors


@transaction.atomic
def message_template_update(
    *, template: MessageTemplate, by: Any, body: str, subject: str = "", is_active: bool = True
) -> MessageTemplate:
    """Change a template's text; a template that does not compile is refused, nothing saved."""
    require_template_editor(by)
    if template.workspace_id != by.workspace_id:
        raise PermissionDenied
    subject = " ".join((subject or "").split()) if template.channel == Channel.EMAIL else ""
    body = (body or "").replace("\r\n", "\n")
    errors = _template_errors(template.channel, subject, body)
    if errors:
        raise ValidationError(errors)
    before = snapshot(template)
    template.subject = subject
    template.body = body
    template.is_active = is_active
    template.full_clean(exclude=["workspace"])
    template.save()
    audit_record(actor=by, instance=template, action=Action.UPDATE, before=before)
    return template


@transaction.atomic
def message_template_reset(*, template: MessageTemplate, by: Any) -> MessageTemplate:
    """Put the default text back, in the workspace's language."""
    default = defaults.default_for(template.code)
    if default is None:
        raise ValidationError(_("Ce modèle n'a pas de texte par défaut."))
    with translation.override(workspace_language(template.workspace)):
        subject, email, sms = str(default.subject), str(default.email), str(default.sms)
    if template.channel == Channel.EMAIL:
        return message_template_update(
            template=template, by=by, subject=subject, body=email, is_active=template.is_active
        )
    return message_template_update(template=template, by=by, body=sms, is_active=template.is_active)


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    sms: SmsLength | None


def message_template_preview(
    *, channel: str, body: str, subject: str = "", context: Mapping[str, Any] | None = None
) -> Preview:
    """Render a draft over sample values (or ``context``); ValidationError in French if broken."""
    errors = _template_errors(channel, subject, body)
    if errors:
        raise ValidationError(errors)
    context = context if context is not None else sample_context()
    try:
        rendered_subject = _one_line(render(subject, context)) if channel == Channel.EMAIL else ""
        rendered_body = render(body, context).strip()
    except TemplateError as exc:
        raise ValidationError({"body": exc.message}) from exc
    return Preview(
        subject=rendered_subject,
        body=rendered_body,
        sms=sms_length(rendered_body) if channel == Channel.SMS else None,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- sending ---------------------------------------------------------------------------------


def _attachment(item: Any) -> dict[str, str]:
    """``(filename, content, mimetype)`` or a dict with these keys → the stored form."""
    if isinstance(item, Mapping):
        filename = item["filename"]
        mimetype = item.get("mimetype") or "application/octet-stream"
        if "content_b64" in item:
            return {"filename": filename, "mimetype": mimetype, "content_b64": item["content_b64"]}
        content = item["content"]
    else:
        filename, content, mimetype = item
    raw = content.encode() if isinstance(content, str) else bytes(content)
    return {
        "filename": str(filename),
        "mimetype": str(mimetype),
        "content_b64": base64.b64encode(raw).decode("ascii"),
    }


def templates_ensure(
    *,
    workspace_id: int,
    code: str,
    subject: str | Promise,
    email: str | Promise,
    sms: str | Promise,
) -> None:
    """Create a message's e-mail and SMS texts on first use, for apps whose messages are not
    seeded with the workspace; kept as they are once they exist (editable in Réglages).

    Lazy texts (``gettext_lazy``) are written in the workspace's language. Every ``code`` needs
    a label in ``defaults.LABELS``.
    """
    have = set(
        MessageTemplate.objects.filter(workspace_id=workspace_id, code=code).values_list(
            "channel", flat=True
        )
    )
    if {Channel.EMAIL, Channel.SMS} <= have:
        return
    workspace = Workspace.objects.get(pk=workspace_id)
    with translation.override(workspace_language(workspace)):
        texts = ((Channel.EMAIL, str(subject), str(email)), (Channel.SMS, "", str(sms)))
    for channel, subj, body in texts:
        if channel not in have:
            MessageTemplate.objects.get_or_create(
                workspace_id=workspace_id,
                code=code,
                channel=channel,
                defaults={"subject": subj, "body": body},
            )


def message_send(
    *,
    workspace: Any,
    channel: str,
    to: str,
    template_code: str,
    context: Mapping[str, Any],
    interaction: Any = None,
    attachments: Iterable[Any] = (),
    dedupe_key: str = "",
    headers: Mapping[str, str] | None = None,
) -> Message | None:
    """Render the workspace's ``template_code`` for ``channel`` now; deliver after commit.

    Returns None (and creates nothing) when the template is missing or switched off, or ``to``
    is empty. With a ``dedupe_key`` already used in the workspace, nothing new is created and
    the existing message is returned. Attachments: ``(filename, bytes or str, mimetype)``
    tuples or ``{"filename", "mimetype", "content"}`` dicts. ``headers`` (e-mail only): extra
    headers such as Message-ID, In-Reply-To, References or Reply-To. Never raises because of the
    recipient or the provider: such problems end up on the message (status "failed").
    """
    to = (to or "").strip()
    if not to:
        return None
    template = MessageTemplate.objects.filter(
        workspace=workspace, code=template_code, channel=channel
    ).first()
    if template is None or not template.is_active:
        return None
    if dedupe_key:
        existing = Message.objects.filter(workspace=workspace, dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    now = timezone.now()
    message = Message(
        workspace=workspace,
        channel=channel,
        template_code=template_code,
        to=to[:254],
        interaction=interaction,
        dedupe_key=dedupe_key,
        attachments=[_attachment(a) for a in attachments] if channel == Channel.EMAIL else [],
        headers={str(k): str(v) for k, v in (headers or {}).items() if v}
        if channel == Channel.EMAIL
        else {},
        next_attempt_at=now,
    )
    try:
        if channel == Channel.EMAIL:
            message.subject = _one_line(render(template.subject, context))[:255]
        message.body = render(template.body, context).strip()
        mask_secrets(message, template=template, context=context)
    except TemplateError as exc:
        message.status = MessageStatus.FAILED
        message.next_attempt_at = None
        message.last_error = _("Modèle « {code} » illisible : {error}").format(
            code=template_code, error=exc.message
        )[:ERROR_LIMIT]
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if not dedupe_key:
            raise
        return Message.objects.get(workspace=workspace, dedupe_key=dedupe_key)
    if message.status == MessageStatus.PENDING:
        _deliver_on_commit(message.pk)
    return message


def _deliver_on_commit(message_id: int) -> None:
    from comptoir.messaging.tasks import message_deliver_task

    # robust: a queue that cannot be reached must not fail the caller's request; the periodic
    # sweep delivers the message anyway.
    transaction.on_commit(lambda: message_deliver_task(message_id), robust=True)


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def _recipient(message: Message) -> str:
    if message.channel == Channel.EMAIL:
        address = message.to.strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            raise DeliveryError(
                _("Adresse e-mail invalide : « {to} ».").format(to=message.to), permanent=True
            ) from None
        return address
    try:
        return normalize_phone(message.to, settings.COMPTOIR_DEFAULT_REGION)
    except InvalidPhone:
        raise DeliveryError(
            _("Numéro de téléphone invalide : « {to} ».").format(to=message.to), permanent=True
        ) from None


def _from_email(workspace: Any) -> str:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    # Django encodes the accented display name when it sends.
    return str(Address(display_name=workspace.name, addr_spec=address))


def _sms_sender(workspace: Any) -> str:
    """An alphanumeric sender: at most 11 letters, digits or spaces."""
    if settings.COMPTOIR_SMS_SENDER:
        return str(settings.COMPTOIR_SMS_SENDER)
    ascii_name = unicodedata.normalize("NFKD", workspace.name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9 ]", "", ascii_name).strip()[:11].strip()


def _send_email(message: Message, to: str) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject_to_send,
        body=message.body_to_send,
        from_email=_from_email(message.workspace),
        to=[to],
        reply_to=[message.headers["Reply-To"]] if message.headers.get("Reply-To") else None,
        headers={k: v for k, v in message.headers.items() if k.lower() != "reply-to"},
    )
    email.attach_alternative(
        f'<div style="font-family: sans-serif; line-height: 1.5">'
        f"{linebreaks(urlize(escape(message.body_to_send)))}</div>",
        "text/html",
    )
    for item in message.attachments:
        email.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            _("Adresse refusée par le serveur d'e-mail : {to}.").format(to=to), permanent=True
        ) from exc
    except smtplib.SMTPResponseException as exc:
        detail = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else exc.smtp_error
        )
        raise DeliveryError(
            _("Le serveur d'e-mail a refusé l'envoi ({code} {detail}).").format(
                code=exc.smtp_code, detail=detail
            )
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            _("Serveur d'e-mail injoignable : {error}").format(
                error=exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            )
        ) from exc


def _send_sms(message: Message, to: str) -> None:
    try:
        sms_backend().send(to=to, text=message.body_to_send, sender=_sms_sender(message.workspace))
    except SmsError as exc:
        raise DeliveryError(str(exc)) from exc


def _retry_delay(attempts: int) -> dt.timedelta:
    """1 min, 5 min, 25 min, 2 h 05… after the 1st, 2nd, 3rd, 4th failed attempt."""
    return dt.timedelta(minutes=5 ** max(attempts - 1, 0))


def message_deliver(message_id: int) -> Message | None:
    """Try to deliver one due message; None when it is not due (sent, failed, or being sent).

    The message is claimed with one conditional UPDATE, so the task queued at commit and the
    periodic sweep never deliver the same message twice.
    """
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id).due(now).update(next_attempt_at=now + DELIVERY_LEASE)
    )
    if not claimed:
        return None
    message = Message.objects.select_related("workspace").get(pk=message_id)
    error: DeliveryError | None = None
    try:
        to = _recipient(message)
        if message.channel == Channel.EMAIL:
            _send_email(message, to)
        else:
            _send_sms(message, to)
    except DeliveryError as exc:
        error = exc
    except Exception as exc:  # a provider's bug must not stop the queue
        logger.exception("Message %s could not be delivered", message_id)
        error = DeliveryError(_("Erreur inattendue : {error}").format(error=exc))
    message.attempts += 1
    if error is None:
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.last_error = ""
        # Delivered: the one-time secret is no longer kept anywhere.
        message.unmasked_subject = message.unmasked_body = ""
    else:
        message.last_error = error.message[:ERROR_LIMIT]
        if error.permanent or message.attempts >= settings.COMPTOIR_MESSAGE_MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED
            message.next_attempt_at = None
        else:
            message.next_attempt_at = timezone.now() + _retry_delay(message.attempts)
    message.save(
        update_fields=[
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "unmasked_subject",
            "unmasked_body",
        ]
    )
    return message


def messages_deliver_due(*, limit: int = 200) -> int:
    """Deliver what is due (new messages whose task was lost, retries); how many were tried."""
    ids = list(
        Message.objects.due(timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        message_deliver(message_id)
    return len(ids)


@transaction.atomic
def message_retry(*, message: Message, by: Any) -> Message:
    """ "Renvoyer": a failed message goes back to the outbox for a new series of attempts."""
    require_writer(by)
    if message.workspace_id != by.workspace_id:
        raise PermissionDenied
    if message.status != MessageStatus.FAILED:
        raise ValidationError(_("Seul un message en échec peut être renvoyé."))
    if not message.body:
        raise ValidationError(_("Ce message est vide : corrigez son modèle puis renvoyez-le."))
    before = snapshot(message)
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(actor=by, instance=message, action=Action.UPDATE, before=before)
    _deliver_on_commit(message.pk)
    return message
