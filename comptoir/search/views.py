"""The results page of the top-bar search box, and its suggestions dropdown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.search.selectors import Result, search

SUGGESTIONS_PER_KIND = 5


def _query(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())


def _grouped(results: list[Result]) -> dict[str, list[Result]]:
    groups: dict[str, list[Result]] = {"person": [], "company": [], "interaction": []}
    for result in results:
        groups[result.kind].append(result)
    return groups


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """Every match, grouped: people, companies, interactions. A lone match is still listed."""
    query = _query(request)
    found = search(request.user, query) if query else []
    groups = _grouped(found)
    return render(
        request,
        "search/results.html",
        {
            "search_query": query,
            "total": len(found),
            "people": groups["person"],
            "companies": groups["company"],
            "interactions": groups["interaction"],
        },
    )


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """The dropdown under the top-bar box (HTMX): a few of the best matches per kind."""
    query = _query(request)
    found = search(request.user, query, limit=SUGGESTIONS_PER_KIND) if len(query) >= 2 else []
    groups = _grouped(found)
    return render(
        request,
        "search/_suggestions.html",
        {
            "search_query": query,
            "total": len(found),
            "people": groups["person"],
            "companies": groups["company"],
            "interactions": groups["interaction"],
        },
    )
