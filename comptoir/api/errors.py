"""Every error of the API as JSON in French: ``{"detail": …, "errors": {field: [messages]}}``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

Errors = dict[str, list[str]]

# Where ninja says the value came from: not a field name a client would recognize.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


class ApiError(Exception):
    """An answer other than success, raised anywhere below an endpoint."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Errors | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.retry_after = retry_after


def invalid(errors: Mapping[str, Iterable[str] | str]) -> ApiError:
    """A 422 "Données invalides." naming the wrong fields."""
    return ApiError(
        422,
        _("Données invalides."),
        {k: [v] if isinstance(v, str) else list(v) for k, v in errors.items()},
    )


def not_found() -> ApiError:
    return ApiError(404, _("Introuvable."))


def django_errors(exc: DjangoValidationError, *, prefix: str = "") -> Errors:
    """A service's ValidationError as ``{field: [messages]}`` (``__all__`` when unkeyed)."""
    items: Iterable[tuple[str, list[str]]] = (
        exc.message_dict.items()
        if hasattr(exc, "error_dict")
        else [(NON_FIELD_ERRORS, exc.messages)]
    )
    return {
        (f"{prefix}.{k}" if prefix and k != NON_FIELD_ERRORS else prefix or k): list(v)
        for k, v in items
    }


def field_name(loc: Iterable[Any]) -> str:
    """``("body", "payload", "phones", 0, "value")`` → ``"phones.0.value"``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body is read into one parameter (named "payload" in every endpoint).
        if source == "body" and parts:
            parts.pop(0)
    return ".".join(parts) or NON_FIELD_ERRORS


def french_message(error: Mapping[str, Any]) -> str:
    """The French message for one pydantic error."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        # Our own validators raise ValueError with a French message.
        return str(ctx.get("error", "")) or _("Valeur invalide.")
    if kind in {"missing", "missing_argument"}:
        return _("Ce champ est obligatoire.")
    if kind == "extra_forbidden":
        return _("Champ inconnu.")
    if kind in {"string_type", "string_sub_type", "string_unicode"}:
        return _("Texte attendu.")
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return _("Nombre entier attendu.")
    if kind in {"float_type", "float_parsing", "decimal_type", "decimal_parsing"}:
        return _("Nombre attendu.")
    if kind in {"decimal_max_digits", "decimal_max_places", "decimal_whole_digits"}:
        return _("Trop de chiffres.")
    if kind in {"bool_type", "bool_parsing"}:
        return _("Booléen attendu (true ou false).")
    if kind.startswith("datetime") or kind == "timezone_aware":
        return _("Date et heure invalides : format ISO 8601 attendu (2025-03-12T14:30).")
    if kind.startswith("date"):
        return _("Date invalide : format AAAA-MM-JJ attendu (2025-03-12).")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Liste attendue.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Objet JSON attendu.")
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", "")).replace(" or ", _(" ou "))
        return _("Valeur non autorisée ; valeurs possibles : %(expected)s.") % {
            "expected": expected
        }
    if kind in {"greater_than_equal", "greater_than"}:
        return _("La valeur doit être au moins %(limit)s.") % {
            "limit": ctx.get("ge", ctx.get("gt", ""))
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("La valeur doit être au plus %(limit)s.") % {
            "limit": ctx.get("le", ctx.get("lt", ""))
        }
    if kind == "string_too_long":
        return _("Texte trop long : %(max)s caractères au plus.") % {
            "max": ctx.get("max_length", "")
        }
    if kind == "string_too_short":
        return _("Ce champ ne peut pas être vide.")
    if kind == "too_long":
        return _("Trop d'éléments : %(max)s au plus.") % {"max": ctx.get("max_length", "")}
    if kind == "json_invalid":
        return _("JSON invalide.")
    return _("Valeur invalide.")


def _is_union_tag(part: Any) -> bool:
    """Pydantic names the branch of a union that failed: ``int``, ``function-after[…]``…"""
    return isinstance(part, str) and (
        part in {"int", "str", "float", "bool", "list", "dict", "none"}
        or "[" in part
        or "-" in part
    )


def pydantic_errors(errors: Iterable[Mapping[str, Any]]) -> Errors:
    result: Errors = {}
    unions: set[str] = set()
    for error in errors:
        loc = list(error.get("loc", ()))
        tags = [i for i, part in enumerate(loc) if i > 0 and _is_union_tag(part)]
        if tags:
            loc = loc[: tags[0]]
        name = field_name(loc)
        if tags:
            unions.add(name)
        messages = result.setdefault(name, [])
        message = french_message(error)
        if message not in messages:
            messages.append(message)
    for name in unions:
        # One message for "an id or an e-mail" rather than one per accepted type.
        if len(result[name]) > 1:
            options = _(" ou ").join(m.rstrip(".").lower() for m in result[name])
            result[name] = [_("Valeur invalide : %(options)s.") % {"options": options}]
    return result


def _response(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors: Errors | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="comptoir"'
    return response


MISSING_TOKEN = gettext_lazy(
    "Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> »."
)

_HTTP_MESSAGES = {
    400: gettext_lazy("Requête illisible : le corps doit être du JSON valide."),
    401: MISSING_TOKEN,
    403: gettext_lazy("Accès refusé."),
    404: gettext_lazy("Introuvable."),
    405: gettext_lazy("Méthode non autorisée."),
    429: gettext_lazy("Trop de requêtes : réessayez dans un instant."),
}


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's English defaults with the French JSON answers above."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = _response(api, request, exc.status, exc.detail, exc.errors)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _response(api, request, 422, _("Données invalides."), pydantic_errors(exc.errors))

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return _response(api, request, 422, _("Données invalides."), django_errors(exc))

    def on_permission(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("Votre rôle ne permet pas de modifier les données.")
        return _response(api, request, 403, message)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _response(api, request, 404, _("Introuvable."))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _response(api, request, 401, str(_HTTP_MESSAGES[401]))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = _HTTP_MESSAGES.get(exc.status_code)
        return _response(api, request, exc.status_code, str(message) if message else str(exc))

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ApiError, on_api_error),
        (NinjaValidationError, on_validation),
        (DjangoValidationError, on_django_validation),
        (PermissionDenied, on_permission),
        (ObjectDoesNotExist, on_not_found),
        (Http404, on_not_found),
        (AuthenticationError, on_authentication),
        (HttpError, on_http_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
