"""Provenance, duplicate candidates, scans, merges and their undo.

Imports call ``provenance_record``, ``candidates_for`` and ``best_match``; the review queue
and the API call ``merge``, ``merge_undo`` and ``pair_dismiss``.

A merge moves every row that points at the merged record to the kept one, whatever app
the row belongs to: relations are found through Django's model metadata (foreign keys,
one-to-one and many-to-many links, and generic links made of a content type and an object
id), so a model added later is relinked without anyone remembering to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.models import Workspace
from comptoir.accounts.services import require_writer
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.contacts.models import Company, ContactKind, ContactPoint, Person
from comptoir.dedupe import scoring
from comptoir.dedupe.models import (
    DedupeSettings,
    DuplicatePair,
    FieldProvenance,
    Kind,
    Merge,
    PairStatus,
    ScanJob,
    ScanStatus,
)

MODELS: dict[str, type[Person] | type[Company]] = {Kind.PERSON: Person, Kind.COMPANY: Company}

# Fields of a person or company a user chooses between when merging, in display order.
PERSON_FIELDS = [
    "civility",
    "first_name",
    "last_name",
    "job_title",
    "birthday",
    "street",
    "street2",
    "postcode",
    "city",
    "country",
    "category",
    "source",
    "notes",
    "external_ref",
]
COMPANY_FIELDS = [
    "name",
    "legal_form",
    "siren",
    "siret",
    "vat_number",
    "street",
    "street2",
    "postcode",
    "city",
    "country",
    "industry",
    "domain",
    "subdomain",
    "category",
    "source",
    "website",
    "notes",
    "external_ref",
]
CHOICE_FIELDS: dict[str, list[str]] = {Kind.PERSON: PERSON_FIELDS, Kind.COMPANY: COMPANY_FIELDS}


@dataclass
class Candidate:
    """An existing record that looks like the data given, with its score and reasons."""

    record_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


def _label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def _model_for(kind: str) -> type[Person] | type[Company]:
    if kind not in MODELS:
        raise ValidationError(_("Type d'enregistrement inconnu : « %(kind)s ».") % {"kind": kind})
    return MODELS[kind]


def _workspace_id(workspace: Any) -> int:
    return int(getattr(workspace, "pk", workspace))


# --- Settings and provenance -----------------------------------------------------------------


def settings_for(workspace: Any) -> DedupeSettings:
    """The workspace's dedupe settings (created with the defaults on first use)."""
    found, _created = DedupeSettings.objects.get_or_create(workspace_id=_workspace_id(workspace))
    return found


# Below 80 an import would attach rows to records that merely look alike; a review threshold
# under 40 floods the queue with pairs that share nothing but a common name.
AUTO_MERGE_RANGE = (80, 100)
REVIEW_RANGE = (40, 99)


@transaction.atomic
def settings_update(
    *, by: Any, auto_merge_threshold: int, review_threshold: int | None = None
) -> DedupeSettings:
    """Change the workspace's thresholds (managers and admins only)."""
    require_writer(by)
    if not getattr(by, "is_manager", False) or getattr(by, "workspace_id", None) is None:
        raise PermissionDenied(_("Seul un responsable peut modifier les réglages des doublons."))
    current = DedupeSettings.objects.select_for_update().get(pk=settings_for(by.workspace_id).pk)
    before = snapshot(current)
    current.auto_merge_threshold = auto_merge_threshold
    if review_threshold is not None:
        current.review_threshold = review_threshold
    errors: dict[str, str] = {}
    for name, (low, high) in (
        ("auto_merge_threshold", AUTO_MERGE_RANGE),
        ("review_threshold", REVIEW_RANGE),
    ):
        value = getattr(current, name)
        if not isinstance(value, int) or not low <= value <= high:
            errors[name] = _("Indiquez un score entre %(low)s et %(high)s.") % {
                "low": low,
                "high": high,
            }
    if not errors and current.review_threshold >= current.auto_merge_threshold:
        errors["review_threshold"] = _(
            "Le seuil de la file doit être inférieur au seuil de fusion automatique."
        )
    if errors:
        raise ValidationError(errors)
    current.full_clean()
    current.save()
    audit_record(actor=by, instance=current, action=Action.UPDATE, before=before)
    return current


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def provenance_record(
    *,
    workspace: Any,
    instance: models.Model,
    values: dict[str, Any],
    source: str,
    source_ref: str = "",
    at: dt.datetime | None = None,
) -> None:
    """Remember that ``source`` said each of ``values`` (field → value) for ``instance``.

    Empty values are skipped (a source that says nothing is no evidence); the same value
    from the same source is recorded once, with its latest date.
    """
    when = at or timezone.now()
    ws_id = _workspace_id(workspace)
    target = _label(instance)
    existing = {
        (p.field, p.value, p.source): p
        for p in FieldProvenance.objects.filter(
            workspace_id=ws_id, target=target, object_id=instance.pk, field__in=list(values)
        )
    }
    new: list[FieldProvenance] = []
    for name, raw in values.items():
        text = _text(raw).strip()
        if not text:
            continue
        same = existing.get((name, text, source))
        if same is not None:
            if same.recorded_at < when or same.source_ref != source_ref:
                same.recorded_at = max(same.recorded_at, when)
                same.source_ref = source_ref[:200]
                same.save(update_fields=["recorded_at", "source_ref"])
            continue
        new.append(
            FieldProvenance(
                workspace_id=ws_id,
                target=target,
                object_id=instance.pk,
                field=name[:60],
                value=text,
                source=source[:60],
                source_ref=source_ref[:200],
                recorded_at=when,
            )
        )
    FieldProvenance.objects.bulk_create(new)


