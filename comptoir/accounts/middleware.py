"""Activate the signed-in user's workspace time zone for the request."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class WorkspaceTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        workspace = getattr(user, "workspace", None) if user and user.is_authenticated else None
        if workspace is not None:
            timezone.activate(ZoneInfo(workspace.timezone))
        else:
            timezone.deactivate()
        return self.get_response(request)
