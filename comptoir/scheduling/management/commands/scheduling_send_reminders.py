"""``manage.py scheduling_send_reminders``: send the reminders that are due now.

The worker (``manage.py run_huey``, started by ``make run``) does it every minute; this
command is for a system cron when the worker is not used, or to catch up by hand.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from comptoir.scheduling.notify import reminders_send_due


class Command(BaseCommand):
    help = "Envoie les rappels de rendez-vous (la veille, le jour même) dont l'heure est venue."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reminders_send_due()
        self.stdout.write(
            ngettext("{count} rappel envoyé.", "{count} rappels envoyés.", sent).format(count=sent)
        )
