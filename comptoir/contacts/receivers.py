"""Seed a new workspace's reference lists."""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import workspace_created
from comptoir.contacts.services import reference_lists_seed


@receiver(workspace_created)
def seed_reference_lists(sender: Any, workspace: Any, **kwargs: Any) -> None:
    reference_lists_seed(workspace=workspace)
