"""Activate the signed-in user's workspace time zone and language for the request."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class WorkspaceTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        workspace = getattr(user, "workspace", None) if user and user.is_authenticated else None
        if workspace is not None:
            timezone.activate(ZoneInfo(workspace.timezone))
            translation.activate(workspace.locale)
            request.LANGUAGE_CODE = workspace.locale
        else:
            timezone.deactivate()
        return self.get_response(request)
