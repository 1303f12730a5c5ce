"""Seed a new workspace's skills, service types and booking rules."""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import workspace_created


@receiver(workspace_created)
def seed_scheduling(sender: Any, workspace: Any, **kwargs: Any) -> None:
    from comptoir.scheduling.services import scheduling_seed

    scheduling_seed(workspace=workspace)
