"""Duplicates: pairs that look alike with their reasons, merging them, undoing a merge."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from comptoir.api.auth import user_of
from comptoir.api.pagination import paginate
from comptoir.api.schemas import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, Page, PageQuery
from comptoir.dedupe import selectors, services
from comptoir.dedupe.models import DuplicatePair, Merge

router = Router(tags=["Doublons"])
merges_router = Router(tags=["Doublons"])


class PairOut(Schema):
    id: int
    kind: Literal["person", "company"]
    left_id: int = Field(description="Id de la fiche de gauche (la plus ancienne).")
    right_id: int
    score: float = Field(description="Ressemblance de 0 à 100.")
    reasons: list[str] = Field(description="Pourquoi les fiches se ressemblent, en français.")
    status: Literal["open", "dismissed", "merged"]
    detected_at: dt.datetime
    url: str = Field(description="Page de la paire dans Comptoir.")


class PairPage(Page[PairOut]):
    pass


class PairQuery(PageQuery):
    kind: Literal["person", "company"] | None = Field(None, description="Filtrer par type.")
    status: Literal["open", "dismissed", "merged"] = Field("open", description="Statut.")


class MergeIn(Schema):
    keep: Literal["left", "right"] = Field("left", description="La fiche conservée.")
    choices: dict[str, Literal["left", "right"]] = Field(
        default_factory=dict,
        description=(
            'Champ → côté dont la valeur est gardée (ex. ``{"last_name": "right"}``). '
            "Sans choix : la valeur de la fiche conservée, ou l'autre si elle est vide."
        ),
    )


class MergeOut(Schema):
    id: int
    kind: Literal["person", "company"]
    kept_id: int
    merged_id: int
    kept: str
    merged: str
    choices: dict[str, str]
    source: str
    created_at: dt.datetime
    undone_at: dt.datetime | None


def pair_out(request: HttpRequest, pair: DuplicatePair) -> PairOut:
    return PairOut(
        id=pair.pk,
        kind=pair.kind,  # type: ignore[arg-type]
        left_id=pair.left_id,
        right_id=pair.right_id,
        score=pair.score,
        reasons=list(pair.reasons),
        status=pair.status,  # type: ignore[arg-type]
        detected_at=pair.detected_at,
        url=request.build_absolute_uri(reverse("dedupe:pair", args=[pair.pk])),
    )


def merge_out(record: Merge) -> MergeOut:
    return MergeOut(
        id=record.pk,
        kind=record.kind,  # type: ignore[arg-type]
        kept_id=record.kept_id,
        merged_id=record.merged_id,
        kept=record.kept_repr,
        merged=record.merged_repr,
        choices=record.choices,
        source=record.source,
        created_at=record.created_at,
        undone_at=record.undone_at,
    )


@router.get(
    "",
    response={200: PairPage, **LIST_ERRORS},
    summary="Lister les doublons possibles",
    description="Paires de fiches qui se ressemblent, meilleur score d'abord, avec les raisons.",
)
def pair_list(request: HttpRequest, query: Query[PairQuery]) -> PairPage:
    qs = selectors.pairs_for(user_of(request)).filter(status=query.status)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    return paginate(request, qs.order_by("-score", "id"), query, pair_out, PairPage)


@router.post(
    "/{pair_id}/merge",
    response={200: MergeOut, **WRITE_ERRORS},
    summary="Fusionner une paire",
    description=(
        "Une fiche reste, l'autre disparaît : coordonnées, sites, rattachements, interactions "
        "et historique passent sur la fiche conservée. Annulable avec "
        "``POST /merges/{id}/undo``."
    ),
)
def pair_merge(request: HttpRequest, pair_id: int, body: MergeIn | None = None) -> MergeOut:
    user = user_of(request)
    pair = selectors.pair_detail(user, pair_id)
    body = body or MergeIn(keep="left", choices={})
    record = services.merge_pair(pair=pair, by=user, keep=body.keep, choices=dict(body.choices))
    return merge_out(record)


@merges_router.get(
    "/{merge_id}",
    response={200: MergeOut, **READ_ERRORS},
    summary="Lire une fusion",
)
def merge_read(request: HttpRequest, merge_id: int) -> MergeOut:
    return merge_out(selectors.merge_detail(user_of(request), merge_id))


@merges_router.post(
    "/{merge_id}/undo",
    response={200: MergeOut, **WRITE_ERRORS},
    summary="Annuler une fusion",
    description="Les deux fiches reviennent exactement comme avant la fusion.",
)
def merge_undo(request: HttpRequest, merge_id: int) -> MergeOut:
    user = user_of(request)
    record = services.merge_undo(merge=selectors.merge_detail(user, merge_id), by=user)
    return merge_out(record)
