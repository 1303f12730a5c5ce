"""Page numbers: ``?page=2&page_size=50`` → ``{"items", "count", "page", "page_size"}``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from comptoir.api.schemas import Page, PageQuery

M = TypeVar("M", bound=Model)
Out = TypeVar("Out")
P = TypeVar("P", bound=Page[Any])


def paginate(
    request: HttpRequest,
    queryset: QuerySet[M],
    query: PageQuery,
    render: Callable[[HttpRequest, M], Out],
    page_class: type[P],
) -> P:
    """One page of an ordered queryset: one COUNT, then the rows (none past the last page)."""
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    rows = list(queryset[start : start + query.page_size]) if start < count else []
    return page_class(
        items=[render(request, row) for row in rows],
        count=count,
        page=query.page,
        page_size=query.page_size,
    )
