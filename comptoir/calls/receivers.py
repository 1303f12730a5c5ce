"""A ticket opened from a call's card is linked to that call."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from comptoir.calls.models import Call
from comptoir.tickets.signals import ticket_opened


@receiver(ticket_opened)
def link_call(sender: Any, ticket: Any, origin: str, **kwargs: Any) -> None:
    kind, _sep, pk = origin.partition(":")
    if kind != "call" or not pk.isdigit():
        return
    # Only a call of the ticket's workspace, not yet linked to another ticket.
    Call.objects.filter(pk=int(pk), workspace_id=ticket.workspace_id, ticket__isnull=True).update(
        ticket=ticket
    )
