"""Warnings before a due time passes: once per due time, to the assignee and the team."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from comptoir.live.models import LiveEvent
from comptoir.tickets.models import Status, Ticket
from comptoir.tickets.services import ticket_reply, ticket_set_status, tickets_warn_due
from comptoir.tickets.tasks import tickets_warn_due_task
from comptoir.tickets.tests.factories import open_ticket

PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def test_the_assignee_is_warned_once_before_the_first_response_is_due(
    agent, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        ticket = open_ticket(by=agent, priority=2, assignee=agent)  # answer before 13:00
    with time_machine.travel(at(2026, 3, 10, 12, 0), tick=False):
        assert tickets_warn_due() == 0  # an hour left: not yet
    with time_machine.travel(at(2026, 3, 10, 12, 31), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tickets_warn_due_task.call_local() == 1
        assert tickets_warn_due() == 0  # already warned
    ticket.refresh_from_db()
    assert ticket.response_warned_at == at(2026, 3, 10, 12, 31)
    events = LiveEvent.objects.filter(kind="ticket", payload__change="warning")
    assert {e.topic for e in events} == {
        f"user:{agent.pk}",
        f"workspace:{agent.workspace_id}:tickets",
    }
    assert events.first().payload["due"] == "response"


def test_short_targets_are_warned_at_a_fifth_of_the_target(agent):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        open_ticket(by=agent, priority=1)  # first response in 60 min → warned 12 min before
    with time_machine.travel(at(2026, 3, 10, 9, 40), tick=False):
        assert tickets_warn_due() == 0
    with time_machine.travel(at(2026, 3, 10, 9, 48), tick=False):
        assert tickets_warn_due() == 1


def test_paused_answered_and_resolved_tickets_are_not_warned(agent):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        waiting = open_ticket(by=agent, priority=1)
        ticket_set_status(ticket=waiting, status=Status.WAITING, by=agent)
        answered = open_ticket(by=agent, priority=1)
        ticket_reply(ticket=answered, by=agent, body="Vu.", via="phone")
        resolved = open_ticket(by=agent, priority=1)
        ticket_set_status(ticket=resolved, status=Status.RESOLVED, by=agent)
    with time_machine.travel(at(2026, 3, 10, 9, 55), tick=False):
        assert tickets_warn_due() == 0
    with time_machine.travel(at(2026, 3, 10, 12, 50), tick=False):
        # The answered one is now close to its resolution due time (13:00).
        assert tickets_warn_due() == 1
    assert Ticket.objects.get(pk=answered.pk).resolution_warned_at is not None
