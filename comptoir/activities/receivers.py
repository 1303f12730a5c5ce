"""Seed a new workspace's processes."""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import workspace_created
from comptoir.activities.services import processes_seed


@receiver(workspace_created)
def seed_processes(sender: Any, workspace: Any, **kwargs: Any) -> None:
    processes_seed(workspace=workspace)
