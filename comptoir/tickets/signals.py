"""Domain signals sent by tickets (receivers live in higher apps)."""

from django.dispatch import Signal

# Sent after commit when a ticket changes status; kwargs: ticket, before (old status), by.
# Higher apps (satisfaction surveys, the portal) react without tickets knowing them.
ticket_status_changed = Signal()
