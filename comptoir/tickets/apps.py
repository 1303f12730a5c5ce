from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "comptoir.tickets"
