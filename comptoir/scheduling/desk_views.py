"""The desk's "Réservations en ligne" panel: what customers booked themselves, live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
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
        .select_related("interaction", "technician__user", "service_type")
        .order_by("-created_at", "-id")
    )
    rows = list(visits[: SHOWN + 1])
    return render(
        request,
        "scheduling/_recent_bookings.html",
        {"visits": rows[:SHOWN], "more": len(rows) > SHOWN, "days": RECENT_DAYS},
    )
