"""Telephony (CTI): call events, the caller's card, calls on the timeline, call-backs."""

from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "comptoir.calls"

    def ready(self) -> None:
        from comptoir.calls import receivers  # noqa: F401
