"""Template filters of receivables: French money and how late an open item is, in words."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from comptoir.lib.money import euros as format_euros
from comptoir.receivables.models import OpenItem

register = template.Library()


@register.filter
def euros(value: Decimal | int | float | str | None) -> str:
    """``{{ amount|euros }}`` → ``1 234,56 €`` (a decimal kept as text too)."""
    return format_euros(Decimal(value) if isinstance(value, str) else value)


@register.filter
def due_words(item: OpenItem) -> str:
    """ "échue depuis 5 j", "échéance aujourd'hui", "échéance dans 3 j", "avoir"."""
    if item.amount_due < 0:
        return _("avoir à déduire")
    days = item.days_overdue
    if days:
        return _("échue depuis %(days)s j") % {"days": days}
    left = item.days_to_due
    if left == 0:
        return _("échéance aujourd'hui")
    return _("échéance dans %(days)s j") % {"days": left}
