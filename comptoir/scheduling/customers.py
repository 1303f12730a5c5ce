"""The customer of a public booking: found by phone or e-mail, created only when new.

Nobody is signed in on the public pages or the public API: rows are written directly, checked
with ``full_clean`` and audited with no actor. A person already known under the same phone
number (E.164) or e-mail address is reused, never duplicated; a booking from two tabs at once
creates one person (a lock per phone and e-mail on PostgreSQL; on SQLite every writing
transaction already takes the database lock up front).
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz.fuzz import token_sort_ratio

from comptoir.accounts.models import Workspace
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record
from comptoir.contacts.models import (
    Civility,
    ContactKind,
    ContactLabel,
    ContactPoint,
    Person,
    Site,
    Source,
)
from comptoir.contacts.services import normalize_contact
from comptoir.lib.geo import geocoder
from comptoir.lib.normalize import case_city, case_name, normalize_street, split_civility
from comptoir.lib.text import fold
from comptoir.scheduling.models import ServiceType, Technician, Visit, VisitStatus
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.slots import booking_settings

# Two streets typed for one house ("12 rue de la Mairie", "12, r. de la mairie") score above.
SAME_STREET = 85
ONLINE_SOURCE = "Réservation en ligne"


def split_name(text: str) -> tuple[str, str, str]:
    """ "M. Pierre Dupont" → ("M.", "Pierre", "Dupont"); "DUPONT Pierre" → ("", "Pierre",
    "Dupont"): the last word is the last name, unless some words are in capitals."""
    title, rest = split_civility(text)
    words = rest.split()
    if not words:
        return title, "", ""
    if len(words) == 1:
        return title, "", case_name(words[0])
    upper = [w for w in words if sum(c.isalpha() for c in w) > 1 and w == w.upper()]
    if upper and len(upper) < len(words):
        first = [w for w in words if w not in upper]
        return title, case_name(" ".join(first)), case_name(" ".join(upper))
    return title, case_name(" ".join(words[:-1])), case_name(words[-1])


def _lock(workspace_id: int, *keys: str) -> None:
    """Serialise the bookings of one phone or e-mail (PostgreSQL; SQLite serialises writers)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted({k for k in keys if k}):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [4244, zlib.crc32(f"{workspace_id}:{key}".encode()) - 2**31],
            )


