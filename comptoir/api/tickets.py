"""Tickets (« Demandes »): list, open, read, answer, note, change status."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from comptoir.accounts.models import User
from comptoir.accounts.selectors import users_for
from comptoir.accounts.services import require_writer
from comptoir.api.auth import user_of
from comptoir.api.errors import invalid
from comptoir.api.fields import fetch
from comptoir.api.pagination import paginate
from comptoir.api.schemas import (
    LIST_ERRORS,
    MAX_ID,
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
from comptoir.contacts.selectors import companies_for, people_for, sites_for
from comptoir.tickets.models import Ticket, TicketMessage, TicketQuerySet
from comptoir.tickets.selectors import categories_for, tickets_for
from comptoir.tickets.services import (
    ticket_note,
    ticket_open,
    ticket_reply,
    ticket_set_status,
    ticket_update,
)

router = Router(tags=["Demandes"])

StatusName = Literal["new", "in_progress", "waiting", "scheduled", "resolved", "closed"]
ChannelName = Literal["phone", "email", "portal", "office", "technician"]


class UserRefOut(Schema):
    id: int
    name: str
    email: str


class MessageOut(Schema):
    id: int
    kind: str = Field(description="``note`` (interne), ``reply`` (réponse), ``incoming``.")
    body: str
    author: str
    sent_via: str
    sent_to: str
    created_at: dt.datetime


class TicketOut(Schema):
    id: int
    reference: str = Field(description="T-2026-0001 : sans trou, par espace et par année.")
    subject: str
    description: str
    status: str
    status_label: str
    priority: int = Field(description="1 (Urgence sécurité) à 4 (Basse).")
    priority_label: str
    channel: str
    category: RefOut | None
    person: RefOut | None
    company: RefOut | None
    site: RefOut | None
    assignee: UserRefOut | None
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    is_paused: bool = Field(description="Délai suspendu (en attente client).")
    is_overdue: bool
    url: str


class TicketDetailOut(TicketOut):
    messages: list[MessageOut] = Field(description="Échanges, du plus ancien au plus récent.")


class TicketPage(Page[TicketOut]):
    """Une page de demandes, la plus urgente d'abord."""


class TicketFilters(PageQuery):
    status: StatusName | Literal["open", "all"] = Field(
        "open", description="``open`` (par défaut : ni résolues ni closes), ``all`` ou un statut."
    )
    priority: int | None = Field(None, ge=1, le=4)
    assignee: Text | None = Field(None, description="Id ou e-mail ; ``none`` = non assignées.")
    category: Id | None = None
    channel: ChannelName | None = None
    person: Id | None = None
    company: Id | None = None
    overdue: bool = Field(False, description="Seulement les demandes en retard.")


class TicketCreate(InSchema):
    subject: Text = Field(description="Objet.")
    description: Text = ""
    person: Id | None = None
    company: Id | None = None
    site: Id | None = None
    category: Id | None = None
    priority: int = Field(3, ge=1, le=4)
    channel: ChannelName = "phone"
    assignee: Id | Text | None = Field(None, description="Id ou e-mail d'un collègue.")


class MessageIn(InSchema):
    body: Text = Field(description="Texte.")
    via: Literal["", "email", "sms", "phone"] = Field(
        "", description="Réponse : ``email``, ``sms`` ou ``phone`` ; vide = premier moyen connu."
    )


class StatusIn(InSchema):
    status: StatusName


class TicketPatch(InSchema):
    priority: int | None = Field(None, ge=1, le=4)
    assignee: Id | Text | None = None
    category: Id | None = None


def _tickets(user: User) -> TicketQuerySet:
    return tickets_for(user).select_related("person", "company", "site", "category", "assignee")


def _user_ref(user: Any) -> UserRefOut | None:
    if user is None:
        return None
    return UserRefOut(id=user.pk, name=str(user), email=user.email)


