from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Global search."""

    name = "comptoir.search"
