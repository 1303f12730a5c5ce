"""`manage.py ops_optimize`: refresh the planner statistics now (run after migrate and imports)."""

from typing import Any

from django.core.management.base import BaseCommand

from comptoir.ops.services import database_optimize


class Command(BaseCommand):
    help = "Met à jour les statistiques du planificateur de requêtes."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(database_optimize())
