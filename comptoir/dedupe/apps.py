from django.apps import AppConfig


class DedupeConfig(AppConfig):
    name = "comptoir.dedupe"
