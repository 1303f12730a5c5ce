"""After an import: put the records it created that look like others in the review queue.

A row scoring between the review threshold and the auto-merge threshold becomes a new record
(the import does not merge on a doubt); this pass compares the records the job created with
the rest of the workspace and stores each look-alike pair in the "Doublons" queue at once,
so nobody has to run a scan to see them.

Up to ``PER_RECORD_LIMIT`` created records, each one is looked up with dedupe's indexed
candidate search (cheap on a large base), inside the import's job; beyond, one scan of the
whole base of that kind costs less than as many look-ups and stores the same pairs: it is
queued as dedupe's own background scan, and the import's page links to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from comptoir.contacts.models import Company, ContactKind, ContactPoint, Person
from comptoir.dedupe import services as dedupe
from comptoir.dedupe.models import DuplicatePair, Kind, PairStatus
from comptoir.imports.models import ImportedRecord, ImportJob, RecordAction

BATCH = 200
PER_RECORD_LIMIT = 5000
CHUNK = 2000

DEDUPE_KINDS: dict[str, tuple[str, type[Person] | type[Company]]] = {
    "people": (Kind.PERSON, Person),
    "companies": (Kind.COMPANY, Company),
}
_PERSON_VALUES = ("id", "civility", "first_name", "last_name", "birthday")
_COMPANY_VALUES = ("id", "name", "siren")
_ADDRESS_VALUES = ("street", "street2", "postcode", "city", "country")


def created_ids(job: ImportJob) -> list[int]:
    """Ids of the people or companies the job created (and that still exist)."""
    if job.kind not in DEDUPE_KINDS:
        return []
    _kind, model = DEDUPE_KINDS[job.kind]
    ids = ImportedRecord.objects.filter(job=job, action=RecordAction.CREATED).values_list(
        "object_id", flat=True
    )
    return sorted(
        model.objects.filter(workspace_id=job.workspace_id, pk__in=ids).values_list("pk", flat=True)
    )


def _data(kind: str, model: type[Person] | type[Company], ids: list[int]) -> dict[int, Any]:
    """id → the record as dedupe's candidate search reads it (fields, phones, e-mails)."""
    names = _PERSON_VALUES if kind == Kind.PERSON else _COMPANY_VALUES
    rows: dict[int, dict[str, Any]] = {
        row["id"]: {**row, "phones": [], "emails": []}
        for row in model.objects.filter(pk__in=ids).values(*names, *_ADDRESS_VALUES)
    }
    owner = "person_id" if kind == Kind.PERSON else "company_id"
    for owner_id, point_kind, normalized in ContactPoint.objects.filter(
        **{f"{owner}__in": ids}
    ).values_list(owner, "kind", "normalized"):
        key = "phones" if point_kind == ContactKind.PHONE else "emails"
        rows[owner_id][key].append(normalized)
    for row in rows.values():
        for name, value in list(row.items()):
            if value is None:
                row[name] = ""
    return rows


def _pairs_in(ws_id: int, kind: str, ids: list[int]) -> Q:
    return Q(workspace_id=ws_id, kind=kind) & (Q(left_id__in=ids) | Q(right_id__in=ids))


def open_pairs_count(ws_id: int, kind: str, ids: Iterable[int]) -> int:
    """Open pairs involving any of ``ids`` (each pair counted once)."""
    ids = list(ids)
    seen: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        seen.update(
            DuplicatePair.objects.filter(
                _pairs_in(ws_id, kind, chunk), status=PairStatus.OPEN
            ).values_list("pk", flat=True)
        )
    return len(seen)


def pairs_delete(ws_id: int, kind: str, ids: Iterable[int]) -> int:
    """Forget every pair involving ``ids`` (records about to disappear): none dangles."""
    ids = list(ids)
    deleted = 0
    for start in range(0, len(ids), CHUNK):
        count, _detail = DuplicatePair.objects.filter(
            _pairs_in(ws_id, kind, ids[start : start + CHUNK])
        ).delete()
        deleted += count
    return deleted


def job_duplicates_find(
    job: ImportJob, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Store the pairs between the job's new records and the base; return how many open
    pairs now involve them. Pairs someone dismissed or merged stay as they were."""
    if job.kind not in DEDUPE_KINDS or job.dry_run:
        return 0
    kind, model = DEDUPE_KINDS[job.kind]
    ids = created_ids(job)
    if not ids:
        return 0
    ws_id = job.workspace_id
    if len(ids) > PER_RECORD_LIMIT:
        # One scan of the whole base, in dedupe's own background job (its progress shows in
        # "Doublons"): the import is usable meanwhile.
        if job.created_by is not None:
            scan = dedupe.scan_start(by=job.created_by, kind=kind)
            job.duplicates_scan_id = scan.pk
        return 0
    review = dedupe.settings_for(ws_id).review_threshold
    total = len(ids)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, BATCH):
        chunk = ids[start : start + BATCH]
        found: dict[tuple[int, int], DuplicatePair] = {}
        for pk, data in _data(kind, model, chunk).items():
            for candidate in dedupe.candidates_for(
                workspace=ws_id, kind=kind, data=data, min_score=review, exclude=[pk]
            ):
                left, right = sorted((pk, candidate.record_id))
                if (left, right) not in found:
                    found[(left, right)] = DuplicatePair(
                        workspace_id=ws_id,
                        kind=kind,
                        left_id=left,
                        right_id=right,
                        score=candidate.score,
                        reasons=candidate.reasons,
                    )
        with transaction.atomic():
            DuplicatePair.objects.bulk_create(
                list(found.values()), batch_size=500, ignore_conflicts=True
            )
        if progress is not None:
            progress(min(start + BATCH, total), total)
    return open_pairs_count(ws_id, kind, ids)
