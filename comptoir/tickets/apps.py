from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    """Support requests with priority, SLA, conversation and attachments."""

    name = "comptoir.tickets"
    verbose_name = _("Demandes")

    def ready(self) -> None:
        from comptoir.tickets import receivers  # noqa: F401
