"""Inbound e-mail: a raw MIME message POSTed by a mail provider or a script becomes a ticket
message, an "E-mail" interaction or a task, exactly as if the mailbox had been read by IMAP.

Two ways to authenticate:

* ``POST /api/v1/inbound/email`` with a bearer token (a colleague who may write): the message
  goes to the token's workspace;
* ``POST /api/v1/inbound/email/<secret>`` without a token, for providers that cannot send one
  (Mailgun, Postmark, SendGrid…): the secret of the workspace's mailbox (Réglages › Boîte de
  réception) names the workspace.

The body is the raw message (``Content-Type: message/rfc822``); Mailgun's ``body-mime`` and
SendGrid's ``email`` form fields and Postmark's ``RawEmail`` JSON key are read too.
"""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from comptoir.accounts.models import Workspace
from comptoir.accounts.services import require_writer
from comptoir.api.auth import user_of
from comptoir.api.errors import ApiError
from comptoir.api.schemas import ErrorOut
from comptoir.inbox.models import InboundMessage, Mailbox, Outcome, Source
from comptoir.inbox.services import MAX_RAW_BYTES, Receipt, mail_receive, mailbox_for

router = Router(tags=["E-mails entrants"])

RAW_TYPES = ("message/rfc822", "application/octet-stream", "text/plain")
FORM_FIELDS = ("body-mime", "email", "message", "raw")
JSON_KEYS = ("RawEmail", "raw", "body-mime")


class InboundOut(Schema):
    id: int = Field(description="Identifiant de l'e-mail reçu dans Comptoir.")
    duplicate: bool = Field(description="true : ce Message-ID était déjà reçu, rien n'a changé.")
    outcome: str = Field(
        description="ticket_message, new_ticket, interaction, unknown_sender ou rejected."
    )
    outcome_label: str
    reason: str = Field(description="Pourquoi l'e-mail a été refusé (ou ce qui en a été gardé).")
    message_id: str
    ticket: str | None = Field(description="Référence de la demande concernée (T-2026-0001).")


def _out(receipt: Receipt) -> InboundOut:
    inbound: InboundMessage = receipt.inbound
    return InboundOut(
        id=inbound.pk,
        duplicate=receipt.duplicate,
        outcome=inbound.outcome,
        outcome_label=str(Outcome(inbound.outcome).label),
        reason=inbound.reason,
        message_id=inbound.message_id,
        ticket=inbound.ticket.reference if inbound.ticket is not None else None,
    )


def _too_big() -> ApiError:
    return ApiError(
        413, _("Message trop volumineux : {size} Mo au plus.").format(size=MAX_RAW_BYTES // 2**20)
    )


def _raw_of(request: HttpRequest) -> bytes:
    """The raw message in the request, whatever the provider's way of sending it."""
    content_type = request.META.get("CONTENT_TYPE", "")
    kind = content_type.split(";")[0].strip().lower()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_RAW_BYTES * 2:
        raise _too_big()
    # Read the stream directly: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE (2,5 Mo).
    data = request.read(MAX_RAW_BYTES * 2 + 1)
    raw = b""
    if kind in RAW_TYPES or not kind:
        raw = data
    elif kind == "multipart/form-data":
        form = email.message_from_bytes(
            f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + data,
            policy=email.policy.HTTP,
        )
        fields: dict[str, bytes] = {}
        for part in form.walk():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = payload
        raw = next((fields[name] for name in FORM_FIELDS if name in fields), b"")
        if not raw:
            raise ApiError(
                422,
                _("Aucun champ « body-mime » ni « email » avec le message brut."),
                {"body": [_("Champ attendu : body-mime (Mailgun) ou email (SendGrid).")]},
            )
    elif kind == "application/json":
        try:
            document: Any = json.loads(data or b"null")
        except ValueError:
            raise ApiError(400, _("JSON illisible.")) from None
        value = next(
            (document[k] for k in JSON_KEYS if isinstance(document, dict) and document.get(k)),
            "",
        )
        raw = value.encode("utf-8") if isinstance(value, str) else b""
        if not raw:
            raise ApiError(
                422,
                _("Aucune clé « RawEmail » avec le message brut."),
                {"RawEmail": [_("Activez l'envoi du message brut chez votre fournisseur.")]},
            )
    else:
        raise ApiError(
            415,
            _(
                "Type « {type} » non pris en charge : envoyez le message brut en message/rfc822."
            ).format(type=kind),
        )
    if len(raw) > MAX_RAW_BYTES:
        raise _too_big()
    if not raw.strip():
        raise ApiError(400, _("Le message est vide."), {"body": [_("Le message est vide.")]})
    return raw


def _receive(request: HttpRequest, workspace: Workspace, mailbox: Mailbox, source: str) -> Any:
    raw = _raw_of(request)
    try:
        receipt = mail_receive(workspace=workspace, raw=raw, source=source, mailbox=mailbox)
    except ValidationError as exc:
        raise ApiError(400, " ".join(exc.messages)) from exc
    return Status(200 if receipt.duplicate else 201, _out(receipt))


RESPONSES: dict[int, Any] = {
    200: InboundOut,
    201: InboundOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
}


@router.post(
    "/email",
    response=RESPONSES,
    summary="Recevoir un e-mail (message brut)",
    description=(
        "Le corps est le message brut (`Content-Type: message/rfc822`). Il est rangé dans "
        "l'espace du jeton : message sur la demande citée (réponse à un e-mail de la demande, "
        "adresse `+T-2026-0001`, `[T-2026-0001]` dans l'objet), sinon interaction « E-mail » "
        "du client connu, sinon tâche « E-mail d'un inconnu ». 201 : reçu ; 200 : ce Message-ID "
        "était déjà reçu (rien n'est refait). Un message illisible est gardé et marqué refusé "
        "(201, `outcome` = `rejected`, `reason`)."
    ),
)
def inbound_email(request: HttpRequest) -> Any:
    user = user_of(request)
    try:
        require_writer(user)
    except PermissionDenied:
        raise ApiError(403, _("Ce jeton ne peut rien modifier (lecture seule).")) from None
    workspace = user.workspace
    assert workspace is not None
    return _receive(request, workspace, mailbox_for(workspace), Source.API)


@router.post(
    "/email/{secret}",
    auth=None,
    response=RESPONSES,
    summary="Recevoir un e-mail d'un fournisseur (adresse secrète)",
    description=(
        "Pour Mailgun, Postmark, SendGrid… qui ne savent pas envoyer de jeton : l'adresse "
        "contient le secret de la boîte de réception (Réglages › Boîte de réception). Même "
        "traitement que `POST /inbound/email`. Secret inconnu : 404."
    ),
)
def inbound_email_webhook(request: HttpRequest, secret: str) -> Any:
    mailbox = (
        Mailbox.objects.select_related("workspace").filter(secret=secret).first()
        if secret
        else None
    )
    if mailbox is None:
        raise ApiError(404, _("Adresse de réception inconnue."))
    return _receive(request, mailbox.workspace, mailbox, Source.WEBHOOK)
