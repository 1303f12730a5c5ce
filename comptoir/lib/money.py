"""Money the French way: ``1 234,56 €`` shown, and read back from what software exports."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import translation

from comptoir.lib.text import strip_spaces

NNBSP = "\u202f"  # narrow no-break space: French typography writes "1 234,56 €" with it
CENT = Decimal("0.01")

_CURRENCY = re.compile(r"(€|eur(?:os?)?)", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*|[.,]\d+)$")
_THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3}){2,}$")


def euros(value: Decimal | int | float | None) -> str:
    """``Decimal("1234.5")`` → ``"1 234,50 €"`` (narrow no-break spaces, two decimals); in
    English ``"€1,234.50"``."""
    amount = Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    if (translation.get_language() or "").startswith("en"):
        return f"{sign}€{','.join(groups)}.{cents}"
    return f"{sign}{NNBSP.join(groups)},{cents}{NNBSP}€"


def parse_amount(raw: str) -> Decimal:
    """An amount as accounting software and spreadsheets write it, rounded to the cent.

    ``"1 234,56 €"`` (any Unicode space, U+202F included), ``"1234.56"``, ``"1.234,56"``,
    ``"1,234.56"``, ``"-12,00"``, ``"12,00-"``, ``"(12,00)"``, ``"EUR 12"``. Raises
    ``ValueError`` on anything else.
    """
    text = _CURRENCY.sub("", strip_spaces(raw or "")).replace("'", "")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-") and not text.startswith(("-", "+")):
        negative, text = True, text[:-1]
    if not _NUMBER.match(text):
        raise ValueError(raw)
    if text[0] in "+-":
        negative, text = negative != (text[0] == "-"), text[1:]
    comma, dot = text.rfind(","), text.rfind(".")
    if comma >= 0 and dot >= 0:
        # The last separator is the decimal one: "1.234,56" and "1,234.56".
        thousands = "." if comma > dot else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif comma >= 0:
        if text.count(",") > 1:
            raise ValueError(raw)
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        if not _THOUSANDS_DOTS.match(text):
            raise ValueError(raw)
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(raw) from exc
    return (-amount if negative else amount).quantize(CENT, rounding=ROUND_HALF_UP)
