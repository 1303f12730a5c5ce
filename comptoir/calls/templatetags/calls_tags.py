"""How a call reads in a list: its direction, its state and its length, glyph + word + colour."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from comptoir.calls.models import Call, CallStatus, Direction, format_duration

register = template.Library()

DIRECTION_GLYPHS = {Direction.IN: "↙", Direction.OUT: "↗"}
# The state colours of the whole product: red for what is owed, amber under way, green done.
STATUS_STYLES = {
    CallStatus.RINGING: ("◔", "state-in_progress"),
    CallStatus.ANSWERED: ("◐", "state-in_progress"),
    CallStatus.ENDED: ("✓", "state-done"),
    CallStatus.MISSED: ("✕", "state-open"),
}


@register.simple_tag
def call_direction(call: Call) -> SafeString:
    """ "↙ Entrant" / "↗ Sortant"."""
    direction = Direction(call.direction)
    return format_html(
        '<span class="call-dir call-dir-{}"><span aria-hidden="true">{}</span> {}</span>',
        direction.value,
        DIRECTION_GLYPHS[direction],
        direction.label,
    )


@register.simple_tag
def call_status(call: Call) -> SafeString:
    """The call's state as a pale pill: "✓ Terminé", "✕ Manqué"…"""
    status = CallStatus(call.status)
    glyph, css = STATUS_STYLES[status]
    return format_html(
        '<span class="state-pill {}"><span aria-hidden="true">{}</span> {}</span>',
        css,
        glyph,
        status.label,
    )


@register.simple_tag
def call_kind(call: Call) -> SafeString:
    """ "✕ Manqué" for a missed call, else its direction: how a ticket's panel names a call."""
    if call.status == CallStatus.MISSED:
        return format_html(
            '<span class="call-dir call-dir-missed text-danger">'
            '<span aria-hidden="true">✕</span> {}</span>',
            _("Manqué"),
        )
    return call_direction(call)


@register.filter
def call_length(call: Call) -> str:
    """Talk time ("03:12") of a call that was answered; "—" otherwise."""
    if call.status == CallStatus.ENDED and (call.answered_at is not None or call.duration):
        return format_duration(call.duration)
    return "—"


@register.filter
def call_when(value: dt.datetime | None) -> str:
    """ "14:30" today, "12/03 14:30" this year, "12/03/2024 14:30" before: local time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    today = timezone.localdate()
    if local.date() == today:
        return formats.date_format(local, "H:i")
    if local.year == today.year:
        return formats.date_format(local, "d/m H:i")
    return formats.date_format(local, "d/m/Y H:i")
