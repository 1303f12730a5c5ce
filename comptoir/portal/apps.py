from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Customer portal and satisfaction surveys."""

    name = "comptoir.portal"
    verbose_name = _("Portail client et avis")

    def ready(self) -> None:
        from comptoir.portal import receivers  # noqa: F401
