"""allauth adapter: no self-service sign-up; users are invited by their workspace admin."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from comptoir.lib.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same address as every other limit (X-Forwarded-For only when trusted): behind a
        # proxy, allauth would otherwise count every sign-in against the proxy's address.
        return client_ip(request)

    def format_email_subject(self, subject: str) -> str:
        # Our subjects name the product themselves; allauth would prefix the host name.
        return subject

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        # The e-mail says how long its link stays valid (Django's PASSWORD_RESET_TIMEOUT).
        hours = max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600))
        context = {**context, "expiry_hours": hours}
        if hours % 24 == 0:
            context["expiry_days"] = hours // 24
        super().send_password_reset_mail(user, email, context)
