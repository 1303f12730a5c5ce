"""`manage.py ops_rotate_field_keys`: encrypt stored values again with the first field key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from comptoir.lib.crypto import DecryptionError, rewrite_encrypted_values


class Command(BaseCommand):
    help = (
        "Chiffre de nouveau les valeurs chiffrées (mot de passe IMAP…) avec la première clé de "
        "COMPTOIR_FIELD_KEYS ; les clés suivantes peuvent ensuite être retirées."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = rewrite_encrypted_values()
        except DecryptionError as exc:
            raise CommandError(str(exc)) from None
        text = ngettext(
            "{count} valeur chiffrée de nouveau avec la première clé.",
            "{count} valeurs chiffrées de nouveau avec la première clé.",
            count,
        )
        self.stdout.write(text.format(count=count))
