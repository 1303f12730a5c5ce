"""Settings of the killable import process: the embedded defaults, tables created without
replaying migrations (faster), in the folder given by ``COMPTOIR_VAR_DIR``."""

from django.apps import apps as _apps  # noqa: F401  (settings must not import models)

from comptoir.settings import *  # noqa: F403
from comptoir.settings import INSTALLED_APPS


class _NoMigrations(dict[str, None]):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


MIGRATION_MODULES = _NoMigrations()
_ = INSTALLED_APPS
