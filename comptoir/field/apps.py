from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "comptoir.field"
