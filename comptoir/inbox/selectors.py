"""Reads of inbox, scoped to the user's workspace."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from comptoir.inbox.models import InboundAttachment, InboundMessage


def inbound_messages_for(user: Any) -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(workspace_id=user.workspace_id).select_related(
        "ticket", "interaction", "person", "company"
    )


def inbound_attachments_for(user: Any) -> QuerySet[InboundAttachment]:
    return InboundAttachment.objects.filter(workspace_id=user.workspace_id)
