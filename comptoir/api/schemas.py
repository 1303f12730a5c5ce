"""Shared schemas and input types: ids, text, dates, pages, errors, contact points."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar, overload

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _clean_text(value: str) -> str:
    # PostgreSQL refuses NUL characters in text: refuse them here, with a message.
    if "\x00" in value:
        raise ValueError(_("Caractère nul interdit."))
    return value.strip()


Text = Annotated[str, AfterValidator(_clean_text)]
"""A string as typed, trimmed; NUL characters refused."""


def _aware(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2999:
        raise ValueError(_("Date hors limites : entre 1900 et 2999."))
    if timezone.is_naive(value):
        # Read in the workspace's time zone (activated by the authentication).
        value = timezone.make_aware(value)
    return value


DateTimeIn = Annotated[dt.datetime, AfterValidator(_aware)]
"""ISO 8601; without an offset, read in the workspace's time zone."""


def _date_in_range(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2999:
        raise ValueError(_("Date hors limites : entre 1900 et 2999."))
    return value


DateIn = Annotated[dt.date, AfterValidator(_date_in_range)]

Label = Literal["mobile", "landline", "work", "home", "fax", "other"]
CategoryName = Literal["client", "prospect", "partner", "supplier"]


class InSchema(Schema):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


# --- Pages --------------------------------------------------------------------------------

T = TypeVar("T")


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Numéro de page, à partir de 1.")
    page_size: int = Field(50, ge=1, le=200, description="Éléments par page (200 au plus).")


class Page(Schema, Generic[T]):
    """One page of a list; ``count`` is the total over every page."""

    items: list[T]
    count: int = Field(description="Nombre total d'éléments correspondant aux filtres.")
    page: int
    page_size: int


# --- Errors -------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="Message en français.", examples=["Introuvable."])


class ValidationErrorOut(Schema):
    detail: str = Field(examples=["Données invalides."])
    errors: dict[str, list[str]] = Field(
        description="Messages par champ (``phones.0.value`` pour un élément de liste, "
        "``__all__`` pour l'ensemble).",
        examples=[{"siret": ["SIRET invalide : 14 chiffres avec une clé de contrôle juste."]}],
    )


READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut}
LIST_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


# --- Shared pieces of records -------------------------------------------------------------


class RefOut(Schema):
    """A linked record or reference-list entry."""

    id: int
    name: str


class PhoneIn(InSchema):
    value: Text = Field(description="Le numéro tel que saisi, dans n'importe quel format.")
    label: Label = "other"


class EmailIn(InSchema):
    value: Text
    label: Label = "other"


class PhoneOut(Schema):
    value: str = Field(description="Tel que saisi.")
    e164: str = Field(description="Format international E.164, p. ex. +33612345678.")
    display: str = Field(description="Affichage français, p. ex. 06 12 34 56 78.")
    label: str
    is_primary: bool


class EmailOut(Schema):
    value: str = Field(description="Adresse en minuscules.")
    label: str
    is_primary: bool


def ref(obj: Any, name: str | None = None) -> RefOut | None:
    """``{"id", "name"}`` of a linked row, or None."""
    if obj is None:
        return None
    return RefOut(id=obj.pk, name=name if name is not None else obj.name)


@overload
def local(value: dt.datetime) -> dt.datetime: ...
@overload
def local(value: None) -> None: ...
def local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored instant in the workspace's time zone, as users read it."""
    return timezone.localtime(value) if value is not None else None
