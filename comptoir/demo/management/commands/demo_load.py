"""``manage.py demo_load``: create the « Duret Électricité » demo workspace if it is absent."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from comptoir.demo.loader import demo_load


class Command(BaseCommand):
    help = "Crée l'espace de démonstration « Duret Électricité » s'il n'existe pas encore."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime l'espace de démonstration existant et le recrée.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        created = demo_load(log=self.stdout.write, reset=options["reset"])
        if created:
            self.stdout.write(f"Terminé en {time.perf_counter() - started:.1f} s.")