def ticket_out(request: HttpRequest, t: Ticket) -> TicketOut:
    return TicketOut(
        id=t.pk,
        reference=t.reference,
        subject=t.subject,
        description=t.description,
        status=t.status,
        status_label=t.get_status_display(),
        priority=t.priority,
        priority_label=t.get_priority_display(),
        channel=t.channel,
        category=ref(t.category),
        person=ref(t.person, t.person.full_name if t.person else None),
        company=ref(t.company),
        site=ref(t.site, str(t.site) if t.site else None),
        assignee=_user_ref(t.assignee),
        created_at=local(t.created_at),
        first_response_at=local(t.first_response_at),
        resolved_at=local(t.resolved_at),
        closed_at=local(t.closed_at),
        first_response_due_at=local(t.first_response_due_at),
        resolution_due_at=local(t.resolution_due_at),
        is_paused=t.is_paused,
        is_overdue=t.is_overdue(),
        url=request.build_absolute_uri(t.get_absolute_url()),
    )


def _message_out(m: TicketMessage) -> MessageOut:
    return MessageOut(
        id=m.pk,
        kind=m.kind,
        body=m.body,
        author=m.author_label,
        sent_via=m.sent_via,
        sent_to=m.sent_to,
        created_at=local(m.created_at),
    )


def _detail_out(request: HttpRequest, user: User, ticket_id: int) -> TicketDetailOut:
    ticket = fetch(_tickets(user), ticket_id)
    messages = TicketMessage.objects.filter(ticket=ticket).select_related("author", "author_person")
    return TicketDetailOut(
        **ticket_out(request, ticket).model_dump(),
        messages=[_message_out(m) for m in messages.order_by("created_at", "id")],
    )


def _colleague(user: User, value: int | str) -> User | None:
    colleagues = users_for(user)
    if isinstance(value, int) or value.isdigit():
        pk = int(value)
        return colleagues.filter(pk=pk).first() if pk <= MAX_ID else None
    return colleagues.filter(email__iexact=value).first()


def _link(queryset: QuerySet[Any], pk: int | None, name: str, errors: dict[str, str]) -> Any:
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        errors[name] = _("Introuvable.")
    return obj


@router.get(
    "",
    response={200: TicketPage, **LIST_ERRORS},
    summary="Lister les demandes",
    description="Les plus urgentes d'abord (prochaine échéance), ouvertes par défaut.",
)
def ticket_list(request: HttpRequest, filters: Query[TicketFilters]) -> TicketPage:
    user = user_of(request)
    qs = _tickets(user)
    if filters.status == "open":
        qs = qs.open()
    elif filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.assignee:
        if filters.assignee == "none":
            qs = qs.filter(assignee__isnull=True)
        else:
            assignee = _colleague(user, filters.assignee)
            qs = qs.filter(assignee=assignee) if assignee else qs.none()
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.person:
        qs = qs.filter(person_id=filters.person)
    if filters.company:
        qs = qs.filter(company_id=filters.company)
    if filters.overdue:
        qs = qs.overdue()
    return paginate(request, qs.by_due(), filters, ticket_out, TicketPage)


@router.post(
    "",
    response={201: TicketDetailOut, **WRITE_ERRORS},
    summary="Ouvrir une demande",
    description=(
        "Pour une personne et/ou une société ; numérotée T-AAAA-NNNN, échéances calculées "
        "selon la priorité, les heures d'ouverture et les jours fériés."
    ),
)
def ticket_add(request: HttpRequest, payload: TicketCreate) -> Status[TicketDetailOut]:
    user = user_of(request)
    require_writer(user)
    errors: dict[str, str] = {}
    person = _link(people_for(user), payload.person, "person", errors)
    company = _link(companies_for(user), payload.company, "company", errors)
    site = _link(sites_for(user), payload.site, "site", errors)
    category = _link(categories_for(user), payload.category, "category", errors)
    assignee = None
    if payload.assignee is not None:
        assignee = _colleague(user, payload.assignee)
        if assignee is None:
            errors["assignee"] = _("Utilisateur introuvable.")
    if errors:
        raise invalid(errors)
    ticket = ticket_open(
        by=user,
        subject=payload.subject,
        description=payload.description,
        person=person,
        company=company,
        site=site,
        category=category,
        priority=payload.priority,
        channel=payload.channel,
        assignee=assignee,
    )
    return Status(201, _detail_out(request, user, ticket.pk))


