"""Build raw e-mails the way mail programs send them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% test\n"


def build(
    *,
    sender: str = "Jean Dupont <jean.dupont@example.fr>",
    to: str = "support@duret.example",
    subject: str = "Question",
    body: str = "Bonjour,\nle disjoncteur saute encore.\nJean",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    headers: Mapping[str, str] | None = None,
    html: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 3, 19, 9, 30, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.fr")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, content, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
