"""Seed a new workspace's skills, service types and booking rules."""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import workspace_created
from comptoir.activities.signals import interaction_changing


@receiver(workspace_created)
def seed_scheduling(sender: Any, workspace: Any, **kwargs: Any) -> None:
    from comptoir.scheduling.services import scheduling_seed

    scheduling_seed(workspace=workspace)


@receiver(interaction_changing)
def keep_visit_in_step(sender: Any, interaction: Any, before: Any, by: Any, **kwargs: Any) -> None:
    from comptoir.scheduling.services import interaction_changing_check

    interaction_changing_check(interaction=interaction, before=before, by=by)
