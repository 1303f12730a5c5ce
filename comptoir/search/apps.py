from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Global search."""

    name = "comptoir.search"

    def ready(self) -> None:
        from comptoir.search import receivers  # noqa: F401
