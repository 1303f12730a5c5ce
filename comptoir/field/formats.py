"""Formats for the technician app and its PDF, in the active language: quantities, rates
(money: comptoir.lib.money.euros)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation

NBSP = "\u202f"  # narrow no-break space: what French typography puts in "1 234,50 €"


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def quantity(value: Decimal) -> str:
    """``Decimal("2.00")`` → ``"2"``, ``Decimal("1.50")`` → ``"1,5"`` (``"1.5"`` in English)."""
    text = f"{value.normalize():f}"
    return text if _english() else text.replace(".", ",")


def rate(value: Decimal) -> str:
    """``Decimal("20.00")`` → ``"20 %"``, ``Decimal("5.50")`` → ``"5,5 %"`` (``"5.5%"`` in
    English)."""
    return f"{quantity(value)}%" if _english() else f"{quantity(value)}{NBSP}%"


def parse_decimal(raw: object) -> Decimal | None:
    """A decimal typed on a phone (``"1,5"``, ``"1 234,50"``); None if unreadable."""
    text = re.sub(r"\s", "", str(raw if raw is not None else "")).replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
