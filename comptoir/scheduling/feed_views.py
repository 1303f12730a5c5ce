"""Phone calendars: the private feed (no sign-in, secret token) and the page that gives it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.lib.htmx import is_htmx
from comptoir.scheduling.feeds import (
    calendar_feed_for,
    calendar_feed_regenerate,
    feed_by_token,
    feed_calendar,
    feed_url,
)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """``/agenda/flux/<token>.ics``: the user's appointments for their phone's calendar."""
    found = feed_by_token(token)
    if found is None:
        raise Http404
    response = HttpResponse(feed_calendar(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    # Private: the address is a secret; shared caches must not keep it.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _panel(request: HttpRequest, *, regenerated: bool = False) -> HttpResponse:
    user = request.user
    if getattr(user, "workspace_id", None) is None:
        raise PermissionDenied
    found = calendar_feed_for(user)
    url = feed_url(found)
    context = {
        "feed_url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[-1],
        "regenerated": regenerated,
    }
    template = "scheduling/feed/_panel.html" if is_htmx(request) else "scheduling/feed/page.html"
    return render(request, template, context)


@require_GET
@login_required
def feed_panel(request: HttpRequest) -> HttpResponse:
    """ "Agenda sur mon téléphone": the address to copy and how to subscribe."""
    return _panel(request)


@require_POST
@login_required
def feed_regenerate(request: HttpRequest) -> HttpResponse:
    """A new address: the old one stops working (404)."""
    if getattr(request.user, "workspace_id", None) is None:
        raise PermissionDenied
    calendar_feed_regenerate(user=request.user)
    if is_htmx(request):
        return _panel(request, regenerated=True)
    messages.success(
        request,
        _("Nouveau lien créé : l'ancien ne fonctionne plus. Abonnez de nouveau vos appareils."),
    )
    return redirect("scheduling:feed_panel")
