"""`manage.py contacts_geocode`: give coordinates to the sites that have none yet."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from comptoir.accounts.models import Workspace
from comptoir.contacts.services import sites_geocode_missing


class Command(BaseCommand):
    help = (
        "Renseigne la latitude et la longitude des sites qui n'en ont pas, d'après leur "
        "adresse (géocodeur COMPTOIR_GEOCODER). Peut être relancée sans risque."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Identifiant (slug) d'un seul espace de travail.")
        parser.add_argument("--batch-size", type=int, default=500, help="Sites par lot.")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = None
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["workspace"]).first()
            if workspace is None:
                raise CommandError(f"Espace de travail inconnu : {options['workspace']}")
        if options["batch_size"] < 1:
            raise CommandError("La taille de lot doit être d'au moins 1.")
        placed, unknown = sites_geocode_missing(
            workspace=workspace, batch_size=options["batch_size"]
        )
        sites = ngettext("{count} site localisé", "{count} sites localisés", placed)
        addresses = ngettext(
            "{count} adresse introuvable", "{count} adresses introuvables", unknown
        )
        self.stdout.write(f"{sites.format(count=placed)}, {addresses.format(count=unknown)}.")
