"""Interactions (tasks and appointments) and their timestamped notes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from comptoir.accounts.models import User
from comptoir.accounts.selectors import users_for
from comptoir.accounts.services import require_writer
from comptoir.activities.models import Interaction, Note, Stage
from comptoir.activities.selectors import interactions_for, notes_for, processes_for
from comptoir.activities.services import interaction_create, interaction_update, note_add
from comptoir.api.auth import user_of, workspace_of
from comptoir.api.errors import Errors, invalid
from comptoir.api.fields import fetch, nulls_to_blanks, resolve_links, save_or_refuse
from comptoir.api.pagination import paginate
from comptoir.api.schemas import (
    LIST_ERRORS,
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    DateIn,
    DateTimeIn,
    Id,
    InSchema,
    Page,
    PageQuery,
    RefOut,
    Text,
    local,
    ref,
)
from comptoir.contacts.selectors import companies_for, people_for, sites_for

router = Router(tags=["Interactions"])

KindName = Literal["task", "appointment"]
StateName = Literal["open", "in_progress", "done", "cancelled"]


class InteractionPatch(InSchema):
    """Fields to change; ``null`` clears an optional field."""

    kind: KindName | None = Field(
        None, description="``task`` (début + échéance) ou ``appointment`` (début + durée)."
    )
    process: Text | None = Field(None, description="Code du processus : vente, support…")
    stage: Id | None = Field(None, description="Étape (id) du processus.")
    state: StateName | None = Field(None, description="``open``, ``in_progress`` ou ``done``.")
    subject: Text | None = Field(None, description="Objet.")
    owner: Id | Text | None = Field(None, description="Responsable : id ou e-mail.")
    starts_at: DateTimeIn | None = Field(
        None, description="Début, ISO 8601 ; sans décalage, heure de l'espace (Europe/Paris)."
    )
    deadline: DateTimeIn | None = Field(None, description="Échéance d'une tâche.")
    duration_minutes: int | None = Field(
        None, ge=1, le=60 * 24 * 366, description="Durée d'un rendez-vous, en minutes."
    )
    person: Id | None = None
    company: Id | None = None
    site: Id | None = None
    outcome: Text | None = Field(None, description="Résultat.")


class InteractionCreate(InteractionPatch):
    subject: Text = Field(description="Objet.")
    process: Text = Field(description="Code du processus : vente, support…")
    starts_at: DateTimeIn = Field(
        description="Début, ISO 8601 ; sans décalage, heure de l'espace (Europe/Paris)."
    )


class ProcessOut(Schema):
    code: str
    name: str


class UserRefOut(Schema):
    id: int
    name: str
    email: str


class NoteIn(InSchema):
    body: Text = Field(description="Texte de la note.")


class NoteOut(Schema):
    id: int
    body: str
    author: UserRefOut
    created_at: dt.datetime


class InteractionOut(Schema):
    id: int
    kind: str
    process: ProcessOut
    stage: RefOut | None
    state: str
    state_label: str = Field(description="Ouvert, En cours ou Terminé.")
    subject: str
    owner: UserRefOut
    person: RefOut | None
    company: RefOut | None
    site: RefOut | None
    starts_at: dt.datetime
    deadline: dt.datetime | None
    duration_minutes: int | None
    ends_at: dt.datetime = Field(description="Échéance d'une tâche, fin d'un rendez-vous.")
    outcome: str
    is_late: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    url: str = Field(description="Adresse de l'interaction dans Comptoir.")


class InteractionDetailOut(InteractionOut):
    notes: list[NoteOut] = Field(description="Notes horodatées, la plus récente d'abord.")


class InteractionPage(Page[InteractionOut]):
    """Une page d'interactions."""


class InteractionFilters(PageQuery):
    owner: Text | None = Field(None, description="Responsable : id ou e-mail.")
    process: Text | None = Field(None, description="Code du processus.")
    state: StateName | None = None
    kind: KindName | None = None
    person: Id | None = None
    company: Id | None = None
    date_from: DateIn | None = Field(None, description="Commence ce jour-là ou après.")
    date_to: DateIn | None = Field(None, description="Commence ce jour-là ou avant.")


def _interactions(user: User) -> QuerySet[Interaction]:
    return interactions_for(user).select_related(
        "process", "stage", "owner", "company", "person", "site"
    )


def _user_ref(user: User) -> UserRefOut:
    return UserRefOut(id=user.pk, name=str(user), email=user.email)


def _note_out(note: Note) -> NoteOut:
    return NoteOut(
        id=note.pk, body=note.body, author=_user_ref(note.author), created_at=local(note.created_at)
    )


def interaction_out(request: HttpRequest, i: Interaction) -> InteractionOut:
    return InteractionOut(
        id=i.pk,
        kind=i.kind,
        process=ProcessOut(code=i.process.code, name=i.process.name),
        stage=ref(i.stage),
        state=i.state,
        state_label=i.get_state_display(),
        subject=i.subject,
        owner=_user_ref(i.owner),
        person=ref(i.person, i.person.full_name if i.person else None),
        company=ref(i.company),
        site=ref(i.site, str(i.site) if i.site else None),
        starts_at=local(i.starts_at),
        deadline=local(i.deadline),
        duration_minutes=i.duration_minutes,
        ends_at=local(i.ends_at),
        outcome=i.outcome,
        is_late=i.is_late,
        created_at=local(i.created_at),
        updated_at=local(i.updated_at),
        completed_at=local(i.completed_at),
        url=request.build_absolute_uri(i.get_absolute_url()),
    )


