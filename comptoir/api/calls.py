"""Incoming calls: who is on the line, from a number in any format."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from comptoir.api.auth import user_of
from comptoir.api.errors import ApiError
from comptoir.api.schemas import ErrorOut, Text, ValidationErrorOut
from comptoir.contacts.models import Company, Person
from comptoir.contacts.selectors import callers_matching, current_company_names
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
