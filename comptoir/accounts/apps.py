from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Workspaces and users."""

    name = "comptoir.accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from comptoir.accounts import receivers  # noqa: F401  (connects the receivers)
