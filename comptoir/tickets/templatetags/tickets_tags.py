"""Template filters of tickets."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def when(value: dt.datetime | None) -> str:
    """``mar. 12/03 10:30`` in the local time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    day = formats.date_format(local, "D").rstrip(".")
    return f"{day}. {formats.date_format(local, 'd/m H:i')}"
