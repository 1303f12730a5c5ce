"""Inbound e-mail: parse, route onto a ticket, a timeline or a task; read the mailbox by IMAP.

``mail_receive`` is the single entry point (IMAP polling, the API and providers' webhooks all
call it). Its rules:

* the raw source is always stored first, whatever happens next (nothing is lost);
* the same Message-ID (or, without one, the same bytes) twice in a workspace is a no-op;
* malformed MIME, a missing sender or an automatic reply → kept, marked « Refusé » with a reason;
* a reference to a ticket (In-Reply-To/References of a reply sent from it, ``+T-2026-0001`` in
  the address, ``[T-2026-0001]`` in the subject) → a customer message on that ticket;
* a known sender (an e-mail of a person or company) → an « E-mail » interaction on their
  timeline, and a new ticket if the mailbox says so;
* an unknown sender → a task « E-mail d'un inconnu » for the mailbox's responsible colleague.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import hashlib
import html
import logging
import re
import secrets
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail.utils import DNS_NAME
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from imapclient import IMAPClient  # type: ignore[import-untyped]
from imapclient.exceptions import (  # type: ignore[import-untyped]
    IMAPClientError,
    LoginError,
)

from comptoir.accounts.models import Role, User
from comptoir.accounts.services import require_writer
from comptoir.activities.models import Interaction, Kind, Process, State
from comptoir.activities.services import interaction_create
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.contacts.models import Company, ContactKind, ContactPoint, Person
from comptoir.inbox.models import (
    InboundAttachment,
    InboundMessage,
    Mailbox,
    Outcome,
    Security,
    Source,
    ThreadReference,
)
from comptoir.lib.normalize import normalize_email
from comptoir.tickets.models import Ticket, TicketChannel, TicketMessage
from comptoir.tickets.services import (
    ALLOWED_TYPES,
    MAX_ATTACHMENT_BYTES,
    ticket_attachment_store,
    ticket_message_receive,
    ticket_open,
)

__all__ = [
    "MAX_RAW_BYTES",
    "MalformedMail",
    "Receipt",
    "mail_parse",
    "mail_receive",
    "mailbox_for",
    "mailbox_poll",
    "mailbox_test_connection",
    "mailbox_update",
    "mailboxes_poll",
    "reply_headers_for",
]

logger = logging.getLogger(__name__)

# What the API accepts in one request; IMAP messages of any size are kept.
MAX_RAW_BYTES = 30 * 1024 * 1024
# Files of one e-mail copied onto a ticket or kept with the e-mail.
MAX_ATTACHMENTS = 20
IMAP_TIMEOUT = 20
POLL_LEASE = dt.timedelta(minutes=5)
FETCH_BATCH = 20
BODY_LIMIT = 50_000

REFERENCE_RE = re.compile(r"\bT-(\d{4})-(\d{4,})\b", re.IGNORECASE)
PLUS_RE = re.compile(r"\+(T-\d{4}-\d{4,})@", re.IGNORECASE)
MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")
# Parser defects that mean the structure cannot be trusted (the text would be wrong or lost).
FATAL_DEFECTS = (
    "NoBoundaryInMultipartDefect",
    "StartBoundaryNotFoundDefect",
    "MultipartInvariantViolationDefect",
)
# The line a mail program puts above the quoted previous message.
QUOTE_HEADER_RE = re.compile(
    r"^\s*(?:(?:le|on)\s.{3,200}(?:a écrit|wrote)\s*:"
    r"|-{2,}\s*(?:original message|message d'origine)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)


# --- parsing ---------------------------------------------------------------------------------


class MalformedMail(Exception):
    """The bytes are not an e-mail we can read; ``reason`` says why, in French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    to: str
    recipients: list[str]
    subject: str
    body: str
    references: list[str]
    sent_at: dt.datetime | None
    automatic: bool
    attachments: list[Attachment] = field(default_factory=list)


def _header(message: EmailMessage, name: str) -> str:
    """A header as text; a header the parser cannot decode reads as its raw value."""
    try:
        value = message.get(name)
    except Exception:  # the stdlib's header parser raises on some broken encodings
        value = message.get_all(name, [""])[0] if message.get_all(name) else ""
    return " ".join(str(value or "").split())


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """``[(display name, address)]`` of an address header (lower-cased addresses)."""
    found: list[tuple[str, str]] = []
    for value in message.get_all(name, []) or []:
        try:
            addresses = list(getattr(value, "addresses", ()))
        except Exception:
            addresses = []
        if addresses:
            for item in addresses:
                addr = normalize_email(item.addr_spec)
                if addr:
                    found.append((str(item.display_name or ""), addr))
            continue
        for match in re.findall(r"[^\s<>,;\"']+@[^\s<>,;\"']+", str(value)):
            addr = normalize_email(match)
            if addr:
                found.append(("", addr))
    return found


