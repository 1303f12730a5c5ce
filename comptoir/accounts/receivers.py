"""Reactions of accounts to allauth's signals."""

from typing import Any

from allauth.account.signals import password_reset
from django.dispatch import receiver

from comptoir.accounts.models import User
from comptoir.accounts.services import password_reset_complete


@receiver(password_reset)
def unlock_after_password_reset(sender: Any, user: Any, **kwargs: Any) -> None:
    """A new password set through the e-mailed link also lifts the sign-in lockout."""
    if isinstance(user, User):
        password_reset_complete(user=user)
