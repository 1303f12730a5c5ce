from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """Inbound e-mail: the workspace's mailbox read by IMAP or fed by a mail provider."""

    name = "comptoir.inbox"
    verbose_name = _("Boîte de réception")

    def ready(self) -> None:
        from comptoir.inbox import receivers  # noqa: F401
