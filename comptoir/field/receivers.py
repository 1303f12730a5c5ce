"""Seed a new workspace's catalogue and checklists."""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import workspace_created


@receiver(workspace_created)
def seed_field(sender: Any, workspace: Any, **kwargs: Any) -> None:
    from comptoir.field.services import field_seed

    field_seed(workspace=workspace)
