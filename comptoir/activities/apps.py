from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Interactions, notes, processes and stages; the desk."""

    name = "comptoir.activities"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from comptoir.activities import receivers  # noqa: F401
