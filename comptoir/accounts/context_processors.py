"""Template context: the current workspace."""

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"workspace": user.workspace}
    return {"workspace": None}
