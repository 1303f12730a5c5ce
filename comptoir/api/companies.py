"""Companies (sociétés): list, create, read, update."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import AfterValidator

from comptoir.accounts.models import User
from comptoir.accounts.services import require_writer
from comptoir.api.auth import user_of, workspace_of
from comptoir.api.contact_points import emails_out, phones_out
from comptoir.api.fields import fetch
from comptoir.api.owners import owner_save
from comptoir.api.pagination import paginate
from comptoir.api.schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    CategoryName,
    EmailIn,
    EmailOut,
    Id,
    InSchema,
    Page,
    PageQuery,
    PhoneIn,
    PhoneOut,
    RefOut,
    Text,
    local,
    ref,
)
from comptoir.contacts.models import Company, Domain, Industry, Interest, LegalForm, Source
from comptoir.contacts.selectors import companies_for
from comptoir.contacts.services import company_create, company_update
from comptoir.lib.text import fold, strip_spaces

router = Router(tags=["Sociétés"])


def _compact(value: str) -> str:
    # "732 829 320 00074" must not fail the 14-character limit before the SIRET is checked.
    return strip_spaces(value).replace(".", "")


Identifier = Annotated[Text, AfterValidator(_compact)]


class CompanyPatch(InSchema):
    """Fields to change; ``null`` clears an optional field."""

    name: Text | None = Field(None, description="Raison sociale.")
    legal_form: Id | None = Field(None, description="Forme juridique (id, voir /references).")
    siren: Identifier | None = None
    siret: Identifier | None = Field(None, description="14 chiffres ; le SIREN en est déduit.")
    vat_number: Identifier | None = Field(None, description="N° de TVA intracommunautaire.")
    industry: Id | None = Field(None, description="Secteur d'activité (id).")
    domain: Id | None = Field(None, description="Domaine (id).")
    subdomain: Id | None = Field(None, description="Sous-domaine (id), enfant du domaine.")
    source: Id | None = Field(None, description="Origine (id).")
    category: CategoryName | None = None
    website: Text | None = None
    notes: Text | None = None
    street: Text | None = None
    street2: Text | None = None
    postcode: Text | None = None
    city: Text | None = None
    country: Text | None = Field(None, description="Code ISO à 2 lettres (FR par défaut).")
    interests: list[Id] | None = Field(None, max_length=100, description="Centres d'intérêt.")
    external_ref: Text | None = None
    phones: list[PhoneIn] | None = Field(
        None, max_length=20, description="Remplace la liste des téléphones."
    )
    emails: list[EmailIn] | None = Field(
        None, max_length=20, description="Remplace la liste des e-mails."
    )


class CompanyCreate(CompanyPatch):
    name: Text = Field(description="Raison sociale.")


class CompanyOut(Schema):
    id: int
    name: str
    legal_form: RefOut | None
    siren: str
    siret: str
    vat_number: str
    industry: RefOut | None
    domain: RefOut | None
    subdomain: RefOut | None
    source: RefOut | None
    category: str
    website: str
    notes: str
    street: str
    street2: str
    postcode: str
    city: str
    country: str
    interests: list[RefOut]
    external_ref: str
    phones: list[PhoneOut]
    emails: list[EmailOut]
    url: str = Field(description="Adresse de la fiche dans Comptoir.")
    created_at: dt.datetime
    updated_at: dt.datetime


class CompanyPage(Page[CompanyOut]):
    """Une page de sociétés."""


class CompanyFilters(PageQuery):
    q: Text | None = Field(None, description="Fragment du nom (accents et casse ignorés).")
    category: CategoryName | None = None
    city: Text | None = Field(None, description="Ville exacte (casse ignorée).")
    siren: Identifier | None = None


def _companies(user: User) -> QuerySet[Company]:
    return (
        companies_for(user)
        .select_related("legal_form", "industry", "domain", "subdomain", "source")
        .prefetch_related("interests", "contact_points")
    )


def _reference_lists(user: User) -> dict[str, QuerySet[Any]]:
    ws = workspace_of(user)
    return {
        "legal_form": LegalForm.objects.filter(workspace_id=ws),
        "industry": Industry.objects.filter(workspace_id=ws),
        "domain": Domain.objects.filter(workspace_id=ws),
        "subdomain": Domain.objects.filter(workspace_id=ws),
        "source": Source.objects.filter(workspace_id=ws),
        "interests": Interest.objects.filter(workspace_id=ws),
    }


def company_out(request: HttpRequest, company: Company) -> CompanyOut:
    points = list(company.contact_points.all())
    return CompanyOut(
        id=company.pk,
        name=company.name,
        legal_form=ref(company.legal_form),
        siren=company.siren,
        siret=company.siret,
        vat_number=company.vat_number,
        industry=ref(company.industry),
        domain=ref(company.domain),
        subdomain=ref(company.subdomain),
        source=ref(company.source),
        category=company.category,
        website=company.website,
        notes=company.notes,
        street=company.street,
        street2=company.street2,
        postcode=company.postcode,
        city=company.city,
        country=company.country,
        interests=[RefOut(id=i.pk, name=i.name) for i in company.interests.all()],
        external_ref=company.external_ref,
        phones=phones_out(points),
        emails=emails_out(points),
        url=request.build_absolute_uri(company.get_absolute_url()),
        created_at=local(company.created_at),
        updated_at=local(company.updated_at),
    )


@router.get(
    "",
    response={200: CompanyPage, **LIST_ERRORS},
    summary="Lister les sociétés",
    description="Par nom, page par page ; les filtres se combinent.",
)
def company_list(request: HttpRequest, filters: Query[CompanyFilters]) -> CompanyPage:
    qs = _companies(user_of(request))
    if filters.q and fold(filters.q):
        qs = qs.filter(search_name__contains=fold(filters.q))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.city:
        qs = qs.filter(city__iexact=filters.city)
    if filters.siren:
        qs = qs.filter(siren=filters.siren)
    return paginate(request, qs.order_by("search_name", "id"), filters, company_out, CompanyPage)


@router.post(
    "",
    response={201: CompanyOut, **WRITE_ERRORS},
    summary="Créer une société",
    description="Avec ses téléphones et e-mails ; en cas d'erreur rien n'est enregistré.",
)
def company_add(request: HttpRequest, payload: CompanyCreate) -> Status[CompanyOut]:
    user = user_of(request)
    require_writer(user)
    company = owner_save(
        user=user,
        model=Company,
        data=payload.model_dump(exclude_unset=True, exclude={"phones", "emails"}),
        lists=payload,
        references=_reference_lists(user),
        save=lambda fields: company_create(by=user, **fields),
    )
    return Status(201, company_out(request, fetch(_companies(user), company.pk)))


@router.get(
    "/{company_id}",
    response={200: CompanyOut, **READ_ERRORS},
    summary="Lire une société",
)
def company_read(request: HttpRequest, company_id: int) -> CompanyOut:
    return company_out(request, fetch(_companies(user_of(request)), company_id))


@router.patch(
    "/{company_id}",
    response={200: CompanyOut, **WRITE_ERRORS},
    summary="Modifier une société",
    description=(
        "Seuls les champs envoyés changent ; ``phones`` ou ``emails`` envoyés remplacent la "
        "liste entière (un numéro déjà présent avec le même libellé est conservé)."
    ),
)
def company_change(request: HttpRequest, company_id: int, payload: CompanyPatch) -> CompanyOut:
    user = user_of(request)
    require_writer(user)
    company = fetch(companies_for(user), company_id)
    owner_save(
        user=user,
        model=Company,
        data=payload.model_dump(exclude_unset=True, exclude={"phones", "emails"}),
        lists=payload,
        references=_reference_lists(user),
        save=lambda fields: company_update(company=company, by=user, **fields),
        instance=company,
    )
    return company_out(request, fetch(_companies(user), company_id))
