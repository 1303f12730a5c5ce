"""Calls whose end never came are closed; concurrent replays of one event count once."""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction
from comptoir.calls.models import Call, CallEvent, CallStatus
from comptoir.calls.services import call_event_receive, calls_close_stale


def test_a_call_left_ringing_for_hours_is_closed_as_missed_with_a_callback(agent, workspace):
    standard = UserFactory(workspace=workspace)
    started = timezone.now() - dt.timedelta(hours=5)
    call_event_receive(
        by=standard,
        event="ringing",
        call_id="lost",
        from_number="0478123456",
        agent=agent.email,
        at=started,
    )
    call_event_receive(
        by=standard, event="ringing", call_id="fresh", from_number="0478123457", agent=agent.email
    )

    assert calls_close_stale() == 1

    lost = Call.objects.get(call_id="lost")
    assert lost.status == CallStatus.MISSED
    assert Interaction.objects.get(pk=lost.callback_task_id).owner == agent
    assert Call.objects.get(call_id="fresh").status == CallStatus.RINGING
    assert calls_close_stale() == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_twice_at_once_counts_once(workspace, agent):
    standard = UserFactory(workspace=workspace)
    barrier = threading.Barrier(2)
    errors = []

    def deliver():
        try:
            barrier.wait()
            call_event_receive(
                by=standard,
                event="missed",
                call_id="twice",
                from_number="0478123456",
                agent=agent.email,
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Call.objects.count() == 1
    assert CallEvent.objects.count() == 1
    assert Interaction.objects.filter(process__code="appel").count() == 2  # call + call-back
