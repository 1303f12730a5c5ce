"""Provenance of a person's or company's fields: which source said what, when."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from comptoir.api.auth import user_of
from comptoir.api.errors import not_found
from comptoir.api.schemas import MAX_ID, READ_ERRORS
from comptoir.dedupe import selectors

people_router = Router(tags=["Doublons"])
companies_router = Router(tags=["Doublons"])


class SourceOut(Schema):
    source: str = Field(description="« ERP MDE », « SAGE », « Excel », « Fusion »…")
    value: str = Field(description="Ce que la source a donné, tel qu'affiché dans Comptoir.")
    source_ref: str = Field(description="Référence dans la source (n° client, ligne…).")
    recorded_at: dt.datetime
    is_current: bool = Field(description="La valeur est celle de la fiche aujourd'hui.")


class FieldOut(Schema):
    field: str = Field(description="Nom du champ (``last_name``, ``phone``, ``email``…).")
    label: str
    current: str = Field(description="Valeur actuelle de la fiche.")
    sources: list[SourceOut] = Field(description="Plus récente d'abord.")


class ProvenanceOut(Schema):
    kind: Literal["person", "company"]
    id: int
    name: str
    sources: list[str] = Field(description="Les sources, la plus récente d'abord.")
    fields: list[FieldOut]


def _out(kind: str, record_id: int, request: HttpRequest) -> ProvenanceOut:
    if not 0 < record_id <= MAX_ID:
        raise not_found()
    found = selectors.provenance_of(user_of(request), kind, record_id)
    return ProvenanceOut(
        kind=kind,  # type: ignore[arg-type]
        id=found.record.pk,
        name=str(found.record),
        sources=found.source_names,
        fields=[
            FieldOut(
                field=f.name,
                label=f.label,
                current=f.current,
                sources=[
                    SourceOut(
                        source=s.source,
                        value=s.value,
                        source_ref=s.source_ref,
                        recorded_at=s.recorded_at,
                        is_current=s.is_current,
                    )
                    for s in f.sources
                ],
            )
            for f in found.fields
        ],
    )


DESCRIPTION = (
    "Pour chaque champ : la valeur actuelle, puis ce que chaque source (import ERP MDE, SAGE, "
    "Excel, fusion, réservation en ligne…) a donné, avec sa référence et sa date, la plus "
    "récente d'abord."
)


@people_router.get(
    "/{person_id}/provenance",
    response={200: ProvenanceOut, **READ_ERRORS},
    summary="Provenance des champs d'une personne",
    description=DESCRIPTION,
)
def person_provenance(request: HttpRequest, person_id: int) -> ProvenanceOut:
    return _out("person", person_id, request)


@companies_router.get(
    "/{company_id}/provenance",
    response={200: ProvenanceOut, **READ_ERRORS},
    summary="Provenance des champs d'une société",
    description=DESCRIPTION,
)
def company_provenance(request: HttpRequest, company_id: int) -> ProvenanceOut:
    return _out("company", company_id, request)
