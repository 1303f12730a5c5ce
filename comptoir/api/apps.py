from django.apps import AppConfig


class ApiConfig(AppConfig):
    """REST API v1."""

    name = "comptoir.api"
