from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Database upkeep."""

    name = "comptoir.ops"
    verbose_name = _("Exploitation")
