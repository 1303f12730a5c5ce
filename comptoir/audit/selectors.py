"""Reads on the audit trail."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from comptoir.audit.models import AuditEntry


def audit_for(user: Any, instance: models.Model) -> QuerySet[AuditEntry]:
    """The history of one record, newest first, within the user's workspace."""
    return AuditEntry.objects.filter(
        workspace_id=user.workspace_id,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
    ).select_related("actor")
