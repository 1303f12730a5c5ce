"""Read the enabled mailboxes now (what the periodic task does every minute)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import ngettext

from comptoir.inbox.models import Mailbox
from comptoir.inbox.services import mailbox_poll


class Command(BaseCommand):
    help = "Relève les boîtes de réception activées (IMAP) et traite les nouveaux e-mails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Identifiant (slug) d'un seul espace.")

    def handle(self, *args: Any, **options: Any) -> None:
        mailboxes = (
            Mailbox.objects.filter(enabled=True).exclude(host="").select_related("workspace")
        )
        if options.get("workspace"):
            mailboxes = mailboxes.filter(workspace__slug=options["workspace"])
        failed = 0
        for mailbox in mailboxes.order_by("pk"):
            result = mailbox_poll(mailbox=mailbox)
            label = f"{mailbox.workspace.slug} ({mailbox})"
            if result.skipped:
                self.stdout.write(f"{label} : relevé déjà en cours, ignoré.")
            elif result.error:
                failed += 1
                self.stderr.write(f"{label} : {result.error}")
            else:
                received = ngettext(
                    "{count} nouvel e-mail", "{count} nouveaux e-mails", result.received
                ).format(count=result.received)
                duplicates = ngettext(
                    "{count} déjà reçu", "{count} déjà reçus", result.duplicates
                ).format(count=result.duplicates)
                self.stdout.write(f"{label} : {received}, {duplicates}.")
        if failed:
            raise SystemExit(1)
