"""Factories of calls: a finished call as the PBX would leave it, or one shaped at will."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from comptoir.calls.models import Call, CallStatus, Direction
from comptoir.calls.services import call_event_receive


class CallFactory(factory.django.DjangoModelFactory):
    """A call row as stored, without its interaction or call-back task."""

    class Meta:
        model = Call

    workspace = factory.SelfAttribute("agent.workspace")
    call_id = factory.Sequence(lambda n: f"pbx-{n}")
    direction = Direction.IN
    from_number = "06 12 34 56 78"
    from_e164 = "+33612345678"
    to_number = "04 50 00 00 00"
    to_e164 = "+33450000000"
    status = CallStatus.ENDED
    started_at = factory.LazyFunction(timezone.now)
    duration = 192


def receive_call(
    *,
    by: Any,
    agent: Any,
    call_id: str,
    number: str = "06 12 34 56 78",
    missed: bool = False,
    direction: str = Direction.IN,
    at: dt.datetime | None = None,
    duration: int = 192,
) -> Call:
    """A whole call through the webhook service: its "Appel" interaction, its call-back task."""
    numbers = (
        {"from_number": number, "to_number": "04 50 00 00 00"}
        if direction == Direction.IN
        else {"from_number": "04 50 00 00 00", "to_number": number}
    )
    receipt = call_event_receive(
        by=by,
        event="missed" if missed else "ended",
        call_id=call_id,
        agent=agent.email,
        direction=direction,
        at=at,
        duration=None if missed else duration,
        **numbers,
    )
    return receipt.call
