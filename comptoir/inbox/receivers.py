"""Threading headers on replies sent from a ticket."""

from typing import Any

from django.dispatch import receiver

from comptoir.inbox.services import reply_headers_for
from comptoir.tickets.signals import ticket_reply_headers


@receiver(ticket_reply_headers)
def thread_headers(sender: Any, ticket: Any, **kwargs: Any) -> dict[str, str]:
    return reply_headers_for(ticket)
