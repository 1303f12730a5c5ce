from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "comptoir.imports"