def _known_person(workspace_id: int, phone: str, email: str) -> Person | None:
    """The person with this phone, else with this e-mail (the oldest record when several)."""
    for kind, value in ((ContactKind.PHONE, phone), (ContactKind.EMAIL, email)):
        if not value:
            continue
        found = (
            Person.objects.filter(
                workspace_id=workspace_id,
                contact_points__kind=kind,
                contact_points__normalized=value,
            )
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return None


def _same_street(a: str, b: str) -> bool:
    left, right = fold(normalize_street(a)), fold(normalize_street(b))
    if not left or not right:
        return left == right
    return left == right or token_sort_ratio(left, right) >= SAME_STREET


def _site_of(person: Person, *, street: str, postcode: str) -> Site | None:
    for site in Site.objects.filter(person=person, postcode=postcode).order_by("pk"):
        if _same_street(site.street, street):
            return site
    return None


def _new_site(person: Person, *, street: str, postcode: str, city: str) -> Site:
    site = Site(
        workspace_id=person.workspace_id,
        person=person,
        street=street,
        postcode=postcode,
        city=city,
        is_primary=not Site.objects.filter(person=person).exists(),
    )
    point = geocoder().locate(postcode=postcode, city=city, street=street, country="FR")
    if point is not None:
        site.latitude = Decimal(f"{point[0]:.6f}")
        site.longitude = Decimal(f"{point[1]:.6f}")
    site.full_clean()
    site.save()
    audit_record(actor=None, instance=site, action=Action.CREATE)
    audit_record(
        actor=None, instance=person, action=Action.UPDATE, changes={"sites": ["", str(site)]}
    )
    return site


def _new_person(
    *, workspace: Any, name: str, phone: str, phone_typed: str, email: str, address: dict[str, str]
) -> Person:
    civility, first, last = split_name(name)
    person = Person(
        workspace=workspace,
        civility=civility if civility in Civility.values else "",
        first_name=first[:100],
        last_name=(last or name)[:100],
        source=Source.objects.filter(workspace=workspace, name=ONLINE_SOURCE).first(),
        **address,
    )
    person.full_clean()
    person.save()
    audit_record(actor=None, instance=person, action=Action.CREATE)
    points = [(ContactKind.PHONE, phone_typed, phone), (ContactKind.EMAIL, email, email)]
    for kind, typed, normalized in points:
        if not normalized:
            continue
        label = ContactLabel.OTHER
        if kind == ContactKind.PHONE and normalized.startswith(("+336", "+337")):
            label = ContactLabel.MOBILE
        point = ContactPoint(
            workspace=workspace,
            kind=kind,
            label=label,
            value=typed.strip(),
            normalized=normalized,
            person=person,
            is_primary=True,
        )
        point.full_clean()
        point.save()
    return person


@transaction.atomic
def customer_for_booking(
    *,
    workspace: Any,
    name: str,
    phone: str,
    email: str = "",
    street: str,
    postcode: str,
    city: str,
) -> tuple[Person, Site]:
    """The person and site of a public booking: the known ones when the phone or the e-mail
    is known (the phone wins), a new site for a known person at a new address, otherwise a
    new person with their site, phone and e-mail. ValidationError (French) on bad input."""
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Indiquez votre nom.")
    e164 = ""
    try:
        e164 = normalize_contact(ContactKind.PHONE, phone, postcode=postcode)
    except ValidationError:
        errors["phone"] = _("« %(value)s » n'est pas un numéro de téléphone valide.") % {
            "value": (phone or "").strip()
        }
    mail = ""
    if (email or "").strip():
        try:
            mail = normalize_contact(ContactKind.EMAIL, email)
        except ValidationError:
            errors["email"] = _("« %(value)s » n'est pas une adresse e-mail valide.") % {
                "value": email.strip()
            }
    if not postcode:
        errors["postcode"] = _("Indiquez le code postal.")
    if errors:
        raise ValidationError(errors)
    address = {
        "street": normalize_street(street)[:200],
        "postcode": postcode,
        "city": case_city(city)[:100],
    }
    _lock(workspace.pk, f"phone:{e164}", f"email:{mail}")
    person = _known_person(workspace.pk, e164, mail)
    if person is None:
        person = _new_person(
            workspace=workspace,
            name=name,
            phone=e164,
            phone_typed=phone,
            email=mail,
            address=address,
        )
        return person, _new_site(person, **address)
    site = _site_of(person, street=address["street"], postcode=postcode)
    if site is None:
        site = _new_site(person, **address)
    return person, site


# --- online bookings ----------------------------------------------------------------------


def online_window(workspace_id: int, *, first_day: dt.date, days: int) -> tuple[dt.datetime, int]:
    """Where a customer may look for slots from ``first_day``: not before the minimal notice,
    not beyond the booking horizon. Returns (earliest moment, number of days, maybe 0)."""
    rules = booking_settings(workspace_id)
    tz = ZoneInfo(Workspace.objects.values_list("timezone", flat=True).get(pk=workspace_id))
    now = timezone.now()
    earliest = max(
        now + dt.timedelta(hours=rules.min_notice_hours),
        dt.datetime.combine(first_day, dt.time.min, tz),
    )
    last_day = timezone.localtime(now + dt.timedelta(days=rules.horizon_days), tz).date()
    start_day = timezone.localtime(earliest, tz).date()
    return earliest, max(0, min(days, (last_day - start_day).days + 1))


def book_online(
    *,
    service: ServiceType,
    starts_at: dt.datetime,
    channel: str,
    name: str,
    phone: str,
    email: str,
    street: str,
    postcode: str,
    city: str,
    message: str = "",
    requested_at: dt.datetime | None = None,
    technician: Technician | None = None,
    by: Any = None,
) -> Visit:
    """Book for a customer who typed their own details (online page, public API).

    The customer is found or created (``customer_for_booking``) in the same transaction as the
    visit: when the slot is taken (SlotTaken, with alternatives) or anything is wrong
    (ValidationError), nothing at all is written. The same booking sent twice (a double click)
    gives back the first visit.
    """
    with transaction.atomic():
        person, site = customer_for_booking(
            workspace=service.workspace,
            name=name,
            phone=phone,
            email=email,
            street=street,
            postcode=postcode,
            city=city,
        )
        again = Visit.objects.filter(
            workspace_id=service.workspace_id,
            interaction__person=person,
            service_type=service,
            starts_at=starts_at,
            status=VisitStatus.CONFIRMED,
            created_at__gte=timezone.now() - dt.timedelta(hours=1),
        ).first()
        if again is not None:
            return again
        e164 = normalize_contact(ContactKind.PHONE, phone, postcode=postcode)
        mail = normalize_contact(ContactKind.EMAIL, email) if email.strip() else ""
        return visit_book(
            service=service,
            starts_at=starts_at,
            channel=channel,
            by=by,
            technician=technician,
            person=person,
            site=site,
            postcode=site.postcode,
            requested_at=requested_at,
            contact_name=" ".join(name.split()),
            contact_phone=e164,
            contact_email=mail,
            customer_notes=message.strip(),
        )
