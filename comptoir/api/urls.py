"""URLs of the REST API: ninja's routes, answering JSON even for a wrong method or path."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from comptoir.api.v1 import api

View = Callable[..., HttpResponseBase]
READABLE = {"ensure_ascii": False}


def _json_405(view: View) -> View:
    """Ninja answers a method a route lacks in plain text: say it in JSON, in French."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            answer = JsonResponse(
                {"detail": _("Méthode non autorisée.")}, status=405, json_dumps_params=READABLE
            )
            answer["Allow"] = response.get("Allow", "")
            return answer
        return response

    return wrapped


@csrf_exempt
def unknown_path(request: HttpRequest, path: str) -> JsonResponse:
    return JsonResponse({"detail": _("Introuvable.")}, status=404, json_dumps_params=READABLE)


_patterns, _app, _namespace = api.urls
for pattern in _patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = _json_405(pattern.callback)

urlpatterns = [
    path("", (_patterns, _app, _namespace)),
    re_path(r"^(?P<path>.*)$", unknown_path, name="api-unknown"),
]
