"""Seed a new workspace's message templates."""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import workspace_created
from comptoir.messaging.services import message_templates_seed


@receiver(workspace_created)
def seed_message_templates(sender: Any, workspace: Any, **kwargs: Any) -> None:
    message_templates_seed(workspace=workspace)
