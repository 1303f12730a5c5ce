"""Imports: create a job from a file, map its columns, run it in batches, undo it as a whole.

A job runs in batches of ``BATCH_SIZE`` rows, each in one transaction that also records the
progress: a worker killed in the middle loses only the uncommitted batch, and the job
resumes from the last committed row. Each row's identity in its source (external key or a
fingerprint of its normalized identity) is kept in ``ImportedRecord``: importing the same
file or a newer export again updates what it created instead of creating twins.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.accounts.services import require_writer
from comptoir.audit.models import Action, AuditEntry
from comptoir.audit.services import audit_record
from comptoir.imports import duplicates, reading
from comptoir.imports import fields as targets
from comptoir.imports.engine import Importer, Outcome
from comptoir.imports.models import (
    ChangeAction,
    ImportChange,
    ImportedRecord,
    ImportJob,
    ImportKind,
    JobStatus,
    RecordAction,
    SavedMapping,
)
from comptoir.imports.rows import CleanRow, clean_row, value_mapper

BATCH_SIZE = 1000
PREVIEW_ROWS = 20
MAX_STORED_ERRORS = 5000
MAX_FILE_BYTES = 50 * 1024 * 1024
# A running job whose last batch is older than this was interrupted: it may be resumed.
STALE_AFTER = dt.timedelta(minutes=2)
AUTO = "auto"
# A mapping must give at least one of each group of targets.
REQUIRED_TARGETS: dict[str, list[tuple[str, ...]]] = {
    "people": [("last_name", "full_name")],
    "companies": [("name",)],
    "sites": [("customer_ref", "customer_name")],
    "interactions": [("subject",), ("starts_at",)],
}


def _check_kind(kind: str) -> None:
    if kind not in ImportKind.values:
        raise ValidationError(
            {"kind": _("Type inconnu : choisissez sociétés, personnes, sites ou interactions.")}
        )


def _read(job: ImportJob) -> bytes:
    job.file.open("rb")
    try:
        return bytes(job.file.read())
    finally:
        job.file.close()


def _format(job: ImportJob) -> reading.FileFormat:
    return reading.FileFormat(
        encoding=job.encoding,
        delimiter=job.delimiter,
        header_row=job.header_row,
        columns=list(job.columns),
    )


def _unique_columns(columns: list[str]) -> list[str]:
    """Two columns named "Tél" become "Tél" and "Tél (2)": a mapping names columns."""
    seen: dict[str, int] = {}
    out = []
    for column in columns:
        seen[column] = seen.get(column, 0) + 1
        out.append(column if seen[column] == 1 else f"{column} ({seen[column]})")
    return out


def saved_mapping_named(*, workspace_id: int, kind: str, name: str) -> SavedMapping:
    try:
        return SavedMapping.objects.get(workspace_id=workspace_id, kind=kind, name=name)
    except SavedMapping.DoesNotExist:
        raise ValidationError(
            {
                "mapping": _("Aucune correspondance enregistrée ne s'appelle « %(n)s ».")
                % {"n": name}
            }
        ) from None


def _apply_saved(columns: list[str], saved: dict[str, str], kind: str) -> dict[str, str]:
    """A saved mapping on a new file: same column names; unknown columns are suggested."""
    suggestion = targets.suggest(kind, columns)
    names = targets.target_names(kind)
    return {c: saved[c] if saved.get(c) in names else suggestion[c] for c in columns}


@transaction.atomic
def job_create(
    *,
    by: Any,
    file_name: str,
    content: bytes,
    kind: str,
    source: str,
    mapping: str | dict[str, str] | None = AUTO,
    dry_run: bool = False,
) -> ImportJob:
    """A draft job for an uploaded file: format detected, columns mapped by suggestion
    (``"auto"``), by a saved mapping (its name) or explicitly (column → target)."""
    require_writer(by)
    _check_kind(kind)
    source = " ".join((source or "").split())[:60]
    if not source:
        raise ValidationError({"source": _("Indiquez la source du fichier (ex. : SAGE, Excel).")})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("Fichier trop gros : 50 Mo au plus.")})
    try:
        fmt = reading.detect(content, targets.known_labels())
    except reading.UnreadableFile as exc:
        raise ValidationError({"file": exc.message}) from None
    columns = _unique_columns(fmt.columns)
    if isinstance(mapping, dict):
        names = targets.target_names(kind)
        chosen = {c: mapping.get(c, "") if mapping.get(c, "") in names else "" for c in columns}
    elif mapping and mapping != AUTO:
        saved = saved_mapping_named(workspace_id=by.workspace_id, kind=kind, name=mapping)
        chosen = _apply_saved(columns, saved.mapping, kind)
    else:
        chosen = targets.suggest(kind, columns)
    job = ImportJob(
        workspace_id=by.workspace_id,
        kind=kind,
        source=source,
        file_name=(file_name or "import")[:255],
        encoding=fmt.encoding,
        delimiter=fmt.delimiter,
        header_row=fmt.header_row,
        columns=columns,
        mapping=chosen,
        dry_run=dry_run,
        created_by=by,
    )
    fmt.columns = columns
    try:
        job.rows_total = reading.count_rows(content, fmt)
    except (csv.Error, UnicodeDecodeError, reading.UnreadableFile):
        raise ValidationError({"file": _("Le fichier n'a pas pu être lu jusqu'au bout.")}) from None
    if not job.rows_total:
        raise ValidationError({"file": _("Le fichier ne contient aucune ligne sous l'en-tête.")})
    job.file.save(file_name or "import.csv", ContentFile(content), save=False)
    job.full_clean()
    job.save()
    return job


def _require_own(job: ImportJob, by: Any) -> None:
    require_writer(by)
    if job.workspace_id != by.workspace_id:
        raise PermissionDenied


@transaction.atomic
def job_set_mapping(
    *, job: ImportJob, by: Any, mapping: dict[str, str], save_as: str = ""
) -> ImportJob:
    """Choose what each column becomes; optionally keep it as a named preset."""
    _require_own(job, by)
    if job.status != JobStatus.DRAFT:
        raise ValidationError(_("Cet import est déjà lancé : sa correspondance ne change plus."))
    names = targets.target_names(job.kind)
    chosen = {c: mapping.get(c, "") for c in job.columns}
    unknown = [t for t in chosen.values() if t and t not in names]
    if unknown:
        raise ValidationError({"mapping": _("Champ inconnu : %(f)s.") % {"f": unknown[0]}})
    used = [t for t in chosen.values() if t]
    doubled = {t for t in used if used.count(t) > 1 and t not in {"notes", "street2"}}
    if doubled:
        labels = {t.name: str(t.label) for t in targets.targets_for(job.kind)}
        raise ValidationError(
            {
                "mapping": _("Plusieurs colonnes vont vers « %(f)s » : gardez-en une.")
                % {"f": ", ".join(sorted(labels[t] for t in doubled))}
            }
        )
    required = REQUIRED_TARGETS[job.kind]
    labels = {t.name: str(t.label) for t in targets.targets_for(job.kind)}
    for options in required:
        if not any(o in used for o in options):
            raise ValidationError(
                {
                    "mapping": _("Indiquez la colonne « %(f)s ».")
                    % {"f": _(" ou ").join(labels[o] for o in options)}
                }
            )
    job.mapping = chosen
    job.save(update_fields=["mapping"])
    save_as = " ".join(save_as.split())[:100]
    if save_as:
        SavedMapping.objects.update_or_create(
            workspace_id=job.workspace_id,
            kind=job.kind,
            name=save_as,
            defaults={"mapping": {c: t for c, t in chosen.items() if t}},
        )
    return job


@dataclass
class PreviewRow:
    line: int
    values: list[tuple[str, str]]  # (target label, normalized value)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != dt.time(0)
            else value.strftime("%d/%m/%Y")
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _labels(kind: str) -> dict[str, str]:
    labels = {t.name: str(t.label) for t in targets.targets_for(kind)}
    labels.update(
        {
            "phone": _("Téléphone"),
            "email": _("E-mail"),
            "civility": _("Civilité"),
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "duration_minutes": _("Durée (minutes)"),
        }
    )
    return labels


def iter_clean_rows(job: ImportJob, data: bytes, *, skip: int = 0) -> Iterator[CleanRow]:
    fmt = _format(job)
    values_of = value_mapper(job.columns, job.mapping)
    for index, (line, cells) in enumerate(reading.data_rows(data, fmt)):
        if index < skip:
            continue
        yield clean_row(job.kind, line, cells, values_of(cells))


def job_preview(job: ImportJob, *, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows as they will be written, with their messages (nothing is written)."""
    labels = _labels(job.kind)
    preview = []
    for row in iter_clean_rows(job, _read(job)):
        values = [
            (labels.get(k, k), _shown(v)) for k, v in row.fields.items() if v not in ("", None)
        ]
        values += [
            (labels.get(c.kind, c.kind), c.value if c.kind == "email" else c.normalized)
            for c in row.contacts
        ]
        values += [(labels.get(k, k), v) for k, v in row.extra.items() if k != "notes"]
        preview.append(
            PreviewRow(
                line=row.line,
                values=values,
                errors=[f"{labels.get(c, c)} : {m}" for c, m in row.errors],
                warnings=[f"{labels.get(c, c)} : {m}" for c, m in row.warnings],
            )
        )
        if len(preview) >= limit:
            break
    return preview


