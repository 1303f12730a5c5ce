"""Turn a request body into service keyword arguments: ids to objects, nulls to blanks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from comptoir.api.errors import Errors, django_errors, invalid, not_found
from comptoir.api.schemas import MAX_ID

M = TypeVar("M")


def fetch(queryset: models.QuerySet[Any], pk: int) -> Any:
    """One row of a selector's queryset, or 404 (another workspace's id included)."""
    if not 0 < pk <= MAX_ID:
        raise not_found()
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise not_found()
    return obj


def nulls_to_blanks(model: type[models.Model], data: dict[str, Any]) -> Errors:
    """``null`` clears a field: blank text, no link, empty list; refused where impossible."""
    errors: Errors = {}
    for name, value in list(data.items()):
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_many:
            data[name] = []
        elif field.null:
            continue
        elif isinstance(field, models.CharField | models.TextField):
            data[name] = ""
        else:
            errors[name] = [_("Ce champ ne peut pas être vide.")]
    return errors


def resolve_links(
    data: dict[str, Any],
    querysets: Mapping[str, models.QuerySet[Any]],
    *,
    instance: models.Model | None = None,
) -> Errors:
    """Replace the ids of ``data`` by rows of the matching (workspace-scoped) querysets.

    An id outside the queryset (unknown, another workspace's) is "introuvable"; a reference
    entry switched off stays accepted only where it is already the current value.
    """
    errors: Errors = {}
    for name, queryset in querysets.items():
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            wanted = list(dict.fromkeys(value))
            found = {obj.pk: obj for obj in queryset.filter(pk__in=wanted)}
            missing = [str(pk) for pk in wanted if pk not in found]
            if missing:
                errors[name] = [_("Élément introuvable : %(ids)s.") % {"ids": ", ".join(missing)}]
            else:
                data[name] = [found[pk] for pk in wanted]
            continue
        obj = queryset.filter(pk=value).first()
        if obj is None:
            errors[name] = [_("Élément introuvable.")]
        elif (
            not getattr(obj, "is_active", True) and getattr(instance, f"{name}_id", None) != obj.pk
        ):
            errors[name] = [_("Cet élément n'est plus proposé.")]
        else:
            data[name] = obj
    return errors


def save_or_refuse(
    errors: Errors, data: dict[str, Any], action: Callable[[dict[str, Any]], M]
) -> M:
    """Run a write in one transaction; any mistake (found before or by the services) → 422.

    When the body already has mistakes, the services still run (without the faulty fields) so
    that the answer lists every mistake at once; the transaction is then rolled back.
    """
    clean = {k: v for k, v in data.items() if k not in {e.split(".")[0] for e in errors}}
    result: M | None = None
    try:
        with transaction.atomic():
            result = action(clean)
            if errors:
                raise _RollBack
    except ValidationError as exc:
        errors = {**django_errors(exc), **errors}
    except _RollBack:
        pass
    if errors or result is None:
        raise invalid(errors)
    return result


class _RollBack(Exception):
    """Undo a write whose body had mistakes."""