def _detail_out(request: HttpRequest, user: User, interaction_id: int) -> InteractionDetailOut:
    interaction = fetch(_interactions(user), interaction_id)
    notes = notes_for(user).filter(interaction=interaction).select_related("author")
    return InteractionDetailOut(
        **interaction_out(request, interaction).model_dump(),
        notes=[_note_out(n) for n in notes.order_by("-created_at", "-id")],
    )


def _owner(user: User, value: int | str) -> User | None:
    colleagues = users_for(user)
    if isinstance(value, int) or value.isdigit():
        pk = int(value)
        return colleagues.filter(pk=pk).first() if pk <= MAX_ID else None
    return colleagues.filter(email__iexact=value).first()


def _resolve(user: User, data: dict[str, Any], instance: Interaction | None = None) -> Errors:
    errors = nulls_to_blanks(Interaction, data)
    if data.get("process") is not None:
        process = processes_for(user).filter(code=data["process"]).first()
        if process is None:
            errors["process"] = [_("Processus introuvable ou non autorisé.")]
        else:
            data["process"] = process
    if data.get("owner") is not None:
        owner = _owner(user, data["owner"])
        if owner is None:
            errors["owner"] = [_("Utilisateur introuvable.")]
        else:
            data["owner"] = owner
    errors |= resolve_links(
        data,
        {
            "stage": Stage.objects.filter(workspace_id=workspace_of(user)),
            "person": people_for(user),
            "company": companies_for(user),
            "site": sites_for(user),
        },
        instance=instance,
    )
    return errors


@router.get(
    "",
    response={200: InteractionPage, **LIST_ERRORS},
    summary="Lister les interactions",
    description=(
        "Les plus récentes d'abord, page par page ; les interactions privées des collègues et "
        "les processus non autorisés n'apparaissent pas."
    ),
)
def interaction_list(request: HttpRequest, filters: Query[InteractionFilters]) -> InteractionPage:
    user = user_of(request)
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise invalid({"date_to": _("La date de fin doit suivre la date de début.")})
    qs = _interactions(user)
    if filters.owner:
        owner = _owner(user, filters.owner)
        qs = qs.filter(owner=owner) if owner is not None else qs.none()
    if filters.process:
        qs = qs.filter(process__code=filters.process)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.person:
        qs = qs.filter(person_id=filters.person)
    if filters.company:
        qs = qs.filter(company_id=filters.company)
    if filters.date_from:
        qs = qs.filter(starts_at__gte=_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(starts_at__lt=_midnight(filters.date_to + dt.timedelta(days=1)))
    return paginate(
        request, qs.order_by("-starts_at", "-id"), filters, interaction_out, InteractionPage
    )


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.post(
    "",
    response={201: InteractionDetailOut, **WRITE_ERRORS},
    summary="Créer une interaction",
    description=(
        "Une tâche (``deadline``) ou un rendez-vous (``duration_minutes``) ; sans ``owner``, "
        "l'utilisateur du jeton en est responsable."
    ),
)
def interaction_add(
    request: HttpRequest, payload: InteractionCreate
) -> Status[InteractionDetailOut]:
    user = user_of(request)
    require_writer(user)
    data = payload.model_dump(exclude_unset=True)
    errors = _resolve(user, data)
    interaction = save_or_refuse(errors, data, lambda fields: interaction_create(by=user, **fields))
    return Status(201, _detail_out(request, user, interaction.pk))


@router.get(
    "/{interaction_id}",
    response={200: InteractionDetailOut, **READ_ERRORS},
    summary="Lire une interaction",
    description="Avec ses notes horodatées.",
)
def interaction_read(request: HttpRequest, interaction_id: int) -> InteractionDetailOut:
    return _detail_out(request, user_of(request), interaction_id)


@router.patch(
    "/{interaction_id}",
    response={200: InteractionDetailOut, **WRITE_ERRORS},
    summary="Modifier une interaction",
    description=(
        "Seuls les champs envoyés changent : déplacer, changer d'étape, marquer comme terminé "
        "(``state: done``)… Chaque changement reste visible dans l'historique."
    ),
)
def interaction_change(
    request: HttpRequest, interaction_id: int, payload: InteractionPatch
) -> InteractionDetailOut:
    user = user_of(request)
    require_writer(user)
    interaction = fetch(_interactions(user), interaction_id)
    data = payload.model_dump(exclude_unset=True)
    errors = _resolve(user, data, instance=interaction)
    save_or_refuse(
        errors,
        data,
        lambda fields: interaction_update(interaction=interaction, by=user, **fields),
    )
    return _detail_out(request, user, interaction_id)


@router.post(
    "/{interaction_id}/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    summary="Ajouter une note horodatée",
    description="Les notes ne se modifient ni ne se suppriment.",
)
def note_append(request: HttpRequest, interaction_id: int, payload: NoteIn) -> Status[NoteOut]:
    user = user_of(request)
    require_writer(user)
    interaction = fetch(interactions_for(user), interaction_id)
    note = note_add(interaction=interaction, body=payload.body, by=user)
    return Status(201, _note_out(note))
