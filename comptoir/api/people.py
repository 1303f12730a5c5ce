"""People (personnes): list, create, read, update."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from comptoir.accounts.models import User
from comptoir.accounts.services import require_writer
from comptoir.api.auth import user_of, workspace_of
from comptoir.api.contact_points import emails_out, phones_out
from comptoir.api.errors import invalid
from comptoir.api.fields import fetch, resolve_links
from comptoir.api.owners import owner_save
from comptoir.api.pagination import paginate
from comptoir.api.schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    CategoryName,
    DateIn,
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
from comptoir.contacts.models import (
    Affiliation,
    ContactKind,
    Interest,
    JobTitle,
    Person,
    Source,
)
from comptoir.contacts.selectors import companies_for, contact_points_for, people_for
from comptoir.contacts.services import affiliation_add, person_create, person_update
from comptoir.lib.phone import try_normalize_phone
from comptoir.lib.text import fold

router = Router(tags=["Personnes"])


class PersonPatch(InSchema):
    """Fields to change; ``null`` clears an optional field."""

    civility: Literal["M.", "Mme", ""] | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    job_title: Id | None = Field(None, description="Fonction (id, voir /references).")
    birthday: DateIn | None = None
    source: Id | None = Field(None, description="Origine (id).")
    category: CategoryName | None = None
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


class PersonCreate(PersonPatch):
    last_name: Text = Field(description="Nom.")
    company: Id | None = Field(None, description="Société pour laquelle la personne travaille.")
    role: Text = Field("", description="Son rôle dans cette société.")


class EmployerOut(Schema):
    id: int = Field(description="Id de la société.")
    name: str
    role: str


class PersonOut(Schema):
    id: int
    civility: str
    first_name: str
    last_name: str
    full_name: str
    job_title: RefOut | None
    birthday: dt.date | None
    source: RefOut | None
    category: str
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
    companies: list[EmployerOut] = Field(description="Sociétés pour lesquelles elle travaille.")
    url: str = Field(description="Adresse de la fiche dans Comptoir.")
    created_at: dt.datetime
    updated_at: dt.datetime


class PersonPage(Page[PersonOut]):
    """Une page de personnes."""


class PersonFilters(PageQuery):
    q: Text | None = Field(None, description="Fragment du nom ou du prénom (accents ignorés).")
    company: Id | None = Field(None, description="Travaille actuellement pour cette société.")
    city: Text | None = Field(None, description="Ville exacte (casse ignorée).")
    email: Text | None = None
    phone: Text | None = Field(None, description="Numéro dans n'importe quel format.")


def _people(user: User) -> QuerySet[Person]:
    return (
        people_for(user)
        .select_related("job_title", "source")
        .prefetch_related(
            "interests",
            "contact_points",
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.current()
                .select_related("company")
                .order_by("-is_primary", "-start", "id"),
                to_attr="current_affiliations",
            ),
        )
    )


def _reference_lists(user: User) -> dict[str, QuerySet[Any]]:
    ws = workspace_of(user)
    return {
        "job_title": JobTitle.objects.filter(workspace_id=ws),
        "source": Source.objects.filter(workspace_id=ws),
        "interests": Interest.objects.filter(workspace_id=ws),
    }


def person_out(request: HttpRequest, person: Person) -> PersonOut:
    points = list(person.contact_points.all())
    affiliations: list[Affiliation] = getattr(person, "current_affiliations", [])
    return PersonOut(
        id=person.pk,
        civility=person.civility,
        first_name=person.first_name,
        last_name=person.last_name,
        full_name=person.full_name,
        job_title=ref(person.job_title),
        birthday=person.birthday,
        source=ref(person.source),
        category=person.category,
        notes=person.notes,
        street=person.street,
        street2=person.street2,
        postcode=person.postcode,
        city=person.city,
        country=person.country,
        interests=[RefOut(id=i.pk, name=i.name) for i in person.interests.all()],
        external_ref=person.external_ref,
        phones=phones_out(points),
        emails=emails_out(points),
        companies=[
            EmployerOut(id=a.company_id, name=a.company.name, role=a.role) for a in affiliations
        ],
        url=request.build_absolute_uri(person.get_absolute_url()),
        created_at=local(person.created_at),
        updated_at=local(person.updated_at),
    )


@router.get(
    "",
    response={200: PersonPage, **LIST_ERRORS},
    summary="Lister les personnes",
    description="Par nom puis prénom, page par page ; les filtres se combinent.",
)
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> PersonPage:
    user = user_of(request)
    qs = _people(user)
    if filters.q and fold(filters.q):
        qs = qs.filter(search_name__contains=fold(filters.q))
    if filters.company:
        employees = Affiliation.objects.current().filter(
            workspace_id=workspace_of(user), company_id=filters.company
        )
        qs = qs.filter(pk__in=employees.values("person_id"))
    if filters.city:
        qs = qs.filter(city__iexact=filters.city)
    if filters.email:
        points = contact_points_for(user).filter(
            kind=ContactKind.EMAIL, normalized=filters.email.lower(), person__isnull=False
        )
        qs = qs.filter(pk__in=points.values("person_id"))
    if filters.phone:
        e164 = try_normalize_phone(filters.phone)
        if e164 is None:
            raise invalid(
                {
                    "phone": _("« %(value)s » n'est pas un numéro de téléphone valide.")
                    % {"value": filters.phone}
                }
            )
        points = contact_points_for(user).filter(
            kind=ContactKind.PHONE, normalized=e164, person__isnull=False
        )
        qs = qs.filter(pk__in=points.values("person_id"))
    return paginate(request, qs.order_by("search_name", "id"), filters, person_out, PersonPage)


@router.post(
    "",
    response={201: PersonOut, **WRITE_ERRORS},
    summary="Créer une personne",
    description=(
        "Avec ses téléphones, ses e-mails et, si ``company`` est donnée, son rattachement à "
        "cette société ; en cas d'erreur rien n'est enregistré."
    ),
)
def person_add(request: HttpRequest, payload: PersonCreate) -> Status[PersonOut]:
    user = user_of(request)
    require_writer(user)
    data = payload.model_dump(exclude_unset=True, exclude={"phones", "emails"})
    role = data.pop("role", "")
    employer: dict[str, Any] = {"company": data.pop("company", None)}
    employer_errors = resolve_links(employer, {"company": companies_for(user)})

    def create(fields: dict[str, Any]) -> Person:
        person = person_create(by=user, **fields)
        if employer["company"] is not None and not employer_errors:
            affiliation_add(person=person, company=employer["company"], by=user, role=role)
        return person

    person = owner_save(
        user=user,
        model=Person,
        data=data,
        lists=payload,
        references=_reference_lists(user),
        save=create,
        errors=employer_errors,
    )
    return Status(201, person_out(request, fetch(_people(user), person.pk)))


@router.get(
    "/{person_id}",
    response={200: PersonOut, **READ_ERRORS},
    summary="Lire une personne",
)
def person_read(request: HttpRequest, person_id: int) -> PersonOut:
    return person_out(request, fetch(_people(user_of(request)), person_id))


@router.patch(
    "/{person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    summary="Modifier une personne",
    description=(
        "Seuls les champs envoyés changent ; ``phones`` ou ``emails`` envoyés remplacent la "
        "liste entière (un numéro déjà présent avec le même libellé est conservé)."
    ),
)
def person_change(request: HttpRequest, person_id: int, payload: PersonPatch) -> PersonOut:
    user = user_of(request)
    require_writer(user)
    person = fetch(people_for(user), person_id)
    owner_save(
        user=user,
        model=Person,
        data=payload.model_dump(exclude_unset=True, exclude={"phones", "emails"}),
        lists=payload,
        references=_reference_lists(user),
        save=lambda fields: person_update(person=person, by=user, **fields),
        instance=person,
    )
    return person_out(request, fetch(_people(user), person_id))
