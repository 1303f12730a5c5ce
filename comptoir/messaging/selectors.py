"""Reads on templates and messages, scoped to the user's workspace."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from comptoir.activities.selectors import interactions_for
from comptoir.messaging.models import Message, MessageStatus, MessageTemplate


def message_templates_for(user: Any) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.filter(workspace_id=user.workspace_id)


def message_template_detail(user: Any, template_id: int) -> MessageTemplate:
    return message_templates_for(user).get(pk=template_id)


def messages_for(user: Any) -> QuerySet[Message]:
    """The workspace's messages, except those about interactions this user may not see."""
    return Message.objects.filter(workspace_id=user.workspace_id).filter(
        Q(interaction__isnull=True) | Q(interaction__in=interactions_for(user).values("pk"))
    )


def message_detail(user: Any, message_id: int) -> Message:
    return messages_for(user).get(pk=message_id)


def messages_for_interaction(user: Any, interaction: Any) -> QuerySet[Message]:
    """What was sent (or is waiting, or failed) about one interaction, newest first."""
    return Message.objects.filter(
        workspace_id=user.workspace_id, interaction_id=interaction.pk
    ).order_by("-created_at", "-id")


def failed_messages_for(user: Any) -> QuerySet[Message]:
    return messages_for(user).filter(status=MessageStatus.FAILED).order_by("-created_at", "-id")
