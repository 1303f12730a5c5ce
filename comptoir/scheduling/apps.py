from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    """Technicians, availability, slots, bookings, reminders and the planning board."""

    name = "comptoir.scheduling"
    verbose_name = _("Planification")

    def ready(self) -> None:
        from comptoir.scheduling import receivers  # noqa: F401
