"""Views of activities: thin function views, full pages or HTMX partials."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.activities import selectors
from comptoir.activities.models import Interaction


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "activities/desk.html",
        {
            "today": selectors.desk_today(user),
            "overdue": selectors.desk_overdue(user),
            "upcoming": selectors.desk_upcoming(user),
        },
    )


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    return render(request, "activities/calendar.html", {})


@login_required
def interaction_list(request: HttpRequest) -> HttpResponse:
    return render(request, "activities/interaction_list.html", {})


@login_required
def interaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        interaction = selectors.interaction_detail(request.user, pk)
    except Interaction.DoesNotExist:
        raise Http404 from None
    return render(request, "activities/interaction_detail.html", {"interaction": interaction})
