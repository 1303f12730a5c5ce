"""``{% load live %}``: what ``<body>`` needs so that ``live.js`` follows the page's topics."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from comptoir.live.selectors import default_topics

register = template.Library()


def _messages() -> dict[str, str]:
    """What the screen-reader region says for each kind (``kind.change`` first, then kind)."""
    return {
        "": _("Mise à jour reçue."),
        "interaction": _("Agenda mis à jour : « %(subject)s »"),
        "interaction.created": _("Nouveau : « %(subject)s »"),
        "interaction.moved": _("Déplacé : « %(subject)s »"),
        "interaction.cancelled": _("Annulé : « %(subject)s »"),
        "booking": _("Nouvelle réservation en ligne : « %(subject)s »"),
    }


def _user(context: template.Context) -> Any:
    user = context.get("user")
    return user if user is not None and user.is_authenticated else None


@register.simple_tag(takes_context=True)
def live_topics(context: template.Context) -> str:
    """The topics every page of this user follows, space-separated."""
    user = _user(context)
    return " ".join(default_topics(user)) if user else ""


@register.simple_tag(takes_context=True)
def live_attrs(context: template.Context) -> SafeString:
    """``data-live-url``, ``-since``, ``-user`` and ``-messages`` for ``<body>``."""
    user = _user(context)
    if user is None:
        return SafeString("")
    return format_html(
        'data-live-url="{}" data-live-since="{}" data-live-user="{}" data-live-messages="{}"',
        reverse("live:events"),
        # When the page was rendered (ms): its stream starts from there, without a query now.
        int(timezone.now().timestamp() * 1000),
        user.pk,
        json.dumps(_messages(), ensure_ascii=False),
    )
