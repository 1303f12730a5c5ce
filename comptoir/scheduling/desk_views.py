"""Panels other pages load: the desk's "Réservations en ligne" (what customers booked
themselves, live) and a ticket's "Interventions"."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.scheduling.models import Channel, Visit, VisitStatus
from comptoir.tickets.models import Ticket
from comptoir.tickets.selectors import tickets_for

RECENT_DAYS = 7
SHOWN = 8


@login_required
@require_GET
def recent_bookings(request: HttpRequest) -> HttpResponse:
    """Bookings made online or through the company's website in the last days, newest first."""
    user: Any = request.user
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    visits = (
        Visit.objects.filter(
            workspace_id=user.workspace_id,
            channel__in=[Channel.ONLINE, Channel.API],
            created_at__gte=since,
        )
        .select_related(
            "interaction__person",
            "interaction__company",
            "technician__user",
            "service_type",
        )
        .order_by("-created_at", "-id")
    )
    rows = list(visits[: SHOWN + 1])
    now = timezone.now()
    tz = ZoneInfo(user.workspace.timezone)
    shown = []
    for visit in rows[:SHOWN]:
        start = timezone.localtime(visit.interaction.starts_at, tz)
        age = now - visit.created_at
        shown.append(
            {
                "visit": visit,
                "when": f"{formats.date_format(start, 'D d/m')} {start:%H:%M}",
                "ago": _("à l'instant")
                if age < dt.timedelta(minutes=1)
                else _("il y a %(ago)s") % {"ago": timesince(visit.created_at, now, depth=1)},
            }
        )
    return render(
        request,
        "scheduling/_recent_bookings.html",
        {"rows": shown, "more": len(rows) > SHOWN, "days": RECENT_DAYS},
    )


@login_required
@require_GET
def ticket_visits(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """A ticket's visits (booked with the ticket as their request) and « Planifier une
    intervention », which opens « Prendre RDV » for the ticket's customer and site."""
    user: Any = request.user
    try:
        ticket = tickets_for(user).select_related("interaction").get(pk=ticket_pk)
    except Ticket.DoesNotExist:
        raise Http404 from None
    visits: list[Visit] = []
    if ticket.interaction_id is not None:
        visits = list(
            Visit.objects.filter(workspace_id=user.workspace_id, request_id=ticket.interaction_id)
            .select_related("interaction", "technician__user", "service_type")
            .order_by("starts_at", "id")
        )
    tz = ZoneInfo(user.workspace.timezone)
    rows = []
    for visit in visits:
        start = timezone.localtime(visit.starts_at, tz)
        end = timezone.localtime(visit.interaction.compute_ends_at(), tz)
        rows.append(
            {
                "visit": visit,
                "when": _("%(day)s, %(start)s–%(end)s")
                % {
                    "day": formats.date_format(start, "D d/m/Y"),
                    "start": f"{start:%H:%M}",
                    "end": f"{end:%H:%M}",
                },
                "cancelled": visit.status == VisitStatus.CANCELLED,
            }
        )
    book_url = ""
    if user.can_write and ticket.is_open and ticket.interaction_id is not None:
        query = f"?request={ticket.interaction_id}"
        if ticket.site_id:
            query += f"&site={ticket.site_id}"
        book_url = reverse("scheduling:book") + query
    return render(
        request,
        "scheduling/_ticket_visits.html",
        {
            "ticket": ticket,
            "rows": rows,
            "planned": sum(1 for row in rows if not row["cancelled"]),
            "book_url": book_url,
        },
    )
