"""Online booking for a company's own website: free slots and bookings, no account needed.

Both operations are public. The workspace comes from a bearer token when one is sent (the
workspace of its user), otherwise from the ``workspace`` parameter (its identifier, the
``duret`` of ``/r/duret/``). They are rate-limited per client address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from comptoir.accounts.models import User, Workspace
from comptoir.api.auth import BearerAuth
from comptoir.api.errors import ApiError, django_errors, invalid
from comptoir.api.schemas import DateIn, ErrorOut, InSchema, Text, ValidationErrorOut
from comptoir.lib.geo import normalize_postcode
from comptoir.lib.phone import format_phone, try_normalize_phone
from comptoir.scheduling import ratelimit
from comptoir.scheduling.customers import book_online, online_window
from comptoir.scheduling.models import Channel, ServiceType, Technician, Visit
from comptoir.scheduling.services import SlotTaken
from comptoir.scheduling.slots import (
    Need,
    Slot,
    booking_settings,
    find_slots,
    locate,
    qualified_technicians,
)

router = Router(tags=["Réservation en ligne"])

# Where a service's error on a field shows up in the request body.
BOOKING_FIELDS = {
    "starts_at": "start",
    "service": "service",
    "technician": "technician",
    "name": "customer.name",
    "phone": "customer.phone",
    "email": "customer.email",
    "postcode": "customer.postcode",
}


# --- schemas ------------------------------------------------------------------------------


class AvailabilityQuery(Schema):
    service: Text = Field(description="Code de la prestation (`depannage`, `vmc`…).")
    from_: DateIn | None = Field(
        None, alias="from", description="Premier jour (AAAA-MM-JJ) ; aujourd'hui par défaut."
    )
    days: int = Field(
        7, ge=1, le=31, description="Nombre de jours à partir de `from` (31 au plus)."
    )
    postcode: Text = Field(
        "",
        max_length=10,
        description="Code postal de l'intervention (adresse de l'entreprise sinon).",
    )
    workspace: Text = Field(
        "", max_length=50, description="Identifiant de l'espace, sans jeton (`duret`)."
    )
    limit: int = Field(200, ge=1, le=500, description="Nombre maximal de créneaux.")


class SlotOut(Schema):
    start: dt.datetime = Field(description="Début, ISO 8601 avec décalage horaire.")
    end: dt.datetime = Field(description="Fin de l'intervention (battement non compris).")
    technician: str = Field(description="Nom du technicien.")
    technician_id: int


class AvailabilityOut(Schema):
    slots: list[SlotOut]


class CustomerIn(InSchema):
    name: Text = Field(max_length=200, description="Nom et prénom (« M. Pierre Dupont »).")
    phone: Text = Field(max_length=40, description="Téléphone, dans n'importe quel format.")
    email: Text = Field("", max_length=254)
    street: Text = Field("", max_length=200)
    postcode: Text = Field(max_length=10)
    city: Text = Field("", max_length=100)


class BookingIn(InSchema):
    workspace: Text = Field("", max_length=50, description="Identifiant de l'espace, sans jeton.")
    service: Text = Field(description="Code de la prestation.")
    start: dt.datetime = Field(
        description="Début choisi parmi les créneaux libres (ISO 8601 ; sans décalage : "
        "heure de l'espace)."
    )
    technician: int | None = Field(None, ge=1, description="Technicien imposé (facultatif).")
    customer: CustomerIn
    message: Text = Field("", max_length=2000, description="Message du client.")
    requested_at: dt.datetime | None = Field(
        None,
        description="Quand le visiteur a ouvert le formulaire (mesure du délai de réponse).",
    )


class BookingOut(Schema):
    reference: str = Field(examples=["R-2026-0042"])
    start: dt.datetime
    end: dt.datetime
    technician: str
    technician_id: int
    service: str = Field(description="Code de la prestation.")
    service_name: str
    manage_url: str = Field(description="Lien privé du client : voir, déplacer, annuler.")


class TakenOut(Schema):
    detail: str = Field(examples=["Ce créneau vient d'être pris."])
    alternatives: list[SlotOut]


# --- helpers ------------------------------------------------------------------------------


def _workspace(request: HttpRequest, slug: str) -> tuple[Workspace, User | None]:
    """The workspace of the bearer token when one is sent, else the one named by ``slug``."""
    user: User | None = None
    if request.headers.get("Authorization", "").strip():
        user = BearerAuth()(request)
        workspace = user.workspace
        assert workspace is not None
        if slug and slug != workspace.slug:
            raise invalid({"workspace": _("Ce jeton appartient à un autre espace.")})
    elif not slug:
        raise invalid(
            {"workspace": _("Indiquez l'identifiant de l'espace (workspace) ou un jeton d'API.")}
        )
    else:
        found = Workspace.objects.filter(slug=slug).first()
        if found is None:
            raise ApiError(404, _("Espace inconnu : %(slug)s.") % {"slug": slug})
        workspace = found
        timezone.activate(ZoneInfo(workspace.timezone))
        translation.activate(workspace.locale)
    if not booking_settings(workspace.pk).online_enabled:
        raise ApiError(403, _("La réservation en ligne est fermée pour cet espace."))
    return workspace, user


def _limited(request: HttpRequest, kind: str, workspace: Workspace) -> HttpResponse | None:
    verdict = ratelimit.hit(request, kind, workspace=workspace.slug)
    if verdict.allowed:
        return None
    response = JsonResponse(
        {
            "detail": _("Trop de requêtes : réessayez dans %(seconds)s s.")
            % {"seconds": verdict.retry_after}
        },
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _service(workspace: Workspace, code: str, field: str = "service") -> ServiceType:
    services = ServiceType.objects.filter(workspace=workspace, bookable_online=True, is_active=True)
    found = services.filter(code=code).first()
    if found is None:
        codes = ", ".join(services.values_list("code", flat=True)) or "—"
        raise invalid(
            {
                field: _(
                    "Prestation inconnue ou non réservable en ligne : « %(code)s ». "
                    "Codes possibles : %(codes)s."
                )
                % {"code": code, "codes": codes}
            }
        )
    return found


def _postcode(raw: str, field: str) -> str:
    code = normalize_postcode(raw)
    if code is None:
        raise invalid({field: _("« %(value)s » n'est pas un code postal.") % {"value": raw}})
    return code


def _check_zone(workspace: Workspace, service: ServiceType, postcode: str, field: str) -> None:
    need = Need(
        service=service,
        earliest=timezone.now(),
        postcode=postcode,
        point=locate(postcode=postcode),
    )
    if not qualified_technicians(need):
        phone = try_normalize_phone(workspace.phone or "")
        raise invalid(
            {
                field: _(
                    "Nous n'intervenons pas à %(postcode)s pour cette prestation : appelez-nous "
                    "au %(phone)s."
                )
                % {
                    "postcode": postcode,
                    "phone": format_phone(phone) if phone else workspace.phone,
                }
            }
        )


def _slot_out(slot: Slot, tz: ZoneInfo) -> SlotOut:
    return SlotOut(
        start=timezone.localtime(slot.start, tz),
        end=timezone.localtime(slot.end, tz),
        technician=slot.technician_name,
        technician_id=slot.technician_id,
    )


def _booking_errors(error: ValidationError) -> dict[str, list[str]]:
    return {BOOKING_FIELDS.get(k, k): v for k, v in django_errors(error).items()}


# --- operations ---------------------------------------------------------------------------


@router.get(
    "/availability",
    auth=None,
    response={
        200: AvailabilityOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    summary="Créneaux libres",
    description=(
        "Les créneaux libres d'une prestation réservable en ligne, du plus tôt au plus tard, "
        "dans les limites de réservation de l'espace (délai minimal, horizon). Public : sans "
        "jeton, indiquez `workspace`. Limité à 30 requêtes par minute et par adresse."
    ),
)
def availability(request: HttpRequest, query: Query[AvailabilityQuery]) -> Any:
    workspace, _user = _workspace(request, query.workspace)
    if limited := _limited(request, "availability", workspace):
        return limited
    service = _service(workspace, query.service)
    tz = ZoneInfo(workspace.timezone)
    postcode = _postcode(query.postcode, "postcode") if query.postcode else workspace.postcode
    if query.postcode:
        _check_zone(workspace, service, postcode, "postcode")
    first_day = query.from_ or timezone.localdate(timezone.now(), tz)
    earliest, days = online_window(workspace.pk, first_day=first_day, days=query.days)
    days = min(days, (first_day + dt.timedelta(days=query.days) - earliest.date()).days)
    if days <= 0:
        return AvailabilityOut(slots=[])
    need = Need(
        service=service,
        earliest=earliest,
        days=days,
        point=locate(postcode=postcode) if postcode else None,
        postcode=postcode,
    )
    return AvailabilityOut(slots=[_slot_out(s, tz) for s in find_slots(need, limit=query.limit)])


@router.post(
    "/bookings",
    auth=None,
    response={
        201: BookingOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: TakenOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    summary="Réserver un créneau",
    description=(
        "Réserve la prestation au début choisi (un créneau libre de `GET /availability`) pour "
        "le client décrit : un client connu (même téléphone ou même e-mail) est rattaché à sa "
        "fiche, jamais dupliqué. 409 avec des créneaux de remplacement si le créneau n'est pas "
        "ou plus libre ; 422 pour une donnée invalide (créneau passé, trop proche ou trop "
        "lointain, prestation inconnue, téléphone invalide). Limité à 10 réservations par "
        "minute et par adresse."
    ),
)
def booking_create(request: HttpRequest, payload: BookingIn) -> Any:
    workspace, user = _workspace(request, payload.workspace)
    if limited := _limited(request, "booking", workspace):
        return limited
    service = _service(workspace, payload.service)
    tz = ZoneInfo(workspace.timezone)
    start = payload.start if timezone.is_aware(payload.start) else payload.start.replace(tzinfo=tz)
    technician = None
    if payload.technician is not None:
        technician = (
            Technician.objects.select_related("user")
            .filter(workspace=workspace, pk=payload.technician, is_active=True)
            .first()
        )
        if technician is None:
            raise invalid({"technician": _("Technicien introuvable.")})
    customer = payload.customer
    postcode = _postcode(customer.postcode, "customer.postcode")
    _check_zone(workspace, service, postcode, "customer.postcode")
    requested = payload.requested_at
    if requested is not None and timezone.is_naive(requested):
        requested = requested.replace(tzinfo=tz)
    try:
        visit = book_online(
            service=service,
            starts_at=start,
            channel=Channel.API,
            name=customer.name,
            phone=customer.phone,
            email=customer.email,
            street=customer.street,
            postcode=postcode,
            city=customer.city,
            message=payload.message,
            requested_at=requested,
            technician=technician,
            by=user,
        )
    except SlotTaken as taken:
        return Status(
            409,
            TakenOut(
                detail=taken.messages[0] if taken.closed else _("Ce créneau vient d'être pris."),
                alternatives=[_slot_out(s, tz) for s in taken.alternatives],
            ),
        )
    except ValidationError as error:
        raise ApiError(422, _("Données invalides."), _booking_errors(error)) from None
    return Status(201, _booking_out(request, visit, tz))


def _booking_out(request: HttpRequest, visit: Visit, tz: ZoneInfo) -> BookingOut:
    start = timezone.localtime(visit.starts_at, tz)
    minutes = visit.interaction.duration_minutes or visit.service_type.duration_minutes
    return BookingOut(
        reference=visit.reference,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        technician=visit.technician.name,
        technician_id=visit.technician_id,
        service=visit.service_type.code,
        service_name=visit.service_type.name,
        manage_url=request.build_absolute_uri(
            reverse("scheduling:public_manage", args=[visit.workspace.slug, visit.public_token])
        ),
    )
