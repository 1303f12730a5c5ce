"""Factories of tickets: through the service, so numbers, due times and timeline are real."""

from __future__ import annotations

from typing import Any

from comptoir.contacts.tests.factories import PersonFactory
from comptoir.tickets.models import Ticket
from comptoir.tickets.services import ticket_open


def open_ticket(*, by: Any, **fields: Any) -> Ticket:
    fields.setdefault("subject", "Disjoncteur qui saute")
    if "person" not in fields and "company" not in fields:
        fields["person"] = PersonFactory(workspace=by.workspace, last_name="Dupont")
    return ticket_open(by=by, **fields)
