from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """E-mails and SMS to customers: templates, outbox, providers."""

    name = "comptoir.messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from comptoir.messaging import receivers  # noqa: F401
