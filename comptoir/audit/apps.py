from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Audit trail."""

    name = "comptoir.audit"
    verbose_name = _("Historique")
