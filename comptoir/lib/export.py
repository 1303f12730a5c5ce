"""Write a list as CSV (what French Excel opens: UTF-8 with BOM, ``;``) or XLSX.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
as a formula by a spreadsheet (CSV injection): it is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | Decimal | dt.date | dt.datetime | None


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return str(neutralize(str(value)))


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_text(h) for h in headers])
    for row in rows:
        writer.writerow([_text(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Export"
) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Export")
    sheet.append([str(h) for h in headers])
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones: local time
            cells.append(neutralize(value) if isinstance(value, str) else value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
