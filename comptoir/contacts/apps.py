from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    """Customers and their reference lists."""

    name = "comptoir.contacts"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from comptoir.contacts import receivers  # noqa: F401
