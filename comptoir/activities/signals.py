"""Domain signals sent by activities (receivers live in higher apps)."""

from django.dispatch import Signal

# Sent inside the transaction of every interaction change, just before it is saved, with
# kwargs ``interaction`` (the new values), ``before`` (a snapshot of the old ones) and ``by``.
# A receiver may raise ValidationError to refuse the change: scheduling refuses moving a
# technician's visit onto another booking, outside working hours or into an absence, and
# keeps its own rows (visit times, reminders) in step.
interaction_changing = Signal()
