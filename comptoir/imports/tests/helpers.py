"""Shared helpers of the import tests: run a file through the whole import, as a worker would."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from comptoir.imports import services
from comptoir.imports.models import ImportJob

DATA = Path(__file__).parent / "data"


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def csv_bytes(lines: list[str], *, encoding: str = "cp1252", delimiter: str = ";") -> bytes:
    return "\r\n".join(
        delimiter.join(cells) for cells in (line.split("|") for line in lines)
    ).encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_import(
    by: Any,
    content: bytes,
    *,
    kind: str = "people",
    source: str = "Excel",
    name: str = "clients.csv",
    mapping: Any = "auto",
    dry_run: bool = False,
    batch_size: int = 500,
) -> ImportJob:
    job = services.job_create(
        by=by, file_name=name, content=content, kind=kind, source=source, mapping=mapping
    )
    job.dry_run = dry_run
    job.status = "queued"
    job.save(update_fields=["dry_run", "status"])
    return services.job_process(job.pk, batch_size=batch_size)
