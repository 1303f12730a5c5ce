"""Search a workspace for duplicates: ``manage.py dedupe_scan duret [--kind person]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.accounts.models import Workspace
from comptoir.dedupe.models import ScanJob
from comptoir.dedupe.services import scan_run


class Command(BaseCommand):
    help = "Recherche les doublons d'un espace (personnes et sociétés) et remplit la file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", help="identifiant (slug) de l'espace")
        parser.add_argument("--kind", choices=["person", "company"], default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = Workspace.objects.get(slug=options["workspace"])
        except Workspace.DoesNotExist as exc:
            raise CommandError(f"Espace inconnu : {options['workspace']}") from exc
        job = ScanJob.objects.create(workspace=workspace, kind=options["kind"])
        job = scan_run(job_id=job.pk)
        report = job.report
        for kind in ("person", "company"):
            if kind in report:
                self.stdout.write(
                    f"{kind}: {report[kind]} paires trouvées, {report[f'{kind}_new']} nouvelles"
                )
