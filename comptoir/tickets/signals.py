"""Domain signals sent by tickets (receivers live in higher apps)."""

from django.dispatch import Signal

# Sent after commit when a ticket changes status; kwargs: ticket, before (old status), by.
# Higher apps (satisfaction surveys, the portal) react without tickets knowing them.
ticket_status_changed = Signal()

# Sent inside ticket_reply before an e-mail reply is queued; kwargs: ticket. Receivers return a
# dict of extra e-mail headers (Message-ID, In-Reply-To, References, Reply-To) so that the
# customer's answer comes back onto the same ticket.
ticket_reply_headers = Signal()

# Sent inside ticket_open's transaction; kwargs: ticket, by, origin (an opaque "<kind>:<id>" the
# form carried, e.g. "call:42" when the ticket was opened from a call's card). The app that
# knows the kind links its row to the ticket; tickets never reads it.
ticket_opened = Signal()