def provenance_for(instance: models.Model) -> list[FieldProvenance]:
    return list(
        FieldProvenance.objects.filter(
            workspace_id=getattr(instance, "workspace_id"),  # noqa: B009
            target=_label(instance),
            object_id=instance.pk,
        )
    )


# --- Records as plain dicts for the scoring ---------------------------------------------------

_PERSON_VALUES = (
    "id",
    "civility",
    "first_name",
    "last_name",
    "street",
    "street2",
    "postcode",
    "city",
)
_COMPANY_VALUES = ("id", "name", "siren", "street", "street2", "postcode", "city")


def _records(kind: str, qs: models.QuerySet[Any]) -> dict[int, dict[str, Any]]:
    """id → plain dict of the fields the scoring reads, contact points included."""
    values = _PERSON_VALUES if kind == Kind.PERSON else _COMPANY_VALUES
    extra = ("birthday", "country") if kind == Kind.PERSON else ("country",)
    rows = {row["id"]: row for row in qs.values(*values, *extra)}
    for row in rows.values():
        row["phones"], row["emails"] = [], []
    owner = "person_id" if kind == Kind.PERSON else "company_id"
    ids = list(rows)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        points = ContactPoint.objects.filter(**{f"{owner}__in": chunk}).values_list(
            owner, "kind", "normalized"
        )
        for owner_id, point_kind, normalized in points:
            key = "phones" if point_kind == ContactKind.PHONE else "emails"
            rows[owner_id][key].append(normalized)
    return rows


def _candidate_ids(ws_id: int, kind: str, rec: scoring.Prepared, limit: int = 400) -> set[int]:
    """Ids of the records sharing a blocking key with ``rec``, found with indexed queries."""
    owner = "person_id" if kind == Kind.PERSON else "company_id"
    ids: set[int] = set()
    points = Q(pk__in=[])
    if rec.phones:
        points |= Q(kind=ContactKind.PHONE, normalized__in=list(rec.phones))
    if rec.emails:
        points |= Q(kind=ContactKind.EMAIL, normalized__in=list(rec.emails))
    if rec.phones or rec.emails:
        for point_owner, site_owner in ContactPoint.objects.filter(
            points, workspace_id=ws_id
        ).values_list(owner, f"site__{owner}"):
            ids.update(i for i in (point_owner, site_owner) if i)
    model = _model_for(kind)
    base: models.QuerySet[Any] = model.objects.filter(workspace_id=ws_id)
    if kind == Kind.COMPANY:
        if rec.siren:
            ids.update(base.filter(siren=rec.siren).values_list("id", flat=True)[:limit])
        words = rec.name.split()
        if words:
            first_word = Q(search_name__startswith=words[0][:4]) | Q(
                search_name__contains=f" {words[0][:4]}"
            )
            ids.update(base.filter(first_word).values_list("id", flat=True)[:limit])
        return ids
    names = [n for n in (rec.last, rec.first) if len(n) >= 2]
    for name in names:
        head = name.split()[0][:3]
        ids.update(base.filter(search_name__startswith=head).values_list("id", flat=True)[:limit])
    if rec.postcode:
        sounds = {scoring.phonetic_fr(n) for n in names} - {""}
        if sounds:
            for pk, first, last in base.filter(postcode=rec.postcode).values_list(
                "id", "first_name", "last_name"
            )[: limit * 5]:
                if sounds & {scoring.phonetic_fr(first), scoring.phonetic_fr(last)}:
                    ids.add(pk)
    return ids


