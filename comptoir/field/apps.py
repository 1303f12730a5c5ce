from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """Technician app (PWA): visits of the day, intervention reports, needs detected on site."""

    name = "comptoir.field"
    verbose_name = _("Application technicien")

    def ready(self) -> None:
        from comptoir.field import receivers  # noqa: F401
