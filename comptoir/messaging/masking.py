"""One-time secrets in messages (a sign-in code): shown as •••••• everywhere but in the delivery.

The merge fields that hold a secret are listed per template in ``defaults.SENSITIVE``. Such a
message keeps, in its ``subject`` and ``body``, the text rendered with the secret masked — what
every page, the admin and a reader of the database see — and the real text, encrypted, in
``unmasked_subject`` and ``unmasked_body`` until it is delivered; they are blanked then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from comptoir.messaging import defaults
from comptoir.messaging.models import Channel, Message, MessageTemplate
from comptoir.messaging.rendering import TemplateError, plain, render

MASK = "••••••"
# Shorter values are not searched for in the masked text (they would match by chance).
MIN_SECRET_LENGTH = 4


def _masked(context: Any, path: list[str], found: list[str]) -> Any:
    if not path or not isinstance(context, dict) or path[0] not in context:
        return context
    head, rest = path[0], path[1:]
    copy = dict(context)
    if rest:
        copy[head] = _masked(context[head], rest, found)
    else:
        if context[head] not in (None, ""):
            found.append(str(context[head]))
        copy[head] = MASK
    return copy


def masked_context(
    context: Mapping[str, Any], fields: Iterable[str]
) -> tuple[dict[str, Any], list[str]]:
    """``context`` with each dotted merge field of ``fields`` replaced by ••••••, and the
    values it replaced."""
    masked: Any = plain(context)
    secrets: list[str] = []
    for name in fields:
        masked = _masked(masked, name.split("."), secrets)
    return masked, secrets


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    return text


def mask_secrets(
    message: Message, *, template: MessageTemplate, context: Mapping[str, Any]
) -> None:
    """When ``template`` has secrets: the texts just rendered over ``context`` go to the
    encrypted fields, the subject and body show the secrets as ••••••."""
    fields = defaults.SENSITIVE.get(message.template_code, ())
    if not fields:
        return
    masked, secrets = masked_context(context, fields)
    try:
        shown_subject = " ".join(render(template.subject, masked).split())
        shown_body = render(template.body, masked).strip()
    except TemplateError:  # a filter that refuses •••••• : hide the values in the real text
        shown_subject, shown_body = message.subject, message.body
    if message.channel != Channel.EMAIL:
        shown_subject = ""
    shown_subject, shown_body = _scrub(shown_subject, secrets)[:255], _scrub(shown_body, secrets)
    message.unmasked_subject, message.unmasked_body = message.subject, message.body
    message.subject, message.body = shown_subject, shown_body
