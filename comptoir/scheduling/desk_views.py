"""The desk's "Réservations en ligne" panel: what customers booked themselves, live."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.scheduling.models import Channel, Visit

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