@transaction.atomic
def job_start(*, job: ImportJob, by: Any, dry_run: bool | None = None) -> ImportJob:
    """Queue the job; a worker processes it (see ``job_process``)."""
    _require_own(job, by)
    if job.status != JobStatus.DRAFT:
        raise ValidationError(_("Cet import est déjà lancé."))
    if dry_run is not None:
        job.dry_run = dry_run
    job.status = JobStatus.QUEUED
    job.save(update_fields=["status", "dry_run"])
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from comptoir.imports.tasks import import_job_process_task

    import_job_process_task(job_id)


def _claim(job_id: int, stale_after: dt.timedelta) -> bool:
    """Take the job for this worker unless another one is processing it right now."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            ImportJob.objects.filter(pk=job_id)
            .filter(
                Q(status=JobStatus.QUEUED)
                | Q(status=JobStatus.RUNNING, heartbeat_at__isnull=True)
                | Q(status=JobStatus.RUNNING, heartbeat_at__lte=now - stale_after)
            )
            .update(status=JobStatus.RUNNING, heartbeat_at=now)
        )
        if claimed:
            ImportJob.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
    return bool(claimed)


class _DryRun(Exception):
    """Raised to roll a simulated batch back."""


def job_process(
    job_id: int,
    *,
    batch_size: int = BATCH_SIZE,
    stale_after: dt.timedelta = STALE_AFTER,
) -> ImportJob:
    """Process a queued job, or resume an interrupted one from its last committed row."""
    if not _claim(job_id, stale_after):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("created_by", "workspace").get(pk=job_id)
    # A worker has no request: the row messages it stores speak the workspace's language.
    with translation.override(job.workspace.locale or "fr"):
        return _process(job, batch_size)


def _process(job: ImportJob, batch_size: int) -> ImportJob:
    try:
        data = _read(job)
        importer = Importer(job)
        batch: list[CleanRow] = []
        for row in iter_clean_rows(job, data, skip=job.rows_done):
            batch.append(row)
            if len(batch) >= batch_size:
                _commit_batch(job, importer, batch)
                batch = []
        if batch:
            _commit_batch(job, importer, batch)
        _find_duplicates(job)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


def _find_duplicates(job: ImportJob) -> None:
    """Once the rows are in, put the new records that look like others in the review queue,
    writing the progress (and the heartbeat: the job is still alive) as it goes."""
    if job.dry_run or job.kind not in duplicates.DEDUPE_KINDS:
        return
    last = [0.0]

    def progress(done: int, total: int) -> None:
        job.dedupe_done, job.dedupe_total = done, total
        now = timezone.now()
        if done < total and now.timestamp() - last[0] < 0.5:
            return
        last[0] = now.timestamp()
        ImportJob.objects.filter(pk=job.pk).update(
            dedupe_done=done, dedupe_total=total, heartbeat_at=now
        )

    found = duplicates.job_duplicates_find(job, progress=progress)
    job.duplicates_found = found
    job.save(
        update_fields=["duplicates_found", "dedupe_done", "dedupe_total", "duplicates_scan_id"]
    )


def _commit_batch(job: ImportJob, importer: Importer, batch: list[CleanRow]) -> None:
    with transaction.atomic():
        outcome = Outcome()
        try:
            with transaction.atomic():
                importer.process(batch, outcome)
                if job.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        job.rows_done += len(batch)
        job.created_count += outcome.created
        job.updated_count += outcome.updated
        job.skipped_count += outcome.skipped
        job.error_count += len({e["row"] for e in outcome.errors})
        room = MAX_STORED_ERRORS - len(job.errors)
        if room > 0 and outcome.errors:
            job.errors = [*job.errors, *outcome.errors[:room]]
        job.heartbeat_at = timezone.now()
        job.save(
            update_fields=[
                "rows_done",
                "created_count",
                "updated_count",
                "skipped_count",
                "error_count",
                "errors",
                "heartbeat_at",
            ]
        )


def jobs_to_resume(*, stale_after: dt.timedelta = STALE_AFTER) -> list[int]:
    """Jobs left behind: queued or running without a batch for a while (worker restarted)."""
    limit = timezone.now() - stale_after
    return list(
        ImportJob.objects.filter(
            Q(status=JobStatus.RUNNING, heartbeat_at__lte=limit)
            | Q(status=JobStatus.QUEUED, created_at__lte=limit, heartbeat_at__isnull=True)
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def job_resume(*, job: ImportJob, by: Any) -> ImportJob:
    """Start an interrupted job again from its last committed row."""
    _require_own(job, by)
    if job.status not in {JobStatus.RUNNING, JobStatus.FAILED, JobStatus.QUEUED}:
        raise ValidationError(_("Cet import n'est pas interrompu."))
    if (
        job.status == JobStatus.RUNNING
        and job.heartbeat_at
        and job.heartbeat_at > timezone.now() - STALE_AFTER
    ):
        raise ValidationError(_("Cet import est en cours : il avance encore."))
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED, heartbeat_at=None, failure=""
    )
    job.refresh_from_db()
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


# --- Undo ---------------------------------------------------------------------------------


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


@transaction.atomic
def job_undo(*, job: ImportJob, by: Any) -> ImportJob:
    """Undo an import as a whole: delete what it created (and what hangs off it), put back
    the fields it changed (unless someone changed them since)."""
    _require_own(job, by)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.DONE or job.dry_run:
        raise ValidationError(_("Seul un import terminé (hors simulation) peut être annulé."))
    created = list(
        ImportedRecord.objects.filter(job=job, action=RecordAction.CREATED).values_list(
            "model", "object_id"
        )
    )
    created_keys = {(m, o) for m, o in created}
    later = (
        ImportChange.objects.filter(workspace_id=job.workspace_id, job__status=JobStatus.DONE)
        .exclude(job=job)
        .filter(job__created_at__gte=job.created_at)
        .values_list("job_id", "model", "object_id")
    )
    for later_job, later_model, object_id in later.iterator():
        if (later_model, object_id) in created_keys:
            raise ValidationError(
                _(
                    "L'import n° %(n)s a modifié des fiches créées par celui-ci : "
                    "annulez-le d'abord."
                )
                % {"n": later_job}
            )
    actor = by if getattr(by, "pk", None) else None
    label = _("Annulation de l'import n° %(n)s (%(source)s)") % {"n": job.pk, "source": job.source}
    for change in job.changes.order_by("-id"):
        model = _model(change.model)
        instance = model._default_manager.filter(pk=change.object_id).first()
        if instance is None:
            continue
        if change.action == ChangeAction.ADDED:
            audit_record(
                actor=by,
                instance=_owner_of(instance),
                action=Action.UPDATE,
                changes={_added_field(instance): [str(instance), ""], "import": ["", label]},
            )
            instance.delete()
            continue
        restored: dict[str, list[str]] = {}
        for name, (before, after) in change.changes.items():
            model_field = model._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            current = getattr(instance, model_field.attname)
            if _raw(current) != after:
                continue  # changed since the import: the newer value stays
            setattr(
                instance,
                model_field.attname,
                model_field.to_python(before) if before != "" or not model_field.null else None,
            )
            restored[name] = [after, before]
        if restored:
            instance.save()
            restored["import"] = ["", label]
            audit_record(actor=by, instance=instance, action=Action.UPDATE, changes=restored)
    by_model: dict[str, list[int]] = {}
    for model_label, object_id in created:
        by_model.setdefault(model_label, []).append(object_id)
    if job.kind in duplicates.DEDUPE_KINDS:
        dedupe_kind, dedupe_model = duplicates.DEDUPE_KINDS[job.kind]
        duplicates.pairs_delete(
            job.workspace_id, dedupe_kind, by_model.get(dedupe_model._meta.label, [])
        )
    for model_label, ids in by_model.items():
        model = _model(model_label)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = list(model._default_manager.filter(pk__in=chunk))
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        workspace_id=job.workspace_id,
                        actor=actor,
                        action=Action.DELETE,
                        content_type=_content_type(model),
                        object_id=row.pk,
                        object_repr=str(row)[:200],
                        changes={"import": [label, ""]},
                    )
                    for row in rows
                ]
            )
            try:
                model._default_manager.filter(pk__in=chunk).delete()
            except ProtectedError:
                raise ValidationError(
                    _(
                        "Des fiches créées par cet import sont utilisées ailleurs : "
                        "annulation impossible."
                    )
                ) from None
    ImportedRecord.objects.filter(job=job).delete()
    job.status = JobStatus.UNDONE
    job.undone_at = timezone.now()
    job.save(update_fields=["status", "undone_at"])
    return job


def _content_type(model: type[models.Model]) -> Any:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def _raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _owner_of(instance: Any) -> Any:
    for name in ("person", "company"):
        owner = getattr(instance, name, None)
        if owner is not None:
            return owner
    return getattr(instance, "site", None) or instance


def _added_field(instance: Any) -> str:
    return "sites" if instance._meta.model_name == "site" else "contact_points"


# --- Error file ----------------------------------------------------------------------------


def error_file(job: ImportJob) -> bytes:
    """The rows that were not imported, as in the file, plus an "Erreur" column (CSV, ;)."""
    messages: dict[int, list[str]] = {}
    for error in job.errors:
        messages.setdefault(int(error["row"]), []).append(str(error["message"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*job.columns, _("Erreur")])
    for line, cells in reading.data_rows(_read(job), _format(job)):
        if line in messages:
            writer.writerow([*cells, " ; ".join(messages[line])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@transaction.atomic
def saved_mapping_delete(*, mapping: SavedMapping, by: Any) -> None:
    require_writer(by)
    if mapping.workspace_id != by.workspace_id:
        raise PermissionDenied
    mapping.delete()
