"""Imports: send a file (CSV or XLSX) to import in the background, then follow the job."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from comptoir.api.auth import user_of
from comptoir.api.schemas import READ_ERRORS, WRITE_ERRORS
from comptoir.imports import selectors, services
from comptoir.imports.models import ImportJob

router = Router(tags=["Imports"])


class ImportErrorOut(Schema):
    row: int = Field(description="Numéro de ligne dans le fichier (comme dans un tableur).")
    column: str = Field(description="Champ concerné (nom interne), vide si la ligne entière.")
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    source: str
    file_name: str
    status: Literal["draft", "queued", "running", "done", "failed", "undone"]
    dry_run: bool
    encoding: str = Field(description="utf-8-sig, cp1252, latin-1 ou xlsx.")
    delimiter: str
    mapping: dict[str, str] = Field(description="Colonne du fichier → champ ('' = ignorée).")
    rows_total: int
    rows_done: int
    progress: int = Field(description="Avancement en pour cent.")
    created: int
    updated: int
    skipped: int
    errors_count: int
    errors: list[ImportErrorOut] = Field(description="Les 5 000 premières erreurs.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    url: str = Field(description="Page de l'import dans Comptoir.")


def job_out(request: HttpRequest, job: ImportJob) -> ImportJobOut:
    return ImportJobOut(
        id=job.pk,
        kind=job.kind,
        source=job.source,
        file_name=job.file_name,
        status=job.status,  # type: ignore[arg-type]
        dry_run=job.dry_run,
        encoding=job.encoding,
        delimiter=job.delimiter,
        mapping=job.mapping,
        rows_total=job.rows_total,
        rows_done=job.rows_done,
        progress=job.percent,
        created=job.created_count,
        updated=job.updated_count,
        skipped=job.skipped_count,
        errors_count=job.error_count,
        errors=[ImportErrorOut(**e) for e in job.errors],
        created_at=job.created_at,
        finished_at=job.finished_at,
        url=request.build_absolute_uri(job.get_absolute_url()),
    )


@router.post(
    "",
    response={202: ImportJobOut, **WRITE_ERRORS},
    summary="Importer un fichier",
    description=(
        "Formulaire multipart : ``file`` (CSV en tout séparateur et encodage, ou XLSX), "
        "``kind`` (companies, people, sites, interactions), ``mapping`` (``auto`` ou le nom "
        "d'une correspondance enregistrée), ``dry_run`` (simulation), ``source`` (logiciel "
        "d'origine, « API » par défaut). L'import tourne en arrière-plan : suivez-le avec "
        "``GET /imports/{id}``. Réimporter le même fichier ne crée rien deux fois."
    ),
)
def import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[Literal["companies", "people", "sites", "interactions"]],
    mapping: Form[str] = "auto",
    dry_run: Form[bool] = False,
    source: Form[str] = "API",
) -> Status[ImportJobOut]:
    user = user_of(request)
    job = services.job_create(
        by=user,
        file_name=file.name or "import.csv",
        content=file.read(),
        kind=kind,
        source=source,
        mapping=mapping or "auto",
        dry_run=dry_run,
    )
    services.job_start(job=job, by=user)
    job.refresh_from_db()
    return Status(202, job_out(request, job))


@router.get(
    "/{job_id}",
    response={200: ImportJobOut, **READ_ERRORS},
    summary="Suivre un import",
    description="État, avancement, nombres de fiches créées, mises à jour, inchangées, erreurs.",
)
def import_read(request: HttpRequest, job_id: int) -> ImportJobOut:
    return job_out(request, selectors.job_for(user_of(request), job_id))
