"""Reads on users, scoped to the workspace of the one asking."""

from django.db.models import QuerySet

from comptoir.accounts.models import User


def users_for(user: User) -> QuerySet[User]:
    """Colleagues in the same workspace (active and asleep)."""
    return User.objects.filter(workspace=user.workspace)


def active_users_for(user: User) -> QuerySet[User]:
    return users_for(user).filter(is_active=True)