def candidates_for(
    *,
    workspace: Any,
    kind: str,
    data: dict[str, Any],
    min_score: float | None = None,
    exclude: Iterable[int] = (),
    limit: int = 10,
) -> list[Candidate]:
    """Existing records that look like ``data`` (model field names, phone/email as typed).

    Best first; only those scoring at least ``min_score`` (default: the workspace's review
    threshold).
    """
    ws_id = _workspace_id(workspace)
    _model_for(kind)
    rec = scoring.prepare(kind, data)
    if min_score is None:
        min_score = settings_for(ws_id).review_threshold
    ids = _candidate_ids(ws_id, kind, rec) - set(exclude)
    if not ids:
        return []
    model = _model_for(kind)
    others = _records(kind, model.objects.filter(workspace_id=ws_id, pk__in=ids))
    found: list[Candidate] = []
    for pk, other in others.items():
        result = scoring.score(rec, scoring.prepare(kind, other), explain=True)
        if result.score >= min_score:
            found.append(Candidate(record_id=pk, score=result.score, reasons=result.reasons))
    found.sort(key=lambda c: (-c.score, c.record_id))
    return found[:limit]


def best_match(*, workspace: Any, kind: str, data: dict[str, Any]) -> Candidate | None:
    """The record ``data`` surely describes (score ≥ the auto-merge threshold), or None."""
    threshold = settings_for(workspace).auto_merge_threshold
    found = candidates_for(workspace=workspace, kind=kind, data=data, min_score=threshold)
    return found[0] if found else None


# --- Scans ----------------------------------------------------------------------------------


