"""Reads of dedupe, scoped to the user's workspace (another workspace's id: 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from comptoir.contacts.models import Company, ContactKind, Person
from comptoir.dedupe.models import (
    DuplicatePair,
    FieldProvenance,
    Kind,
    Merge,
    PairStatus,
    ScanJob,
)
from comptoir.lib.phone import format_phone

MODELS: dict[str, type[Person] | type[Company]] = {Kind.PERSON: Person, Kind.COMPANY: Company}


def pairs_for(user: Any) -> QuerySet[DuplicatePair]:
    return DuplicatePair.objects.filter(workspace_id=user.workspace_id)


def open_pairs(user: Any, *, kind: str = "") -> QuerySet[DuplicatePair]:
    """Pairs to review, best score first; both records still exist (a record deleted
    since the scan takes its pairs out of the queue)."""
    people = Person.objects.filter(workspace_id=user.workspace_id)
    companies = Company.objects.filter(workspace_id=user.workspace_id)
    alive = (
        Q(kind=Kind.PERSON)
        & Exists(people.filter(pk=OuterRef("left_id")))
        & Exists(people.filter(pk=OuterRef("right_id")))
    ) | (
        Q(kind=Kind.COMPANY)
        & Exists(companies.filter(pk=OuterRef("left_id")))
        & Exists(companies.filter(pk=OuterRef("right_id")))
    )
    qs = pairs_for(user).filter(alive, status=PairStatus.OPEN)
    if kind in MODELS:
        qs = qs.filter(kind=kind)
    return qs.order_by("-score", "id")


def open_counts(user: Any) -> dict[str, int]:
    rows = open_pairs(user).order_by().values("kind").annotate(n=Count("id"))
    counts = {Kind.PERSON.value: 0, Kind.COMPANY.value: 0}
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


def pair_detail(user: Any, pair_id: int) -> DuplicatePair:
    try:
        return pairs_for(user).get(pk=pair_id)
    except DuplicatePair.DoesNotExist as exc:
        raise Http404 from exc


def records_of(pairs: list[DuplicatePair]) -> dict[tuple[str, int], Person | Company]:
    """(kind, id) → record for every side of ``pairs``, two queries at most."""
    ids: dict[str, set[int]] = {Kind.PERSON: set(), Kind.COMPANY: set()}
    for pair in pairs:
        ids[pair.kind].update((pair.left_id, pair.right_id))
    found: dict[tuple[str, int], Person | Company] = {}
    for kind, wanted in ids.items():
        if wanted:
            for obj in (
                MODELS[kind].objects.filter(pk__in=wanted).prefetch_related("contact_points")
            ):
                found[(kind, obj.pk)] = obj
    return found


def merges_for(user: Any) -> QuerySet[Merge]:
    return Merge.objects.filter(workspace_id=user.workspace_id).select_related("by", "undone_by")


def merge_detail(user: Any, merge_id: int) -> Merge:
    try:
        return merges_for(user).get(pk=merge_id)
    except Merge.DoesNotExist as exc:
        raise Http404 from exc


def scan_detail(user: Any, job_id: int) -> ScanJob:
    try:
        return ScanJob.objects.get(workspace_id=user.workspace_id, pk=job_id)
    except ScanJob.DoesNotExist as exc:
        raise Http404 from exc


def latest_scan(user: Any) -> ScanJob | None:
    return ScanJob.objects.filter(workspace_id=user.workspace_id).first()


# --- Provenance: which source said what, when -------------------------------------------------

# Fields shown first, in the order of the record's page; others follow alphabetically.
_FIELD_ORDER = [
    "civility",
    "first_name",
    "last_name",
    "name",
    "legal_form",
    "siren",
    "siret",
    "vat_number",
    "phone",
    "email",
    "street",
    "street2",
    "postcode",
    "city",
    "country",
    "birthday",
    "job_title",
    "industry",
    "category",
    "website",
    "source",
    "external_ref",
    "notes",
]


@dataclass
class SourceSaid:
    """What one source said for a field."""

    value: str
    source: str
    source_ref: str
    recorded_at: dt.datetime
    is_current: bool = False


@dataclass
class FieldSources:
    """A field of a record: its value now, and what each source said, most recent first."""

    name: str
    label: str
    current: str
    sources: list[SourceSaid] = field(default_factory=list)


@dataclass
class Provenance:
    kind: str
    record: Person | Company
    fields: list[FieldSources]

    @property
    def source_names(self) -> list[str]:
        """Every source that said something, most recent first, each once."""
        said = sorted(
            (s for f in self.fields for s in f.sources), key=lambda s: s.recorded_at, reverse=True
        )
        return list(dict.fromkeys(s.source for s in said))


def record_for(user: Any, kind: str, record_id: int) -> Person | Company:
    """A person or company of the user's workspace, with its phones and e-mails; else 404."""
    model = MODELS.get(kind)
    if model is None or getattr(user, "workspace_id", None) is None:
        raise Http404
    try:
        return (
            model.objects.filter(workspace_id=user.workspace_id)
            .prefetch_related("contact_points")
            .get(pk=record_id)
        )
    except model.DoesNotExist as exc:
        raise Http404 from exc


