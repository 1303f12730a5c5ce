"""Read what French software exports: CSV in any delimiter and encoding, or XLSX.

SAGE, EBP and Excel write Windows-1252 with ``;``; others write UTF-8 (with or without
BOM) with ``,``, tabs or ``|``. The header is not always the first line (a title, a date,
blank lines above it): the first line that looks like column names is taken.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.lib.text import fold

DELIMITERS = [";", ",", "\t", "|"]
SAMPLE_BYTES = 64 * 1024
HEADER_SCAN_ROWS = 15
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    """The file is neither a CSV nor an XLSX we can read; ``message`` is translatable."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class FileFormat:
    """What was detected: how to read the rows again, and the column names."""

    encoding: str  # "utf-8-sig", "cp1252", "latin-1" or "xlsx"
    delimiter: str
    header_row: int  # 0-based index of the header among the rows of the file
    columns: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (BOM or not) when it decodes strictly, else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # A few bytes are undefined in cp1252 (0x81, 0x8d…): latin-1 reads anything.
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    sample = text[:SAMPLE_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _cell(value: object) -> str:
    """An XLSX cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
        raise UnreadableFile(_("Ce classeur Excel est illisible ou protégé.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        workbook.close()


def _csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [c.strip() for c in row]


def is_xlsx(data: bytes) -> bool:
    return data[:4] == XLSX_MAGIC


def all_rows(data: bytes, fmt: FileFormat) -> Iterator[list[str]]:
    """Every row of the file, header included, as lists of trimmed text."""
    if fmt.encoding == "xlsx":
        yield from _xlsx_rows(data)
        return
    text = data.decode(fmt.encoding)
    yield from _csv_rows(text, fmt.delimiter)


def data_rows(data: bytes, fmt: FileFormat) -> Iterator[tuple[int, list[str]]]:
    """(line number as a spreadsheet shows it, cells) of each non-blank row below the header."""
    for index, row in enumerate(all_rows(data, fmt)):
        if index <= fmt.header_row:
            continue
        if not any(row):
            continue
        yield index + 1, row


def count_rows(data: bytes, fmt: FileFormat) -> int:
    return sum(1 for _ in data_rows(data, fmt))


def _looks_like_header(row: list[str], known: set[str]) -> tuple[int, int]:
    """(cells matching a known column name, non-empty text cells)."""
    filled = [c for c in row if c]
    texts = [c for c in filled if not c.replace(" ", "").replace(".", "").isdigit()]
    matches = sum(1 for c in filled if fold(c) in known)
    return matches, len(texts)


def detect(data: bytes, known_labels: set[str]) -> FileFormat:
    """Encoding, delimiter and header row of an uploaded file."""
    if not data.strip():
        raise UnreadableFile(_("Le fichier est vide."))
    if is_xlsx(data):
        fmt = FileFormat(encoding="xlsx", delimiter="", header_row=0)
        head = []
        for row in _xlsx_rows(data):
            head.append(row)
            if len(head) >= HEADER_SCAN_ROWS:
                break
    else:
        if b"\x00" in data[:SAMPLE_BYTES]:
            raise UnreadableFile(
                _(
                    "Ce fichier n'est ni un CSV ni un classeur Excel (.xlsx) : "
                    "enregistrez-le au format CSV ou XLSX."
                )
            )
        text, encoding = decode(data)
        fmt = FileFormat(encoding=encoding, delimiter=sniff_delimiter(text), header_row=0)
        head = []
        for row in _csv_rows(text[: SAMPLE_BYTES * 4], fmt.delimiter):
            head.append(row)
            if len(head) >= HEADER_SCAN_ROWS:
                break
    fmt.header_row = _header_index(head, known_labels)
    if fmt.header_row >= len(head):
        raise UnreadableFile(_("Aucune ligne d'en-tête trouvée dans le fichier."))
    header = head[fmt.header_row]
    width = max((len(r) for r in head), default=0)
    fmt.columns = [
        (header[i] if i < len(header) and header[i] else f"Colonne {i + 1}") for i in range(width)
    ]
    return fmt


def _header_index(head: list[str] | list[list[str]], known: set[str]) -> int:
    rows: list[list[str]] = [r for r in head if isinstance(r, list)]
    best, best_matches = -1, 0
    for index, row in enumerate(rows):
        matches, _texts = _looks_like_header(row, known)
        if matches > best_matches:
            best, best_matches = index, matches
    if best >= 0:
        return best
    # No known label: the first row whose cells are mostly non-empty text.
    width = max((len([c for c in r if c]) for r in rows), default=0)
    for index, row in enumerate(rows):
        _matches, texts = _looks_like_header(row, known)
        if width and texts >= max(1, width // 2):
            return index
    return 0