def _pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def duplicates_scan(
    *,
    workspace: Any,
    kind: str | None = None,
    job: ScanJob | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Look for duplicates over the whole base; open pairs are created or refreshed.

    Pairs a user dismissed or merged stay as they were. Returns counts per kind:
    ``{"person": found, "person_new": created, …}``.
    """
    ws_id = _workspace_id(workspace)
    review = settings_for(ws_id).review_threshold
    kinds = [kind] if kind else [Kind.PERSON, Kind.COMPANY]
    counts: dict[str, int] = {}
    for current in kinds:
        model = _model_for(current)
        records = _records(current, model.objects.filter(workspace_id=ws_id))
        prepared = [(pk, scoring.prepare(current, row)) for pk, row in records.items()]

        def step(done: int, total: int, _kind: str = current) -> None:
            if progress is not None:
                progress(done, total)

        found = scoring.find_pairs(prepared, min_score=review, progress=step)
        with transaction.atomic():
            stored = _store_pairs(ws_id, current, found, records)
        counts[current], counts[f"{current}_new"] = stored
    return counts


def _store_pairs(
    ws_id: int,
    kind: str,
    found: list[tuple[int, int, float]],
    records: dict[int, dict[str, Any]],
) -> tuple[int, int]:
    existing = {
        (p.left_id, p.right_id): p
        for p in DuplicatePair.objects.filter(workspace_id=ws_id, kind=kind)
    }
    now = timezone.now()
    new, changed = [], []
    for a, b, _score in found:
        left, right = _pair_key(a, b)
        result = scoring.compare(kind, records[left], records[right])
        pair = existing.get((left, right))
        if pair is None:
            new.append(
                DuplicatePair(
                    workspace_id=ws_id,
                    kind=kind,
                    left_id=left,
                    right_id=right,
                    score=result.score,
                    reasons=result.reasons,
                    detected_at=now,
                )
            )
        elif pair.status == PairStatus.OPEN and (
            pair.score != result.score or pair.reasons != result.reasons
        ):
            pair.score, pair.reasons = result.score, result.reasons
            changed.append(pair)
    DuplicatePair.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    DuplicatePair.objects.bulk_update(changed, ["score", "reasons"], batch_size=1000)
    return len(found), len(new)


def scan_start(*, by: Any, kind: str | None = None) -> ScanJob:
    """Queue a background scan of the user's workspace; one at a time per workspace."""
    require_writer(by)
    if kind:
        _model_for(kind)
    with transaction.atomic():
        # Two clicks at once must not start two scans: the workspace row serialises them.
        Workspace.objects.select_for_update().filter(pk=by.workspace_id).first()
        running = ScanJob.objects.filter(
            workspace_id=by.workspace_id, status__in=[ScanStatus.QUEUED, ScanStatus.RUNNING]
        ).first()
        if running is not None:
            return running
        job = ScanJob.objects.create(workspace_id=by.workspace_id, kind=kind or "", by=by)
        from comptoir.dedupe.tasks import scan_run_task

        job_id = job.pk
        transaction.on_commit(lambda: scan_run_task(job_id), robust=True)
    return job


def scan_run(*, job_id: int) -> ScanJob:
    """Run a queued scan, writing its progress to the job row as it goes."""
    job = ScanJob.objects.get(pk=job_id)
    if job.status not in (ScanStatus.QUEUED, ScanStatus.RUNNING):
        return job
    job.status = ScanStatus.RUNNING
    job.save(update_fields=["status"])
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if done < total and now - last[0] < 0.5:
            return
        last[0] = now
        ScanJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        # No transaction around the scoring: the progress must be seen while it runs, and
        # other users keep writing; each kind's pairs are stored in one transaction.
        counts = duplicates_scan(
            workspace=job.workspace_id, kind=job.kind or None, job=job, progress=progress
        )
    except Exception as exc:
        ScanJob.objects.filter(pk=job.pk).update(
            status=ScanStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ScanJob.objects.filter(pk=job.pk).update(
        status=ScanStatus.DONE, report=counts, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def pair_dismiss(*, pair: DuplicatePair, by: Any) -> DuplicatePair:
    """Not a duplicate: the pair leaves the queue and later scans leave it out."""
    require_writer(by)
    if pair.workspace_id != by.workspace_id:
        raise ValidationError(_("Paire introuvable."))
    locked = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if locked.status != PairStatus.OPEN:
        raise ValidationError(_("Cette paire a déjà été traitée."))
    locked.status, locked.decided_by, locked.decided_at = PairStatus.DISMISSED, by, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def pair_reopen(*, pair: DuplicatePair, by: Any) -> DuplicatePair:
    require_writer(by)
    if pair.workspace_id != by.workspace_id or pair.status != PairStatus.DISMISSED:
        raise ValidationError(_("Cette paire ne peut pas être rouverte."))
    pair.status, pair.decided_by, pair.decided_at = PairStatus.OPEN, None, None
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    return pair


# --- Merge ----------------------------------------------------------------------------------


def _dump(instance: models.Model) -> dict[str, Any]:
    """The row of ``instance`` as serialized data (fields only, no many-to-many)."""
    data: dict[str, Any] = serializers.serialize("python", [instance])[0]
    data["fields"] = {
        f.name: data["fields"][f.name]
        for f in instance._meta.concrete_fields
        if f.name in data["fields"]
    }
    return data


def _restore(data: dict[str, Any]) -> None:
    """Write a row back exactly as dumped (raw save: no auto dates, no custom save)."""
    for obj in serializers.deserialize("python", [data]):
        obj.save()


def relations_to(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """Every foreign key or one-to-one from any installed model to ``model``.

    Many-to-many links, declared on ``model`` or elsewhere, appear through their
    intermediate table's foreign keys.
    """
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel)
        and (rel.one_to_many or rel.one_to_one)
        and isinstance(rel.field, models.ForeignKey)
    ]


def generic_links() -> list[tuple[type[models.Model], str, str]]:
    """(model, content type field, object id field) of every generic link in the project.

    A generic link is a GenericForeignKey, or a model holding a foreign key to ContentType
    next to an ``object_id`` field (the audit trail).
    """
    from django.apps import apps

    found: list[tuple[type[models.Model], str, str]] = []
    for model in apps.get_models():
        private = [
            (f.ct_field, f.fk_field)
            for f in model._meta.private_fields
            if hasattr(f, "ct_field") and hasattr(f, "fk_field")
        ]
        if private:
            found.extend((model, ct, fk) for ct, fk in private)
            continue
        names = {f.name for f in model._meta.concrete_fields}
        for f in model._meta.concrete_fields:
            if (
                isinstance(f, models.ForeignKey)
                and f.related_model is ContentType
                and "object_id" in names
            ):
                found.append((model, f.name, "object_id"))
    return found


def _attname(model: type[models.Model], name: str) -> str:
    return cast(models.Field, model._meta.get_field(name)).attname


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = [tuple(u) for u in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ]
    return [s for s in sets if field_name in s]


def _relink_rel(
    rel: models.ForeignObjectRel, kept: models.Model, merged: models.Model, snap: dict[str, Any]
) -> int:
    related = rel.related_model
    fk = rel.field
    manager = related._base_manager
    rows = list(manager.filter(**{fk.attname: merged.pk}))
    if not rows:
        return 0
    if rel.one_to_one and manager.filter(**{fk.attname: kept.pk}).exists():
        raise ValidationError(
            _(
                "Fusion impossible : les deux fiches ont chacune un(e) « %(what)s » "
                "et une fiche n'en admet qu'un."
            )
            % {"what": related._meta.verbose_name}
        )
    unique_sets = _unique_sets(related, fk.name)
    moved, dropped = [], []
    for row in rows:
        clash = False
        for unique in unique_sets:
            lookup = {
                f: kept.pk if f == fk.name else getattr(row, _attname(related, f)) for f in unique
            }
            if manager.filter(**lookup).exists():
                clash = True
                break
        if clash:
            if not related._meta.auto_created:
                raise ValidationError(
                    _("Fusion impossible : « %(what)s » existe déjà pour la fiche conservée.")
                    % {"what": str(row)}
                )
            dropped.append(row)
        else:
            moved.append(row.pk)
    label = _label(related)
    for row in dropped:
        snap["deleted"].append(_dump(row))
        row.delete()
    if moved:
        manager.filter(pk__in=moved).update(**{fk.attname: kept.pk})
        snap["relinked"].extend([label, pk, fk.attname] for pk in moved)
    return len(moved)


def _relink_generic(
    model: type[models.Model], kept: models.Model, merged: models.Model, snap: dict[str, Any]
) -> int:
    content_type = ContentType.objects.get_for_model(model)
    count = 0
    for link_model, ct_field, id_field in generic_links():
        ct_attname = link_model._meta.get_field(ct_field).attname  # type: ignore[union-attr]
        qs = link_model._base_manager.filter(**{ct_attname: content_type.pk, id_field: merged.pk})
        ids = list(qs.values_list("pk", flat=True))
        if ids:
            link_model._base_manager.filter(pk__in=ids).update(**{id_field: kept.pk})
            snap["generic"].extend([_label(link_model), pk, id_field] for pk in ids)
            count += len(ids)
    # Provenance names its target by label rather than by content type.
    ids = list(
        FieldProvenance.objects.filter(target=_label(model), object_id=merged.pk).values_list(
            "pk", flat=True
        )
    )
    if ids:
        FieldProvenance.objects.filter(pk__in=ids).update(object_id=kept.pk)
        snap["generic"].extend([_label(FieldProvenance), pk, "object_id"] for pk in ids)
        count += len(ids)
    return count


def _dedupe_contact_points(kept: models.Model, moved_ids: set[int], snap: dict[str, Any]) -> None:
    """A phone or e-mail both records had is kept once, the kept record's own row."""
    owner = "person_id" if isinstance(kept, Person) else "company_id"
    seen: set[tuple[str, str]] = set()
    points = ContactPoint.objects.filter(**{owner: kept.pk}).order_by("id")
    own = [p for p in points if p.pk not in moved_ids]
    brought = [p for p in points if p.pk in moved_ids]
    for point in own + brought:
        key = (point.kind, point.normalized)
        if key in seen:
            snap["deleted"].append(_dump(point))
            point.delete()
        else:
            seen.add(key)


def _choice_value(instance: models.Model, name: str) -> Any:
    f = instance._meta.get_field(name)
    return getattr(instance, f.attname)  # type: ignore[union-attr]


def default_choices(kind: str, left: models.Model, right: models.Model) -> dict[str, str]:
    """ "left" or "right" per field: the value when only one is filled, else the most recent."""
    recent_left = getattr(left, "updated_at", None) or dt.datetime.min
    recent_right = getattr(right, "updated_at", None) or dt.datetime.min
    newer = "right" if recent_right > recent_left else "left"
    choices = {}
    for name in CHOICE_FIELDS[kind]:
        a, b = _choice_value(left, name), _choice_value(right, name)
        if a in (None, "") and b not in (None, ""):
            choices[name] = "right"
        elif (b in (None, "") and a not in (None, "")) or a == b:
            choices[name] = "left"
        else:
            choices[name] = newer
    return choices


def _repr(instance: models.Model) -> str:
    return str(instance)[:200]


@transaction.atomic
def merge(
    *,
    kind: str,
    kept: Person | Company,
    merged: Person | Company,
    choices: dict[str, str] | None = None,
    by: Any,
    source: str = "Fusion",
) -> Merge:
    """Merge ``merged`` into ``kept``: one record remains, with everything both had.

    ``choices`` maps a field to "kept" or "merged" (whose value the remaining record takes);
    fields left out keep the kept record's value, or take the merged one's when the kept
    record has none. Every row pointing at ``merged`` moves to ``kept``; an e-mail or phone
    both had stays once. Safe under concurrency: both rows are locked, and merging a record
    that another merge just removed fails with a clear message.
    """
    require_writer(by)
    model = _model_for(kind)
    if kept.pk == merged.pk:
        raise ValidationError(_("Une fiche ne peut pas être fusionnée avec elle-même."))
    ws_id = by.workspace_id
    locked = {
        obj.pk: obj
        for obj in model.objects.select_for_update()
        .filter(pk__in=[kept.pk, merged.pk], workspace_id=ws_id)
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError(
            _(
                "Une des deux fiches n'existe plus : elle vient sans doute d'être fusionnée "
                "ou supprimée. Rechargez la page."
            )
        )
    kept_obj, merged_obj = locked[kept.pk], locked[merged.pk]
    choices = dict(choices or {})
    unknown = set(choices) - set(CHOICE_FIELDS[kind])
    bad = {v for v in choices.values()} - {"kept", "merged"}
    if unknown or bad:
        raise ValidationError(
            _("Choix de fusion invalides : %(fields)s.")
            % {"fields": ", ".join(sorted(unknown) or sorted(bad))}
        )
    snap: dict[str, Any] = {
        "merged": _dump(merged_obj),
        "kept_before": _dump(kept_obj),
        "relinked": [],
        "generic": [],
        "deleted": [],
        "provenance_created": [],
    }
    merged_repr, kept_repr = _repr(merged_obj), _repr(kept_obj)

    # 1. Field values the kept record takes from the merged one.
    taken: dict[str, Any] = {}
    for name in CHOICE_FIELDS[kind]:
        mine, theirs = _choice_value(kept_obj, name), _choice_value(merged_obj, name)
        pick = choices.get(name) or ("merged" if mine in (None, "") else "kept")
        if pick == "merged" and mine != theirs:
            attname = model._meta.get_field(name).attname  # type: ignore[union-attr]
            setattr(kept_obj, attname, theirs)
            taken[name] = getattr(merged_obj, name)

    # 2. Every row pointing at the merged record moves to the kept one.
    moved_points: set[int] = set()
    for rel in relations_to(model):
        before = len(snap["relinked"])
        _relink_rel(rel, kept_obj, merged_obj, snap)
        if rel.related_model is ContactPoint:
            moved_points.update(pk for _l, pk, _f in snap["relinked"][before:])
    _relink_generic(model, kept_obj, merged_obj, snap)
    _dedupe_contact_points(kept_obj, moved_points, snap)

    # 3. The merged record goes; the kept one takes its chosen values.
    merged_ct = ContentType.objects.get_for_model(model)
    model._base_manager.filter(pk=merged_obj.pk).delete()
    if taken:
        kept_obj.full_clean(exclude=["interests"])
        kept_obj.save()
    record = Merge.objects.create(
        workspace_id=ws_id,
        kind=kind,
        kept_id=kept_obj.pk,
        merged_id=merged_obj.pk,
        kept_repr=_repr(kept_obj),
        merged_repr=merged_repr,
        choices=choices,
        snapshot=snap,
        source=source[:60],
        by=by if getattr(by, "pk", None) else None,
    )
    if taken:
        before_ids = set(
            FieldProvenance.objects.filter(target=_label(model), object_id=kept_obj.pk).values_list(
                "pk", flat=True
            )
        )
        provenance_record(
            workspace=ws_id,
            instance=kept_obj,
            values=taken,
            source=source,
            source_ref=_("fusion de « %(name)s »") % {"name": merged_repr},
        )
        created = FieldProvenance.objects.filter(
            target=_label(model), object_id=kept_obj.pk
        ).exclude(pk__in=before_ids)
        snap["provenance_created"] = list(created.values_list("pk", flat=True))
        record.snapshot = snap
        record.save(update_fields=["snapshot"])

    # 4. Pairs: this one is merged; others naming the merged record are set aside.
    _close_pairs(ws_id, kind, kept_obj.pk, merged_obj.pk, snap, by)
    record.snapshot = snap
    record.save(update_fields=["snapshot"])

    audit_record(
        actor=by,
        instance=kept_obj,
        action=Action.UPDATE,
        changes={
            str(_("fusion")): [
                "",
                _("« %(merged)s » fusionné dans cette fiche") % {"merged": merged_repr},
            ],
            **{
                str(model._meta.get_field(n).verbose_name): [  # type: ignore[union-attr]
                    _text(snap["kept_before"]["fields"].get(n)),
                    _text(v),
                ]
                for n, v in taken.items()
            },
        },
    )
    _audit_gone(by, ws_id, merged_ct, merged_obj.pk, merged_repr, kept_repr)
    return record


def _audit_gone(
    by: Any, ws_id: int, content_type: ContentType, pk: int, merged_repr: str, kept_repr: str
) -> None:
    from comptoir.audit.models import AuditEntry

    AuditEntry.objects.create(
        workspace_id=ws_id,
        actor=by if getattr(by, "pk", None) else None,
        action=Action.DELETE,
        content_type=content_type,
        object_id=pk,
        object_repr=merged_repr,
        changes={str(_("fusion")): ["", _("fusionné dans « %(kept)s »") % {"kept": kept_repr}]},
    )


def _close_pairs(
    ws_id: int, kind: str, kept_id: int, merged_id: int, snap: dict[str, Any], by: Any
) -> None:
    pairs = DuplicatePair.objects.filter(workspace_id=ws_id, kind=kind).filter(
        Q(left_id=merged_id) | Q(right_id=merged_id)
    )
    snap["pairs"] = [_dump(p) for p in pairs]
    left, right = _pair_key(kept_id, merged_id)
    now = timezone.now()
    for pair in pairs:
        if (pair.left_id, pair.right_id) == (left, right):
            pair.status, pair.decided_at = PairStatus.MERGED, now
            pair.decided_by = by if getattr(by, "pk", None) else None
            pair.save(update_fields=["status", "decided_at", "decided_by"])
        else:
            pair.delete()


def merges_blocking_undo(merge: Merge) -> list[Merge]:
    """Later merges that touched either record: they must be undone first."""
    ids = [merge.kept_id, merge.merged_id]
    return list(
        Merge.objects.filter(
            workspace_id=merge.workspace_id, kind=merge.kind, undone_at__isnull=True
        )
        .filter(Q(kept_id__in=ids) | Q(merged_id__in=ids))
        .filter(
            Q(created_at__gt=merge.created_at) | Q(created_at=merge.created_at, pk__gt=merge.pk)
        )
    )


@transaction.atomic
def merge_undo(*, merge: Merge, by: Any) -> Merge:
    """Put both records back exactly as they were before the merge.

    Rows moved by the merge go back to the restored record (those deleted since stay
    deleted); rows added to the kept record after the merge stay with it.
    """
    require_writer(by)
    if merge.workspace_id != by.workspace_id:
        raise ValidationError(_("Fusion introuvable."))
    locked = Merge.objects.select_for_update().get(pk=merge.pk)
    if locked.undone_at is not None:
        raise ValidationError(_("Cette fusion a déjà été annulée."))
    model = _model_for(locked.kind)
    # Lock the kept record before looking for later merges: a merge holding it commits
    # first, and is then seen below (checking first would let both through).
    kept = model.objects.select_for_update().filter(pk=locked.kept_id).first()
    if merges_blocking_undo(locked):
        raise ValidationError(
            _("Une fusion plus récente concerne ces fiches : annulez-la d'abord.")
        )
    if kept is None:
        raise ValidationError(
            _("La fiche conservée a été supprimée depuis : la fusion ne peut plus être annulée.")
        )
    if model._base_manager.filter(pk=locked.merged_id).exists():
        raise ValidationError(_("La fiche fusionnée existe déjà."))
    snap = locked.snapshot
    from django.apps import apps

    # The merged record first, then what pointed at it.
    _restore(snap["merged"])
    _restore(snap["kept_before"])
    # Rows the merge deleted as doubles (a phone both had), then the rows it moved.
    for data in snap["deleted"]:
        try:
            with transaction.atomic():
                _restore(data)
        except IntegrityError:
            # What it pointed at is gone since the merge: nothing to restore it onto.
            continue
    for label, pk, attname in snap["relinked"]:
        related = apps.get_model(label)
        related._base_manager.filter(pk=pk, **{attname: locked.kept_id}).update(
            **{attname: locked.merged_id}
        )
    ct = ContentType.objects.get_for_model(model)
    for label, pk, id_field in snap["generic"]:
        related = apps.get_model(label)
        related._base_manager.filter(pk=pk, **{id_field: locked.kept_id}).update(
            **{id_field: locked.merged_id}
        )
    FieldProvenance.objects.filter(pk__in=snap.get("provenance_created", [])).delete()
    for data in snap.get("pairs", []):
        DuplicatePair.objects.filter(pk=data["pk"]).delete()
        _restore(data)
    from comptoir.audit.models import AuditEntry

    AuditEntry.objects.filter(
        workspace_id=locked.workspace_id,
        content_type=ct,
        object_id=locked.merged_id,
        action=Action.DELETE,
        created_at__gte=locked.created_at,
    ).delete()
    locked.undone_at, locked.undone_by = timezone.now(), by
    locked.save(update_fields=["undone_at", "undone_by"])
    merged = model.objects.get(pk=locked.merged_id)
    audit_record(
        actor=by,
        instance=kept,
        action=Action.UPDATE,
        changes={str(_("fusion annulée")): [locked.merged_repr, ""]},
    )
    audit_record(
        actor=by,
        instance=merged,
        action=Action.UPDATE,
        changes={str(_("fusion annulée")): ["", _("fiche rétablie")]},
    )
    return locked


def merge_pair(
    *, pair: DuplicatePair, by: Any, keep: str = "left", choices: dict[str, str] | None = None
) -> Merge:
    """Merge the two records of a pair; ``choices`` per field say "left" or "right"."""
    if pair.workspace_id != by.workspace_id:
        raise ValidationError(_("Paire introuvable."))
    if keep not in ("left", "right"):
        raise ValidationError({"keep": _("Indiquez « left » ou « right ».")})
    if pair.status != PairStatus.OPEN:
        raise ValidationError(_("Cette paire a déjà été traitée."))
    model = _model_for(pair.kind)
    found = {
        o.pk: o
        for o in model.objects.filter(
            workspace_id=pair.workspace_id, pk__in=[pair.left_id, pair.right_id]
        )
    }
    if len(found) != 2:
        raise ValidationError(
            _("Une des deux fiches n'existe plus : elle vient sans doute d'être fusionnée.")
        )
    left, right = found[pair.left_id], found[pair.right_id]
    kept, merged = (left, right) if keep == "left" else (right, left)
    side = {"left": "kept" if keep == "left" else "merged"}
    side["right"] = "merged" if keep == "left" else "kept"
    translated = {}
    for name, value in (choices or {}).items():
        if value not in side:
            raise ValidationError({name: _("Choix invalide : « left » ou « right ».")})
        translated[name] = side[value]
    return merge(kind=pair.kind, kept=kept, merged=merged, choices=translated, by=by)


def related_counts(instance: models.Model) -> dict[str, int]:
    """Verbose name → how many rows point at ``instance``, for the pair page ("1 site",
    "5 interactions")."""
    counts: dict[type[models.Model], int] = defaultdict(int)
    for rel in relations_to(type(instance)):
        if rel.related_model._meta.auto_created:
            continue
        n = rel.related_model._base_manager.filter(**{rel.field.attname: instance.pk}).count()
        if n:
            counts[rel.related_model] += n
    return {
        str(model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural): n
        for model, n in counts.items()
    }