def _label(model: type[Person] | type[Company], name: str) -> str:
    if name == "phone":
        return _("Téléphone")
    if name == "email":
        return _("E-mail")
    try:
        return str(capfirst(getattr(model._meta.get_field(name), "verbose_name", name)))
    except FieldDoesNotExist:
        return str(capfirst(name.replace("_", " ")))


def _current(record: Person | Company, name: str) -> list[str]:
    """The record's value(s) of ``name`` now, as shown on its page."""
    if name in ("phone", "email"):
        kind = ContactKind.PHONE if name == "phone" else ContactKind.EMAIL
        return [p.display for p in record.contact_points.all() if p.kind == kind]
    try:
        model_field = record._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    value = getattr(record, name, None)
    if value in (None, ""):
        return []
    if getattr(model_field, "choices", None):
        return [str(getattr(record, f"get_{name}_display")())]
    if isinstance(value, dt.date):
        return [value.strftime("%d/%m/%Y")]
    return [str(value)]


def _said(record: Person | Company, name: str, value: str) -> str:
    """A stored value (text) as the page shows that field: phones formatted, dates French."""
    if name == "phone":
        return ", ".join(format_phone(v.strip()) for v in value.split(",") if v.strip())
    if name == "birthday" and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    try:
        model_field = record._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    choices = dict(getattr(model_field, "flatchoices", None) or [])
    return str(choices.get(value, value))


def provenance_of(user: Any, kind: str, record_id: int) -> Provenance:
    """Each field of a record with what every source said, most recent first (three queries:
    the record, its contact points, the provenance rows)."""
    record = record_for(user, kind, record_id)
    rows = FieldProvenance.objects.filter(
        workspace_id=user.workspace_id, target=record._meta.label_lower, object_id=record.pk
    ).order_by("field", "-recorded_at", "-id")
    by_field: dict[str, FieldSources] = {}
    now: dict[str, set[str]] = {}
    model = type(record)
    for row in rows:
        entry = by_field.get(row.field)
        if entry is None:
            current = _current(record, row.field)
            now[row.field] = set(current)
            entry = by_field[row.field] = FieldSources(
                name=row.field, label=_label(model, row.field), current=", ".join(current)
            )
        shown = _said(record, row.field, row.value)
        if row.field in ("phone", "email"):
            is_current = {p.strip() for p in shown.split(",")} <= now[row.field]
        else:
            is_current = shown in now[row.field]
        entry.sources.append(
            SourceSaid(
                value=shown,
                source=row.source,
                source_ref=row.source_ref,
                recorded_at=row.recorded_at,
                is_current=is_current,
            )
        )
    order = {name: i for i, name in enumerate(_FIELD_ORDER)}
    fields = sorted(by_field.values(), key=lambda f: (order.get(f.name, len(order)), f.name))
    return Provenance(kind=kind, record=record, fields=fields)
