"""What happens after a booking, a move or a cancellation is committed."""

from __future__ import annotations

from typing import Any


def visit_event(visit_id: int, event: str, **extra: Any) -> None:
    """Tell the customer (confirmation e-mail with .ics, SMS) and refresh live views."""