def _message_ids(value: str) -> list[str]:
    return MESSAGE_ID_RE.findall(value or "")


def _text_of(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except Exception:  # unknown charset, broken transfer encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    text = str(content)
    if part.get_content_subtype() == "html":
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", text)
        text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", text)
        text = html.unescape(strip_tags(text))
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _safe_filename(name: str, index: int) -> str:
    name = " ".join((name or "").split()).replace("/", "_").replace("\\", "_").strip(". ")
    return (name or f"piece-jointe-{index}")[-200:]


def mail_parse(raw: bytes) -> ParsedMail:
    """Read an e-mail with the stdlib (policy=default); MalformedMail when it cannot be trusted."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:
        raise MalformedMail(_("Message illisible : {error}").format(error=exc)) from exc
    assert isinstance(message, EmailMessage)
    if not message.keys():
        raise MalformedMail(_("Aucun en-tête : ce n'est pas un e-mail."))
    defects = [type(d).__name__ for part in message.walk() for d in part.defects]
    fatal = [name for name in defects if name in FATAL_DEFECTS]
    if fatal:
        raise MalformedMail(
            _(
                "Structure MIME invalide ({defects}) : le texte ne peut pas être lu sûrement."
            ).format(defects=", ".join(sorted(set(fatal))))
        )
    senders = _addresses(message, "From")
    if not senders:
        raise MalformedMail(_("Expéditeur absent ou illisible (en-tête From)."))
    from_name, from_address = senders[0]
    recipients = [
        addr
        for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
        for _n, addr in _addresses(message, name)
    ]
    ids = _message_ids(_header(message, "Message-ID"))
    message_id = ids[0] if ids else ""
    if not message_id and _header(message, "Message-ID"):
        message_id = f"<{_header(message, 'Message-ID').strip('<> ')}>"
    references = _message_ids(_header(message, "References")) + _message_ids(
        _header(message, "In-Reply-To")
    )
    sent_at: dt.datetime | None = None
    try:
        date = parsedate_to_datetime(_header(message, "Date"))
        sent_at = date if date.tzinfo else None
    except (TypeError, ValueError, IndexError):
        pass
    auto = _header(message, "Auto-Submitted").lower()
    precedence = _header(message, "Precedence").lower()
    automatic = (
        bool(auto and auto != "no")
        or precedence in ("auto_reply", "bulk", "junk")
        or bool(_header(message, "X-Autoreply") or _header(message, "X-Autorespond"))
    )
    body_part = None
    try:
        body_part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body_part = None
    body = _text_of(body_part) if isinstance(body_part, EmailMessage) else ""
    attachments: list[Attachment] = []
    for index, part in enumerate(message.walk(), start=1):
        if part is body_part or part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if not filename and disposition != "attachment":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        attachments.append(
            Attachment(
                filename=_safe_filename(str(filename or ""), index),
                content_type=part.get_content_type(),
                content=payload,
            )
        )
    return ParsedMail(
        message_id=message_id[:255],
        from_address=from_address[:254],
        from_name=" ".join(from_name.split())[:200],
        to=", ".join(addr for _n, addr in _addresses(message, "To"))[:1000],
        recipients=recipients,
        subject=_header(message, "Subject")[:255],
        body=body[:BODY_LIMIT],
        references=references,
        sent_at=sent_at,
        automatic=automatic,
        attachments=attachments,
    )


def strip_quoted(text: str) -> str:
    """The new part of an answer: the quoted previous message and ``>`` lines removed."""
    kept: list[str] = []
    for line in text.split("\n"):
        if QUOTE_HEADER_RE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


# --- the mailbox -----------------------------------------------------------------------------


def mailbox_for(workspace: Any) -> Mailbox:
    """The workspace's mailbox (created empty, switched off, on first use)."""
    workspace_id = getattr(workspace, "pk", workspace)
    try:
        with transaction.atomic():
            found, _created = Mailbox.objects.get_or_create(workspace_id=workspace_id)
    except IntegrityError:
        found = Mailbox.objects.get(workspace_id=workspace_id)
    return found


MAILBOX_FIELDS = (
    "address",
    "host",
    "port",
    "security",
    "username",
    "password",
    "folder",
    "enabled",
    "create_tickets",
    "owner",
)


def _require_manager(by: Any) -> None:
    require_writer(by)
    if not getattr(by, "is_manager", False):
        raise PermissionDenied(
            _("Seuls les administrateurs et les responsables modifient la boîte de réception.")
        )


def _settings_snapshot(mailbox: Mailbox) -> dict[str, str]:
    """The audited settings; the password only as « changed » (never written in the log)."""
    values = {k: v for k, v in snapshot(mailbox).items() if k in MAILBOX_FIELDS}
    values["password"] = "••••••" if mailbox.password else ""
    return values


@transaction.atomic
def mailbox_update(*, mailbox: Mailbox, by: Any, **fields: Any) -> Mailbox:
    """Change the mailbox settings (managers); an empty password keeps the stored one."""
    _require_manager(by)
    if mailbox.workspace_id != by.workspace_id:
        raise PermissionDenied
    unknown = set(fields) - set(MAILBOX_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = _settings_snapshot(mailbox)
    password_changed = bool(fields.get("password")) and fields["password"] != mailbox.password
    if not fields.get("password"):
        fields.pop("password", None)
    for name, value in fields.items():
        if isinstance(value, str) and name != "password":
            value = value.strip()
        setattr(mailbox, name, value)
    errors: dict[str, str] = {}
    owner = mailbox.owner
    if owner is not None and (owner.workspace_id != by.workspace_id or not owner.is_active):
        errors["owner"] = _("Choisissez un collègue actif.")
    if mailbox.enabled and not (mailbox.host and mailbox.username and mailbox.password):
        errors["enabled"] = _(
            "Indiquez le serveur, l'identifiant et le mot de passe avant d'activer le relevé."
        )
    if errors:
        raise ValidationError(errors)
    mailbox.full_clean(exclude=["workspace", "owner"])
    mailbox.save()
    after = _settings_snapshot(mailbox)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if password_changed:
        changes["password"] = ["••••••" if before["password"] else "", "••••••"]
    if changes:
        audit_record(actor=by, instance=mailbox, action=Action.UPDATE, changes=changes)
    return mailbox


def _actor(mailbox: Mailbox) -> User | None:
    """Who the e-mail's interaction, task or ticket is filed by: the responsible colleague,
    else the first active administrator or manager, else any colleague who may write."""
    owner = mailbox.owner
    if owner is not None and owner.is_active and owner.role != Role.READ_ONLY:
        return owner
    users = User.objects.filter(workspace_id=mailbox.workspace_id, is_active=True).exclude(
        role=Role.READ_ONLY
    )
    for user in users.order_by("pk"):
        if user.is_manager:
            return user
    return users.order_by("pk").first()


# --- receiving -------------------------------------------------------------------------------


@dataclass
class Receipt:
    """What one delivery did: the logged e-mail, and whether it had been received already."""

    inbound: InboundMessage
    duplicate: bool


def _key(parsed: ParsedMail | None, raw: bytes) -> str:
    if parsed is not None and parsed.message_id:
        return parsed.message_id
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def mail_receive(
    *, workspace: Any, raw: bytes, source: str, mailbox: Mailbox | None = None
) -> Receipt:
    """Log and route one raw e-mail (see the module's docstring); idempotent per Message-ID."""
    if not raw or not raw.strip():
        raise ValidationError(_("Le message est vide."))
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    workspace_id = getattr(workspace, "pk", workspace)
    mailbox = mailbox or mailbox_for(workspace_id)
    parsed: ParsedMail | None = None
    reason = ""
    try:
        parsed = mail_parse(raw)
    except MalformedMail as exc:
        reason = exc.reason
    key = _key(parsed, raw)
    existing = InboundMessage.objects.filter(workspace_id=workspace_id, key=key).first()
    if existing is not None:
        return Receipt(existing, duplicate=True)
    inbound = InboundMessage(
        workspace_id=workspace_id,
        source=source,
        key=key,
        outcome=Outcome.REJECTED,
        reason=reason[:500],
        size=len(raw),
    )
    if parsed is not None:
        inbound.message_id = parsed.message_id
        inbound.from_address = parsed.from_address
        inbound.from_name = parsed.from_name
        inbound.to = parsed.to
        inbound.subject = parsed.subject
        inbound.body = parsed.body
    digest = hashlib.sha256(raw).hexdigest()[:32]
    try:
        with transaction.atomic():
            inbound.raw.save(f"{digest}.eml", ContentFile(raw), save=False)
            inbound.save()
            if parsed is not None:
                _route_safely(inbound, parsed, mailbox)
                inbound.save()
    except IntegrityError:
        # The same e-mail delivered twice at once: the other delivery kept it.
        found = InboundMessage.objects.filter(workspace_id=workspace_id, key=key).first()
        if found is None:
            raise
        return Receipt(found, duplicate=True)
    return Receipt(inbound, duplicate=False)


def _route_safely(inbound: InboundMessage, parsed: ParsedMail, mailbox: Mailbox) -> None:
    """Route; a failure leaves the e-mail logged as « Refusé » with the reason, never lost."""
    try:
        with transaction.atomic():
            _route(inbound, parsed, mailbox)
    except ValidationError as exc:
        inbound.outcome = Outcome.REJECTED
        inbound.ticket = inbound.ticket_message = inbound.interaction = None
        inbound.reason = _("Traitement impossible : {error}").format(error=" ".join(exc.messages))[
            :500
        ]
    except Exception as exc:
        logger.exception("Inbound e-mail %s could not be routed", inbound.pk)
        inbound.outcome = Outcome.REJECTED
        inbound.ticket = inbound.ticket_message = inbound.interaction = None
        inbound.reason = _("Erreur inattendue : {error}").format(error=exc)[:500]


def _sender(workspace_id: int, address: str) -> tuple[Person | None, Company | None]:
    points = (
        ContactPoint.objects.filter(
            workspace_id=workspace_id, kind=ContactKind.EMAIL, normalized=address
        )
        .select_related("person", "company", "site")
        .order_by("-is_primary", "pk")
    )
    person: Person | None = None
    company: Company | None = None
    for point in points:
        if point.person is not None and person is None:
            person = point.person
        if point.company is not None and company is None:
            company = point.company
    return person, company


def _ticket_for(workspace_id: int, parsed: ParsedMail) -> Ticket | None:
    """The ticket this e-mail answers: its thread first, then the address, then the subject."""
    references = list(reversed(parsed.references))
    if references:
        found = (
            ThreadReference.objects.filter(workspace_id=workspace_id, message_id__in=references)
            .select_related("ticket")
            .order_by("-created_at", "-pk")
            .first()
        )
        if found is not None:
            return found.ticket
        earlier = (
            InboundMessage.objects.filter(
                workspace_id=workspace_id, message_id__in=references, ticket__isnull=False
            )
            .select_related("ticket")
            .order_by("-received_at", "-pk")
            .first()
        )
        if earlier is not None and earlier.ticket is not None:
            return earlier.ticket
    wanted: list[str] = []
    for address in parsed.recipients:
        match = PLUS_RE.search(address)
        if match:
            wanted.append(match.group(1).upper())
    wanted += [f"T-{year}-{number}" for year, number in REFERENCE_RE.findall(parsed.subject)]
    for reference in wanted:
        ticket = Ticket.objects.filter(workspace_id=workspace_id, reference=reference).first()
        if ticket is not None:
            return ticket
    return None


def _sniffed_type(content: bytes) -> str:
    """The type a browser may show inline (image, PDF) when the bytes prove it; else a download."""
    for content_type, magics in ALLOWED_TYPES.items():
        if any(content.startswith(m) for m in magics):
            if content_type == "image/webp" and content[8:12] != b"WEBP":
                continue
            return content_type
    return "application/octet-stream"


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _split_attachments(parsed: ParsedMail) -> tuple[list[Attachment], list[str]]:
    """Files that fit on a ticket, and a French line for each one left in the source."""
    kept: list[Attachment] = []
    left: list[str] = []
    for item in parsed.attachments:
        if len(item.content) > MAX_ATTACHMENT_BYTES:
            left.append(
                _("« {name} » ({size}) dépasse 10 Mo : gardé dans l'e-mail d'origine.").format(
                    name=item.filename, size=_size_label(len(item.content))
                )
            )
        elif len(kept) >= MAX_ATTACHMENTS:
            left.append(
                _(
                    "« {name} » : plus de {count} pièces jointes, gardé dans l'e-mail d'origine."
                ).format(name=item.filename, count=MAX_ATTACHMENTS)
            )
        else:
            kept.append(item)
    return kept, left


def _attach_to_ticket(
    ticket: Ticket, message: TicketMessage | None, attachments: Iterable[Attachment]
) -> None:
    for item in attachments:
        ticket_attachment_store(
            ticket=ticket,
            message=message,
            filename=item.filename,
            content_type=_sniffed_type(item.content),
            content=item.content,
        )


def _keep_attachments(inbound: InboundMessage, attachments: Iterable[Attachment]) -> None:
    for item in attachments:
        kept = InboundAttachment(
            workspace_id=inbound.workspace_id,
            message=inbound,
            filename=item.filename,
            content_type=_sniffed_type(item.content),
            size=len(item.content),
        )
        kept.file.save(item.filename, ContentFile(item.content), save=False)
        kept.save()


def _sender_label(parsed: ParsedMail) -> str:
    if parsed.from_name and parsed.from_name.lower() != parsed.from_address:
        return f"{parsed.from_name} <{parsed.from_address}>"
    return parsed.from_address


def _timeline_entry(
    ticket: Ticket, parsed: ParsedMail, body: str, mailbox: Mailbox
) -> Interaction | None:
    """The customer's e-mail on a ticket also shows on their timeline, done, like any e-mail."""
    actor = _actor(mailbox)
    process = Process.objects.filter(workspace_id=ticket.workspace_id, code="email").first()
    if actor is None or process is None or (ticket.person_id is None and ticket.company_id is None):
        return None
    subject = parsed.subject or ticket.subject
    return interaction_create(
        by=actor,
        owner=actor,
        process=process,
        kind=Kind.TASK,
        state=State.DONE,
        subject=_("E-mail reçu ({reference}) : {subject}").format(
            reference=ticket.reference, subject=subject
        )[:200],
        person=ticket.person,
        company=ticket.company,
        site=ticket.site,
        starts_at=timezone.now(),
        outcome="\n".join([_("De : {sender}").format(sender=_sender_label(parsed)), "", body]),
    )


def _route(inbound: InboundMessage, parsed: ParsedMail, mailbox: Mailbox) -> None:
    workspace_id = inbound.workspace_id
    person, company = _sender(workspace_id, parsed.from_address)
    inbound.person, inbound.company = person, company
    own = {mailbox.inbound_address.lower()} - {""}
    if parsed.automatic:
        inbound.outcome = Outcome.REJECTED
        inbound.reason = _(
            "Réponse automatique (absence, accusé de réception…) : gardée, non traitée."
        )
        return
    if parsed.from_address in own:
        inbound.outcome = Outcome.REJECTED
        inbound.reason = _("E-mail envoyé par la boîte elle-même : ignoré pour éviter une boucle.")
        return
    kept, left = _split_attachments(parsed)
    text = parsed.body or ""
    ticket = _ticket_for(workspace_id, parsed)
    if ticket is not None:
        body = strip_quoted(text) or text
        if left:
            body = "\n".join([body, "", *left]).strip()
        if not body:
            body = (
                ngettext(
                    "(e-mail sans texte, {count} pièce jointe)",
                    "(e-mail sans texte, {count} pièces jointes)",
                    len(kept),
                ).format(count=len(kept))
                if kept
                else _("(e-mail sans texte)")
            )
        message = ticket_message_receive(
            ticket=ticket, body=body, person=person, author_name=_sender_label(parsed)
        )
        _attach_to_ticket(ticket, message, kept)
        inbound.outcome = Outcome.TICKET_MESSAGE
        inbound.ticket, inbound.ticket_message = ticket, message
        inbound.reason = " ".join(left)[:500]
        inbound.interaction = _timeline_entry(ticket, parsed, body, mailbox)
        return
    actor = _actor(mailbox)
    if actor is None:
        raise ValidationError(
            _("Aucun collègue actif pour recevoir cet e-mail : choisissez un responsable.")
        )
    process = Process.objects.filter(workspace_id=workspace_id, code="email").first()
    if process is None:
        raise ValidationError(_("Le processus « E-mail » est introuvable."))
    subject = parsed.subject or _("(sans objet)")
    now = timezone.now()
    details = "\n".join(
        [
            _("De : {sender}").format(sender=_sender_label(parsed)),
            _("Objet : {subject}").format(subject=subject),
            *(
                [_("Pièces jointes : {names}").format(names=", ".join(a.filename for a in kept))]
                if kept
                else []
            ),
            *left,
            "",
            text,
        ]
    ).strip()
    if person is not None or company is not None:
        inbound.interaction = interaction_create(
            by=actor,
            owner=actor,
            process=process,
            kind=Kind.TASK,
            state=State.DONE,
            subject=_("E-mail reçu : {subject}").format(subject=subject)[:200],
            person=person,
            company=company,
            starts_at=now,
            outcome=details,
        )
        inbound.outcome = Outcome.INTERACTION
        if mailbox.create_tickets:
            ticket = ticket_open(
                by=actor,
                subject=subject,
                person=person,
                company=company,
                description=text or subject,
                channel=TicketChannel.EMAIL,
            )
            _attach_to_ticket(ticket, None, kept)
            inbound.outcome = Outcome.NEW_TICKET
            inbound.ticket = ticket
        else:
            _keep_attachments(inbound, kept)
    else:
        inbound.interaction = interaction_create(
            by=actor,
            owner=actor,
            process=process,
            kind=Kind.TASK,
            state=State.OPEN,
            subject=_("E-mail d'un inconnu : {subject}").format(subject=subject)[:200],
            starts_at=now,
            outcome=details,
        )
        inbound.outcome = Outcome.UNKNOWN_SENDER
        _keep_attachments(inbound, kept)
    inbound.reason = " ".join(left)[:500]


# --- outgoing replies: threading headers -----------------------------------------------------


def _domain(mailbox: Mailbox | None) -> str:
    address = mailbox.inbound_address if mailbox is not None else ""
    return (
        address.partition("@")[2]
        or getattr(settings, "COMPTOIR_INBOUND_DOMAIN", "")
        or str(DNS_NAME)
    )


def reply_headers_for(ticket: Ticket) -> dict[str, str]:
    """Headers of a reply sent from ``ticket``: a new Message-ID (remembered), In-Reply-To and
    References naming the thread so far, Reply-To with the ticket's reference."""
    mailbox = mailbox_for(ticket.workspace_id)
    message_id = f"<{ticket.reference}.{secrets.token_hex(8)}@{_domain(mailbox)}>"
    thread: list[tuple[dt.datetime, str]] = [
        (row.created_at, row.message_id)
        for row in ThreadReference.objects.filter(ticket=ticket).only("created_at", "message_id")
    ]
    thread += [
        (row.received_at, row.message_id)
        for row in InboundMessage.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .exclude(outcome=Outcome.REJECTED)
        .only("received_at", "message_id")
    ]
    ids: list[str] = []
    for _at, value in sorted(thread, key=lambda item: item[0]):
        if value not in ids:
            ids.append(value)
    ThreadReference.objects.create(
        workspace_id=ticket.workspace_id, ticket=ticket, message_id=message_id
    )
    headers = {"Message-ID": message_id}
    if ids:
        headers["In-Reply-To"] = ids[-1]
        chain = ids if len(ids) <= 10 else [ids[0], *ids[-9:]]
        headers["References"] = " ".join(chain)
    reply_to = mailbox.reply_address(ticket.reference)
    if reply_to:
        headers["Reply-To"] = reply_to
    return headers


# --- IMAP ------------------------------------------------------------------------------------


def _imap_error(exc: BaseException, mailbox: Mailbox) -> str:
    where = f"{mailbox.host}:{mailbox.port}"
    if isinstance(exc, LoginError):
        return _("Identifiant ou mot de passe refusé par le serveur IMAP.")
    if isinstance(exc, socket.gaierror):
        return _("Serveur « {host} » introuvable.").format(host=mailbox.host)
    if isinstance(exc, ConnectionRefusedError):
        return _("Connexion refusée par {where} : vérifiez le serveur et le port.").format(
            where=where
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("Le serveur {where} ne répond pas.").format(where=where)
    if isinstance(exc, ssl.SSLError):
        return _("Échec de la connexion chiffrée avec {where} : {error}").format(
            where=where, error=exc.reason or exc
        )
    if isinstance(exc, IMAPClientError):
        return _("Le serveur IMAP a refusé la demande : {error}").format(error=exc)
    if isinstance(exc, OSError):
        return _("Connexion impossible à {where} : {error}").format(
            where=where, error=exc.strerror or exc
        )
    return _("Erreur inattendue : {error}").format(error=exc)


def _connect(mailbox: Mailbox) -> IMAPClient:
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.host,
        port=mailbox.port,
        ssl=mailbox.security == Security.SSL,
        ssl_context=context if mailbox.security == Security.SSL else None,
        timeout=IMAP_TIMEOUT,
    )
    try:
        if mailbox.security == Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.username, mailbox.password)
    except BaseException:
        _close(client)
        raise
    return client


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        logger.debug("IMAP logout failed; closing the socket", exc_info=True)
        with contextlib.suppress(Exception):
            client.shutdown()


def mailbox_test_connection(*, mailbox: Mailbox) -> tuple[bool, str]:
    """Sign in and open the folder; ``(True, "Connexion réussie…")`` or ``(False, why)``."""
    if not (mailbox.host and mailbox.username):
        return False, _("Indiquez d'abord le serveur IMAP et l'identifiant.")
    try:
        client = _connect(mailbox)
    except Exception as exc:
        return False, _imap_error(exc, mailbox)
    try:
        info = client.select_folder(mailbox.folder or "INBOX", readonly=True)
    except Exception as exc:
        _close(client)
        return False, _("Dossier « {folder} » introuvable ou illisible ({error}).").format(
            folder=mailbox.folder, error=exc
        )
    _close(client)
    count = int(info.get(b"EXISTS", 0))
    return True, ngettext(
        "Connexion réussie : {count} message dans « {folder} ».",
        "Connexion réussie : {count} messages dans « {folder} ».",
        count,
    ).format(count=count, folder=mailbox.folder)


@dataclass
class PollResult:
    received: int = 0
    duplicates: int = 0
    error: str = ""
    skipped: bool = False


def _claim(mailbox: Mailbox, now: dt.datetime) -> bool:
    return bool(
        Mailbox.objects.filter(pk=mailbox.pk)
        .filter(Q(polling_until__isnull=True) | Q(polling_until__lt=now))
        .update(polling_until=now + POLL_LEASE)
    )


def mailbox_poll(*, mailbox: Mailbox) -> PollResult:
    """Read the new messages of the folder (UID above the last one read), process each once,
    flag it \\Seen; an error is recorded on the mailbox, never raised."""
    result = PollResult()
    if not _claim(mailbox, timezone.now()):
        result.skipped = True
        return result
    mailbox.refresh_from_db()
    client: IMAPClient | None = None
    try:
        client = _connect(mailbox)
        info = client.select_folder(mailbox.folder or "INBOX")
        uidvalidity = int(info.get(b"UIDVALIDITY", 0)) or None
        if uidvalidity != mailbox.uidvalidity:
            # A recreated folder renumbers its messages: read it all again (Message-IDs already
            # received are recognised and skipped).
            mailbox.uidvalidity = uidvalidity
            mailbox.last_uid = 0
            Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=0)
        uids = sorted(
            uid
            for uid in client.search(["UID", f"{mailbox.last_uid + 1}:*"])
            if uid > mailbox.last_uid
        )
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if isinstance(raw, bytes) and raw.strip():
                    receipt = mail_receive(
                        workspace=mailbox.workspace_id,
                        raw=raw,
                        source=Source.IMAP,
                        mailbox=mailbox,
                    )
                    if receipt.duplicate:
                        result.duplicates += 1
                    else:
                        result.received += 1
                client.add_flags([uid], [b"\\Seen"])
                mailbox.last_uid = uid
                Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
    except Exception as exc:
        if not isinstance(exc, OSError | IMAPClientError | ssl.SSLError):
            logger.exception("Polling mailbox %s failed", mailbox.pk)
        result.error = _imap_error(exc, mailbox)[:500]
    finally:
        if client is not None:
            _close(client)
        now = timezone.now()
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=now, last_error=result.error, polling_until=None
        )
        mailbox.last_polled_at, mailbox.last_error, mailbox.polling_until = now, result.error, None
    return result


def mailboxes_poll() -> int:
    """Poll every enabled mailbox; how many were read."""
    polled = 0
    for mailbox in Mailbox.objects.filter(enabled=True).exclude(host="").order_by("pk"):
        result = mailbox_poll(mailbox=mailbox)
        polled += 0 if result.skipped else 1
    return polled
