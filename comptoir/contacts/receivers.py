"""Seed a new workspace's reference lists; record changes to colleagues' accounts.

accounts and audit may not import each other: contacts is the lowest app that sees both.
"""

from typing import Any

from django.dispatch import receiver

from comptoir.accounts.signals import user_updated, workspace_created
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record
from comptoir.contacts.services import reference_lists_seed


@receiver(workspace_created)
def seed_reference_lists(sender: Any, workspace: Any, **kwargs: Any) -> None:
    reference_lists_seed(workspace=workspace)


@receiver(user_updated)
def audit_user_update(
    sender: Any, user: Any, by: Any, changes: dict[str, list[str]], **kwargs: Any
) -> None:
    audit_record(actor=by, instance=user, action=Action.UPDATE, changes=changes)
