"""App config of receivables."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "comptoir.receivables"
    verbose_name = _("Impayés")
