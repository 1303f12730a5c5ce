"""Reads on imports, scoped to the user's workspace."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from comptoir.imports.models import ImportJob, SavedMapping


def jobs_for(user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(workspace_id=user.workspace_id).select_related("created_by")


def job_for(user: Any, pk: int) -> ImportJob:
    """One job of the user's workspace; any other id is a 404."""
    try:
        return jobs_for(user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


def saved_mappings_for(user: Any, kind: str | None = None) -> QuerySet[SavedMapping]:
    qs = SavedMapping.objects.filter(workspace_id=user.workspace_id)
    return qs.filter(kind=kind) if kind else qs
