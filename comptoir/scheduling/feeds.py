"""Phone calendars: each user's private iCalendar feed of their appointments.

The feed's address carries a secret token (``/agenda/flux/<token>.ics``): a phone subscribes
without signing in. Regenerating the link gives a new token; the old address then answers 404.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.activities.models import Interaction, Kind, State
from comptoir.contacts.models import ContactKind, ContactPoint
from comptoir.lib import ics
from comptoir.lib.phone import format_phone
from comptoir.scheduling.models import CalendarFeed
from comptoir.scheduling.notify import ALARMS, event_sequences, event_uid, public_url

PAST = dt.timedelta(days=30)
AHEAD = dt.timedelta(days=180)
# Phones re-read the feed about this often (Google decides on its own, every few hours).
REFRESH = dt.timedelta(hours=1)


def calendar_feed_for(user: Any) -> CalendarFeed:
    """The user's feed, created the first time they look for it."""
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"workspace_id": user.workspace_id}
    )
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, user: Any) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_for(user)
    feed.token = secrets.token_urlsafe(24)
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return public_url(reverse("scheduling:feed", args=[feed.token]))


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed of an active user, or None (unknown, regenerated, or user deactivated)."""
    return (
        CalendarFeed.objects.select_related("user", "workspace")
        .filter(token=token, user__is_active=True, user__workspace_id=F("workspace_id"))
        .first()
    )


def feed_appointments(user: Any, *, now: dt.datetime | None = None) -> list[Interaction]:
    """The user's appointments from 30 days ago to 180 days ahead, cancelled ones left out."""
    now = now or timezone.now()
    return list(
        Interaction.objects.filter(
            workspace_id=user.workspace_id,
            owner=user,
            kind=Kind.APPOINTMENT,
            starts_at__gte=now - PAST,
            starts_at__lt=now + AHEAD,
        )
        .exclude(state=State.CANCELLED)
        .select_related("person", "company", "site", "visit", "visit__service_type")
        .order_by("starts_at")
    )


def _phones(appointments: list[Interaction]) -> dict[tuple[str, int], str]:
    """The first phone of each customer and site (primary first), in one query."""
    people = {i.person_id for i in appointments if i.person_id}
    companies = {i.company_id for i in appointments if i.company_id}
    sites = {i.site_id for i in appointments if i.site_id}
    found: dict[tuple[str, int], str] = {}
    if not (people or companies or sites):
        return found
    points = ContactPoint.objects.filter(
        Q(person_id__in=people) | Q(company_id__in=companies) | Q(site_id__in=sites),
        kind=ContactKind.PHONE,
    ).order_by("-is_primary", "id")
    for point in points:
        for field in ("person_id", "company_id", "site_id"):
            owner = getattr(point, field)
            if owner is not None:
                found.setdefault((field, owner), point.normalized)
    return found


def _event(
    interaction: Interaction, phones: dict[tuple[str, int], str], sequence: int
) -> ics.CalendarEvent:
    visit = getattr(interaction, "visit", None)
    site = interaction.site
    customer = interaction.person or interaction.company
    location = ""
    if site is not None:
        location = site.address_line
    elif customer is not None:
        location = customer.address_line
    phone = ""
    if visit is not None and visit.contact_phone:
        phone = visit.contact_phone
    for key in (
        ("person_id", interaction.person_id),
        ("company_id", interaction.company_id),
        ("site_id", interaction.site_id),
    ):
        if not phone and key[1] is not None:
            phone = phones.get((key[0], key[1]), "")
    lines = []
    name = (visit.contact_name if visit is not None else "") or (str(customer) if customer else "")
    if name:
        lines.append(_("Client : %(name)s") % {"name": name})
    if phone:
        lines.append(_("Téléphone : %(phone)s") % {"phone": format_phone(phone) or phone})
    if site is not None and site.access_notes:
        lines.append(_("Accès : %(notes)s") % {"notes": site.access_notes})
    if visit is not None:
        lines.append(
            _("Intervention : %(service)s (%(ref)s)")
            % {"service": visit.service_type.name, "ref": visit.reference}
        )
        if visit.customer_notes:
            lines.append(_("Message du client : %(notes)s") % {"notes": visit.customer_notes})
    lines.append(public_url(interaction.get_absolute_url()))
    return ics.CalendarEvent(
        uid=event_uid(interaction.pk),
        start=interaction.starts_at,
        end=interaction.ends_at,
        summary=interaction.subject,
        location=location,
        description="\n".join(lines),
        url=public_url(interaction.get_absolute_url()),
        sequence=sequence,
        alarms=ALARMS,
        stamp=interaction.updated_at,
    )


def feed_calendar(feed: CalendarFeed, *, now: dt.datetime | None = None) -> bytes:
    """The .ics served at the feed's address."""
    appointments = feed_appointments(feed.user, now=now)
    phones = _phones(appointments)
    sequences = event_sequences([i.pk for i in appointments])
    user = feed.user
    owner = f"{user.first_name} {user.last_name}".strip() or user.email
    return ics.calendar(
        (_event(i, phones, sequences.get(i.pk, 0)) for i in appointments),
        method=ics.PUBLISH,
        name=_("%(workspace)s · %(user)s") % {"workspace": feed.workspace.name, "user": owner},
        refresh=REFRESH,
        now=now,
    )
