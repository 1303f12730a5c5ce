"""Reads on users, scoped to the workspace of the one asking."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from comptoir.accounts.models import ApiToken, User


def users_for(user: User) -> QuerySet[User]:
    """Colleagues in the same workspace (active and asleep)."""
    if user.workspace_id is None:
        return User.objects.none()
    return User.objects.filter(workspace_id=user.workspace_id)


def active_users_for(user: User) -> QuerySet[User]:
    return users_for(user).filter(is_active=True)


def colleague_detail(user: User, user_id: int) -> User:
    """One colleague of ``user``'s workspace, or User.DoesNotExist (another workspace's id)."""
    return users_for(user).get(pk=user_id)


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (revoked ones too)."""
    if user.workspace_id is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk, workspace_id=user.workspace_id).order_by(
        "-created_at", "-id"
    )


def locked_out_emails_for(user: User) -> set[str]:
    """E-mail addresses of ``user``'s colleagues whose sign-in is locked out (from any address)
    after too many wrong passwords, as django-axes counts them."""
    if user.workspace_id is None:
        return set()
    emails = users_for(user).values("email")
    rows = (
        AccessAttempt.objects.filter(
            username__in=emails, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}
