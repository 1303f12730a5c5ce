"""Domain signals sent by accounts (receivers live in higher apps)."""

from django.dispatch import Signal

# Sent inside the transaction that creates a workspace; kwargs: workspace.
# Apps seed their reference lists so a new workspace is usable at once.
workspace_created = Signal()

# Sent inside the transaction that changes a user's settings; kwargs: user, by (who changed
# them), changes ({field: [before, after]} as displayed). Receivers record the audit trail.
user_updated = Signal()
