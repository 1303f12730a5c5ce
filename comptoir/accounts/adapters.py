"""allauth adapter: no self-service sign-up; users are invited by their workspace admin."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from comptoir.lib.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same address as every other limit (X-Forwarded-For only when trusted): behind a
        # proxy, allauth would otherwise count every sign-in against the proxy's address.
        return client_ip(request)
