from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data."""

    name = "comptoir.demo"
