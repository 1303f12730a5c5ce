"""Sites (lieux d'intervention): list, create, read, update."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import AfterValidator

from comptoir.accounts.models import User
from comptoir.accounts.services import require_writer
from comptoir.api.auth import user_of
from comptoir.api.fields import fetch, nulls_to_blanks, resolve_links, save_or_refuse
from comptoir.api.pagination import paginate
from comptoir.api.schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    Page,
    PageQuery,
    RefOut,
    Text,
    local,
    ref,
)
from comptoir.contacts.models import Site
from comptoir.contacts.selectors import companies_for, people_for, sites_for
from comptoir.contacts.services import site_create, site_update

router = Router(tags=["Sites"])


def _micro_degrees(value: Decimal) -> Decimal:
    # Six decimals are about 10 cm: what the database keeps; GPS gives more.
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


Latitude = Annotated[Decimal, Field(ge=-90, le=90), AfterValidator(_micro_degrees)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180), AfterValidator(_micro_degrees)]


class SitePatch(InSchema):
    """Fields to change; ``null`` clears an optional field."""

    name: Text | None = Field(None, description="Nom du site (facultatif).")
    company: Id | None = Field(None, description="Société cliente (id).")
    person: Id | None = Field(None, description="Client particulier (id).")
    occupant: Id | None = Field(None, description="Occupant (id d'une personne).")
    occupant_name: Text | None = None
    access_notes: Text | None = Field(None, description="Consignes d'accès.")
    street: Text | None = None
    street2: Text | None = None
    postcode: Text | None = None
    city: Text | None = None
    country: Text | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    is_primary: bool | None = None
    external_ref: Text | None = None


class SiteCreate(SitePatch):
    """A site belongs to a company or a person (one of them is required)."""


class SiteOut(Schema):
    id: int
    name: str
    company: RefOut | None
    person: RefOut | None
    occupant: RefOut | None
    occupant_name: str
    access_notes: str
    street: str
    street2: str
    postcode: str
    city: str
    country: str
    address_line: str
    latitude: float | None
    longitude: float | None
    is_primary: bool
    external_ref: str
    created_at: dt.datetime


class SitePage(Page[SiteOut]):
    """Une page de sites."""


class SiteFilters(PageQuery):
    company: Id | None = Field(None, description="Sites de cette société.")
    person: Id | None = Field(None, description="Sites de ce particulier.")
    postcode: Text | None = Field(None, description="Début du code postal (74 → Haute-Savoie).")


def _sites(user: User) -> QuerySet[Site]:
    return sites_for(user).select_related("company", "person", "occupant")


def _links(user: User) -> dict[str, QuerySet[Any]]:
    return {
        "company": companies_for(user),
        "person": people_for(user),
        "occupant": people_for(user),
    }


def site_out(request: HttpRequest, site: Site) -> SiteOut:
    return SiteOut(
        id=site.pk,
        name=site.name,
        company=ref(site.company),
        person=ref(site.person, site.person.full_name if site.person else None),
        occupant=ref(site.occupant, site.occupant.full_name if site.occupant else None),
        occupant_name=site.occupant_name,
        access_notes=site.access_notes,
        street=site.street,
        street2=site.street2,
        postcode=site.postcode,
        city=site.city,
        country=site.country,
        address_line=site.address_line,
        latitude=float(site.latitude) if site.latitude is not None else None,
        longitude=float(site.longitude) if site.longitude is not None else None,
        is_primary=site.is_primary,
        external_ref=site.external_ref,
        created_at=local(site.created_at),
    )


@router.get(
    "",
    response={200: SitePage, **LIST_ERRORS},
    summary="Lister les sites",
    description="Sites principaux d'abord, page par page ; les filtres se combinent.",
)
def site_list(request: HttpRequest, filters: Query[SiteFilters]) -> SitePage:
    qs = _sites(user_of(request))
    if filters.company:
        qs = qs.filter(company_id=filters.company)
    if filters.person:
        qs = qs.filter(person_id=filters.person)
    if filters.postcode:
        qs = qs.filter(postcode__startswith=filters.postcode)
    return paginate(request, qs.order_by("-is_primary", "name", "id"), filters, site_out, SitePage)


@router.post(
    "",
    response={201: SiteOut, **WRITE_ERRORS},
    summary="Créer un site",
    description="Le site appartient à une société (``company``) ou à un particulier (``person``).",
)
def site_add(request: HttpRequest, payload: SiteCreate) -> Status[SiteOut]:
    user = user_of(request)
    require_writer(user)
    data = payload.model_dump(exclude_unset=True)
    errors = nulls_to_blanks(Site, data)
    errors |= resolve_links(data, _links(user))
    site = save_or_refuse(errors, data, lambda fields: site_create(by=user, **fields))
    return Status(201, site_out(request, fetch(_sites(user), site.pk)))


@router.get("/{site_id}", response={200: SiteOut, **READ_ERRORS}, summary="Lire un site")
def site_read(request: HttpRequest, site_id: int) -> SiteOut:
    return site_out(request, fetch(_sites(user_of(request)), site_id))


@router.patch(
    "/{site_id}",
    response={200: SiteOut, **WRITE_ERRORS},
    summary="Modifier un site",
    description="Seuls les champs envoyés changent ; ``null`` efface un champ facultatif.",
)
def site_change(request: HttpRequest, site_id: int, payload: SitePatch) -> SiteOut:
    user = user_of(request)
    require_writer(user)
    site = fetch(sites_for(user), site_id)
    data = payload.model_dump(exclude_unset=True)
    errors = nulls_to_blanks(Site, data)
    errors |= resolve_links(data, _links(user), instance=site)
    customer = [data.get(k, getattr(site, f"{k}_id")) for k in ("company", "person")]
    if customer == [None, None]:
        for name in ("company", "person"):
            if name in data:
                errors[name] = [_("Indiquez le client (société ou particulier) du site.")]
    save_or_refuse(errors, data, lambda fields: site_update(site=site, by=user, **fields))
    return site_out(request, fetch(_sites(user), site_id))
