"""Seed a new workspace's ticket categories, SLA targets and opening hours."""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import workspace_created
from comptoir.tickets.services import tickets_seed


@receiver(workspace_created)
def seed_tickets(sender: Any, workspace: Any, **kwargs: Any) -> None:
    tickets_seed(workspace=workspace)