@router.get(
    "/{ticket_id}",
    response={200: TicketDetailOut, **READ_ERRORS},
    summary="Lire une demande",
    description="Avec ses échanges (notes internes comprises).",
)
def ticket_read(request: HttpRequest, ticket_id: int) -> TicketDetailOut:
    return _detail_out(request, user_of(request), ticket_id)


@router.patch(
    "/{ticket_id}",
    response={200: TicketDetailOut, **WRITE_ERRORS},
    summary="Modifier priorité, assignation ou catégorie",
    description="Un changement de priorité recalcule les échéances.",
)
def ticket_change(request: HttpRequest, ticket_id: int, payload: TicketPatch) -> TicketDetailOut:
    user = user_of(request)
    require_writer(user)
    ticket = fetch(_tickets(user), ticket_id)
    data = payload.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    if "priority" in data and data["priority"] is not None:
        fields["priority"] = data["priority"]
    if "assignee" in data:
        if data["assignee"] is None:
            fields["assignee"] = None
        else:
            fields["assignee"] = _colleague(user, data["assignee"])
            if fields["assignee"] is None:
                errors["assignee"] = _("Utilisateur introuvable.")
    if "category" in data:
        fields["category"] = _link(categories_for(user), data["category"], "category", errors)
    if errors:
        raise invalid(errors)
    if fields:
        ticket_update(ticket=ticket, by=user, **fields)
    return _detail_out(request, user, ticket_id)


@router.post(
    "/{ticket_id}/status",
    response={200: TicketDetailOut, **WRITE_ERRORS},
    summary="Changer le statut",
    description=(
        "Nouveau → En cours → En attente client → Planifié → Résolu → Clos ; une demande "
        "résolue peut être rouverte (``in_progress``). Transition interdite : 422."
    ),
)
def ticket_status(request: HttpRequest, ticket_id: int, payload: StatusIn) -> TicketDetailOut:
    user = user_of(request)
    ticket = fetch(_tickets(user), ticket_id)
    ticket_set_status(ticket=ticket, status=payload.status, by=user)
    return _detail_out(request, user, ticket_id)


@router.post(
    "/{ticket_id}/replies",
    response={201: MessageOut, **WRITE_ERRORS},
    summary="Répondre au client",
    description=(
        "Envoyée par e-mail (ou SMS) au demandeur après validation ; compte comme première "
        "réponse. ``via: phone`` note une réponse donnée au téléphone sans rien envoyer."
    ),
)
def ticket_reply_add(
    request: HttpRequest, ticket_id: int, payload: MessageIn
) -> Status[MessageOut]:
    user = user_of(request)
    ticket = fetch(_tickets(user), ticket_id)
    message = ticket_reply(ticket=ticket, by=user, body=payload.body, via=payload.via)
    return Status(201, _message_out(message))


@router.post(
    "/{ticket_id}/notes",
    response={201: MessageOut, **WRITE_ERRORS},
    summary="Ajouter une note interne",
    description="Visible par l'équipe seulement, jamais envoyée.",
)
def ticket_note_add(request: HttpRequest, ticket_id: int, payload: MessageIn) -> Status[MessageOut]:
    user = user_of(request)
    ticket = fetch(_tickets(user), ticket_id)
    message = ticket_note(ticket=ticket, by=user, body=payload.body)
    return Status(201, _message_out(message))
