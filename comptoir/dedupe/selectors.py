"""Reads of dedupe, scoped to the user's workspace (another workspace's id: 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from comptoir.contacts.models import Company, Person
from comptoir.dedupe.models import DuplicatePair, Kind, Merge, PairStatus, ScanJob

MODELS: dict[str, type[Person] | type[Company]] = {Kind.PERSON: Person, Kind.COMPANY: Company}


def pairs_for(user: Any) -> QuerySet[DuplicatePair]:
    return DuplicatePair.objects.filter(workspace_id=user.workspace_id)


def open_pairs(user: Any, *, kind: str = "") -> QuerySet[DuplicatePair]:
    """Pairs to review, best score first; both records still exist."""
    qs = pairs_for(user).filter(status=PairStatus.OPEN)
    if kind in MODELS:
        qs = qs.filter(kind=kind)
    return qs.order_by("-score", "id")


def open_counts(user: Any) -> dict[str, int]:
    rows = pairs_for(user).filter(status=PairStatus.OPEN).values("kind").annotate(n=Count("id"))
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
