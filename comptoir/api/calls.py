"""Calls: who is on the line (any number format, also in the shape 3CX expects), and the
PBX's call events that pop the caller's card up and leave an "Appel" on the timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from comptoir.accounts.services import require_writer
from comptoir.api.auth import user_of
from comptoir.api.errors import ApiError
from comptoir.api.schemas import DateTimeIn, ErrorOut, InSchema, Text, ValidationErrorOut
from comptoir.calls.models import Call
from comptoir.calls.services import call_event_receive
from comptoir.contacts.models import Company, ContactKind, ContactLabel, ContactPoint, Person
from comptoir.contacts.selectors import callers_matching, contact_points_for, current_company_names
from comptoir.lib.phone import try_normalize_phone

router = Router(tags=["Appels"])


class LookupQuery(Schema):
    number: Text = Field(description="Le numéro qui appelle, dans n'importe quel format.")


class CallerOut(Schema):
    type: Literal["person", "company"]
    id: int
    name: str
    company: str | None = Field(description="Société actuelle d'une personne.")
    url: str = Field(description="Adresse de la fiche dans Comptoir.")


class LookupOut(Schema):
    e164: str = Field(description="Le numéro au format international.")
    matches: list[CallerOut]


@router.get(
    "/lookup",
    response={200: LookupOut, 400: ValidationErrorOut, 401: ErrorOut, 422: ValidationErrorOut},
    summary="Identifier un appelant",
    description=(
        "Les personnes et sociétés joignables à ce numéro, saisi dans n'importe quel format "
        "(+33 6 12 34 56 78, 0612345678, 06.12.34.56.78) ; un numéro de site mène à son client. "
        "Pour afficher la fiche avant de décrocher."
    ),
)
def caller_lookup(request: HttpRequest, query: Query[LookupQuery]) -> LookupOut:
    number = query.number
    e164 = try_normalize_phone(number)
    if e164 is None:
        message = _("« %(value)s » n'est pas un numéro de téléphone valide.") % {"value": number}
        raise ApiError(400, message, {"number": [message]})
    user = user_of(request)
    callers = callers_matching(user, e164)
    people = [c for c in callers if isinstance(c, Person)]
    employers = current_company_names(people) if people else {}
    return LookupOut(
        e164=e164,
        matches=[
            CallerOut(
                type="person" if isinstance(caller, Person) else "company",
                id=caller.pk,
                name=caller.full_name if isinstance(caller, Person) else caller.name,
                company=employers.get(caller.pk) if isinstance(caller, Person) else None,
                url=request.build_absolute_uri(caller.get_absolute_url()),
            )
            for caller in callers
            if isinstance(caller, Person | Company)
        ],
    )


# --- PBX call events ------------------------------------------------------------------------


class CallEventIn(InSchema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    event: Literal["ringing", "answered", "ended", "missed"] = Field(
        description="ringing (sonne), answered (décroché), ended (raccroché), missed (manqué)."
    )
    call_id: Text = Field(
        min_length=1, max_length=100, description="Identifiant de l'appel donné par le standard."
    )
    from_: Text = Field(
        "", alias="from", max_length=40, description="Numéro appelant, dans n'importe quel format."
    )
    to: Text = Field("", max_length=40, description="Numéro appelé.")
    agent: Text = Field(
        "", max_length=254, description="E-mail ou poste (extension) du collègue concerné."
    )
    direction: Literal["in", "out"] = Field("in", description="in : entrant ; out : sortant.")
    at: DateTimeIn | None = Field(
        None, description="Heure de l'événement au standard (ISO 8601) ; par défaut, la réception."
    )
    duration: int | None = Field(
        None, ge=0, le=86400, description="Durée de conversation en secondes (sur « ended »)."
    )


class CallOut(Schema):
    id: int
    call_id: str
    direction: str
    status: str = Field(description="ringing, answered, ended ou missed.")
    from_number: str = Field(description="Numéro appelant, tel que reçu.")
    to_number: str = Field(description="Numéro appelé, tel que reçu.")
    number: str = Field(description="Le numéro du correspondant au format international.")
    agent: str | None = Field(description="E-mail du collègue.")
    started_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    duration: int = Field(description="Durée de conversation en secondes.")
    customer: CallerOut | None
    interaction_id: int | None = Field(description="L'interaction « Appel » sur la fiche.")
    callback_task_id: int | None = Field(description="La tâche de rappel d'un appel manqué.")


class CallEventOut(Schema):
    duplicate: bool = Field(
        description="Vrai si cet événement avait déjà été reçu (rien n'a changé)."
    )
    call: CallOut


def _call_out(request: HttpRequest, call: Call) -> CallOut:
    customer: CallerOut | None = None
    if call.person is not None:
        employers = current_company_names([call.person])
        customer = CallerOut(
            type="person",
            id=call.person.pk,
            name=call.person.full_name,
            company=employers.get(call.person.pk),
            url=request.build_absolute_uri(call.person.get_absolute_url()),
        )
    elif call.company is not None:
        customer = CallerOut(
            type="company",
            id=call.company.pk,
            name=call.company.name,
            company=None,
            url=request.build_absolute_uri(call.company.get_absolute_url()),
        )
    return CallOut.model_validate(
        {
            "id": call.pk,
            "call_id": call.call_id,
            "direction": call.direction,
            "status": call.status,
            "from_number": call.from_number,
            "to_number": call.to_number,
            "number": call.customer_e164,
            "agent": call.agent.email if call.agent is not None else None,
            "started_at": call.started_at,
            "answered_at": call.answered_at,
            "ended_at": call.ended_at,
            "duration": call.duration,
            "customer": customer,
            "interaction_id": call.interaction_id,
            "callback_task_id": call.callback_task_id,
        }
    )


@router.post(
    "/events",
    response={200: CallEventOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Recevoir un événement d'appel du standard",
    description=(
        "Le standard (PBX) signale chaque étape d'un appel : ``ringing`` affiche la fiche de "
        "l'appelant chez le collègue ``agent`` (e-mail ou poste) en moins d'une seconde ; "
        "``ended`` ou ``missed`` inscrit l'appel sur la fiche du client (interaction « Appel » "
        "avec sa durée) ; un appel entrant manqué crée une tâche de rappel. Un même événement "
        "reçu deux fois ne change rien (``duplicate`` vaut vrai) ; les événements peuvent "
        "arriver dans le désordre ; un ``call_id`` inconnu crée l'appel, quel que soit "
        "l'événement. Un ``agent`` inconnu est refusé (422) : rien n'est enregistré."
    ),
)
def call_event(request: HttpRequest, payload: CallEventIn) -> CallEventOut:
    user = user_of(request)
    require_writer(user)
    raw: dict[str, Any] = payload.model_dump(mode="json", by_alias=True)
    receipt = call_event_receive(
        by=user,
        event=payload.event,
        call_id=payload.call_id,
        from_number=payload.from_,
        to_number=payload.to,
        agent=payload.agent,
        direction=payload.direction,
        at=payload.at,
        duration=payload.duration,
        payload=raw,
    )
    call = Call.objects.select_related("agent", "person", "company").get(pk=receipt.call.pk)
    return CallEventOut(duplicate=receipt.duplicate, call=_call_out(request, call))


# --- 3CX -------------------------------------------------------------------------------------


class ThreeCxContactOut(Schema):
    id: str = Field(description="« p12 » pour une personne, « c7 » pour une société.")
    type: Literal["person", "company"]
    first_name: str
    last_name: str
    company: str
    email: str
    phone_business: str
    phone_mobile: str
    phone_other: str
    contact_url: str = Field(description="La fiche dans Comptoir (ouverte par 3CX).")


class ThreeCxLookupOut(Schema):
    contacts: list[ThreeCxContactOut]


def _phones_and_emails(owner: dict[str, Any], points: list[ContactPoint]) -> dict[str, str]:
    found = {"email": "", "phone_business": "", "phone_mobile": "", "phone_other": ""}
    for point in points:
        if not all(getattr(point, f"{k}_id") == v for k, v in owner.items()):
            continue
        if point.kind == ContactKind.EMAIL:
            found["email"] = found["email"] or point.normalized
            continue
        if point.label == ContactLabel.MOBILE:
            slot = "phone_mobile"
        elif point.label in (ContactLabel.WORK, ContactLabel.LANDLINE):
            slot = "phone_business"
        else:
            slot = "phone_other"
        found[slot] = found[slot] or point.normalized
    return found


@router.get(
    "/3cx/lookup",
    response={200: ThreeCxLookupOut, 401: ErrorOut},
    summary="Identifier un appelant (modèle CRM 3CX)",
    description=(
        "La même recherche que ``/calls/lookup``, dans la forme que lit un modèle d'intégration "
        "CRM de 3CX (voir ``docs/telephonie.md``) : une liste ``contacts`` avec prénom, nom, "
        "société, téléphones et adresse de la fiche. Un numéro invalide ou inconnu donne une "
        "liste vide (200), ce que 3CX comprend comme « contact inconnu »."
    ),
)
def threecx_lookup(request: HttpRequest, query: Query[LookupQuery]) -> ThreeCxLookupOut:
    user = user_of(request)
    e164 = try_normalize_phone(query.number)
    if e164 is None:
        return ThreeCxLookupOut(contacts=[])
    callers = [c for c in callers_matching(user, e164) if isinstance(c, Person | Company)]
    people = [c for c in callers if isinstance(c, Person)]
    employers = current_company_names(people) if people else {}
    points = list(
        contact_points_for(user)
        .filter(person_id__in=[c.pk for c in people])
        .order_by("-is_primary", "id")
    ) + list(
        contact_points_for(user)
        .filter(company_id__in=[c.pk for c in callers if isinstance(c, Company)])
        .order_by("-is_primary", "id")
    )
    contacts = []
    for caller in callers:
        url = request.build_absolute_uri(caller.get_absolute_url())
        if isinstance(caller, Person):
            details = _phones_and_emails({"person": caller.pk}, points)
            contacts.append(
                ThreeCxContactOut(
                    id=f"p{caller.pk}",
                    type="person",
                    first_name=caller.first_name,
                    last_name=caller.last_name,
                    company=employers.get(caller.pk, ""),
                    contact_url=url,
                    **details,
                )
            )
        else:
            details = _phones_and_emails({"company": caller.pk}, points)
            contacts.append(
                ThreeCxContactOut(
                    id=f"c{caller.pk}",
                    type="company",
                    first_name="",
                    last_name=caller.name,
                    company=caller.name,
                    contact_url=url,
                    **details,
                )
            )
    return ThreeCxLookupOut(contacts=contacts)
