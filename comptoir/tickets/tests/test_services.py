"""Opening, numbering, transitions, SLA pauses, replies, audit and the customer's timeline."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import State as InteractionState
from comptoir.audit.models import AuditEntry
from comptoir.contacts.tests.factories import PersonFactory
from comptoir.messaging.models import Message, MessageTemplate
from comptoir.tickets.models import (
    BusinessHours,
    SlaPolicy,
    Status,
    Ticket,
    TicketCategory,
    TicketMessage,
)
from comptoir.tickets.services import (
    business_hours_update,
    sla_policies_update,
    ticket_message_receive,
    ticket_note,
    ticket_open,
    ticket_reply,
    ticket_set_status,
    ticket_update,
)
from comptoir.tickets.tests.factories import open_ticket

PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def email_for(person, address="m.dupont@example.fr"):
    from comptoir.contacts.models import ContactPoint

    return ContactPoint.objects.create(
        workspace=person.workspace, person=person, kind="email", value=address, normalized=address
    )


def test_a_new_workspace_gets_categories_sla_targets_and_hours(workspace):
    assert list(
        TicketCategory.objects.filter(workspace=workspace).values_list("name", flat=True)
    ) == [
        "Panne",
        "Devis",
        "Réclamation",
        "Information",
        "Entretien",
        "Autre",
    ]
    p1 = SlaPolicy.objects.get(workspace=workspace, priority=1)
    assert (p1.first_response_minutes, p1.resolution_minutes) == (60, 240)
    assert BusinessHours.objects.filter(workspace=workspace, is_open=True).count() == 5


def test_references_are_gap_free_per_workspace_and_year(agent, outsider):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        first = open_ticket(by=agent)
        second = open_ticket(by=agent)
        theirs = open_ticket(by=outsider)
    with time_machine.travel(at(2027, 1, 4, 9, 0), tick=False):
        next_year = open_ticket(by=agent)
    assert [first.reference, second.reference] == ["T-2026-0001", "T-2026-0002"]
    assert theirs.reference == "T-2026-0001"
    assert next_year.reference == "T-2027-0001"


def test_refused_opening_changes_nothing_and_speaks_french(agent):
    with pytest.raises(ValidationError) as error:
        ticket_open(by=agent, subject="  ")
    assert "Indiquez l'objet de la demande." in error.value.messages
    assert "Choisissez le client (personne ou société)." in error.value.messages
    assert not Ticket.objects.exists()


def test_read_only_users_cannot_open(workspace):
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    with pytest.raises(PermissionDenied):
        open_ticket(by=reader)


def test_another_workspaces_customer_is_refused(agent, outsider):
    stranger = PersonFactory(workspace=outsider.workspace)
    with pytest.raises(ValidationError):
        ticket_open(by=agent, subject="Panne", person=stranger)


def test_p1_opened_friday_1730_is_due_monday_and_shows_on_the_timeline(agent):
    with time_machine.travel(at(2026, 3, 13, 17, 30), tick=False):
        ticket = open_ticket(by=agent, priority=1, subject="Odeur de brûlé au tableau")
    assert ticket.first_response_due_at == at(2026, 3, 16, 8, 30)
    assert ticket.resolution_due_at == at(2026, 3, 16, 11, 30)
    interaction = ticket.interaction
    assert interaction.process.code == "support"
    assert interaction.subject == "T-2026-0001 · Odeur de brûlé au tableau"
    assert interaction.person == ticket.person
    assert interaction.deadline == ticket.resolution_due_at
    assert AuditEntry.objects.filter(
        object_id=ticket.pk, content_type__model="ticket", action="create"
    ).exists()


def test_priority_change_recomputes_the_due_times(agent):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        ticket = open_ticket(by=agent, priority=4)
        assert ticket.resolution_due_at == at(2026, 3, 24, 9, 0)  # 10 business days
        ticket = ticket_update(ticket=ticket, by=agent, priority=1)
    assert ticket.first_response_due_at == at(2026, 3, 10, 10, 0)
    assert ticket.resolution_due_at == at(2026, 3, 10, 13, 0)
    entry = AuditEntry.objects.filter(
        object_id=ticket.pk, content_type__model="ticket", action="update"
    ).latest("id")
    assert "priority" in entry.changes


def test_waiting_for_the_customer_stops_the_clock(agent):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):  # Monday
        ticket = open_ticket(by=agent, priority=3)
    assert ticket.resolution_due_at == at(2026, 3, 12, 9, 0)
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        ticket = ticket_set_status(ticket=ticket, status=Status.WAITING, by=agent)
    assert ticket.is_paused and not ticket.is_overdue(at(2026, 3, 20, 9, 0))
    # A whole business day (10 h) of waiting pushes the due time back by a day.
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        ticket = ticket_set_status(ticket=ticket, status=Status.IN_PROGRESS, by=agent)
    assert ticket.paused_minutes == 600
    assert ticket.resolution_due_at == at(2026, 3, 13, 9, 0)


def test_a_customer_message_restarts_a_waiting_ticket(agent):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        ticket = open_ticket(by=agent)
        ticket = ticket_set_status(ticket=ticket, status=Status.WAITING, by=agent)
    with time_machine.travel(at(2026, 3, 9, 11, 0), tick=False):
        ticket_message_receive(
            ticket=ticket, body="Voici la photo du tableau.", person=ticket.person
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.paused_minutes == 120


def test_transitions_follow_the_workflow(agent):
    ticket = open_ticket(by=agent)
    with pytest.raises(ValidationError) as error:
        ticket_set_status(ticket=ticket, status=Status.CLOSED, by=agent)
    assert "ne peut pas passer à « Clos »" in error.value.messages[0]
    ticket = ticket_set_status(ticket=ticket, status=Status.RESOLVED, by=agent)
    assert ticket.resolved_at is not None
    ticket.interaction.refresh_from_db()
    assert ticket.interaction.state == InteractionState.DONE
    ticket = ticket_set_status(ticket=ticket, status=Status.IN_PROGRESS, by=agent)  # reopened
    assert ticket.resolved_at is None
    ticket.interaction.refresh_from_db()
    assert ticket.interaction.state == InteractionState.IN_PROGRESS
    ticket = ticket_set_status(ticket=ticket, status=Status.RESOLVED, by=agent)
    ticket = ticket_set_status(ticket=ticket, status=Status.CLOSED, by=agent)
    assert ticket.closed_at is not None
    with pytest.raises(ValidationError):
        ticket_set_status(ticket=ticket, status=Status.IN_PROGRESS, by=agent)
    notes = list(ticket.interaction.notes.values_list("body", flat=True))
    assert any("Nouveau → Résolu" in n for n in notes)


def test_a_reply_is_emailed_and_counts_as_first_response(
    agent, django_capture_on_commit_callbacks, mailoutbox
):
    ticket = open_ticket(by=agent)
    email_for(ticket.person)
    with django_capture_on_commit_callbacks(execute=True):
        message = ticket_reply(ticket=ticket, by=agent, body="Notre technicien passe demain.")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == Status.IN_PROGRESS
    assert message.sent_to == "m.dupont@example.fr"
    assert Message.objects.get(pk=message.outbox_message_id).status == "sent"
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.subject == f"[{ticket.reference}] Disjoncteur qui saute"
    assert "Notre technicien passe demain." in sent.body
    assert "Bonjour M. Pierre Dupont" in sent.body
    assert (
        MessageTemplate.objects.filter(workspace=agent.workspace, code="ticket_reply").count() == 2
    )
    assert Message.objects.get().interaction == ticket.interaction


def test_a_reply_without_any_address_is_refused_unless_given_by_phone(agent):
    ticket = open_ticket(by=agent)
    with pytest.raises(ValidationError) as error:
        ticket_reply(ticket=ticket, by=agent, body="Bonjour")
    assert "Aucune adresse e-mail ni aucun mobile" in error.value.messages[0]
    assert not TicketMessage.objects.exists()
    message = ticket_reply(ticket=ticket, by=agent, body="Rappelé, RDV fixé.", via="phone")
    assert message.sent_via == "phone" and not Message.objects.exists()


def test_an_internal_note_is_never_sent(agent, mailoutbox):
    ticket = open_ticket(by=agent)
    email_for(ticket.person)
    note = ticket_note(ticket=ticket, by=agent, body="Client difficile, prévoir 2 techniciens.")
    ticket.refresh_from_db()
    assert note.kind == "note" and ticket.first_response_at is None
    assert not Message.objects.exists() and not mailoutbox
    # The customer's timeline keeps it, on the ticket's interaction.
    assert ticket.interaction.notes.filter(body=note.body, author=agent).exists()


def test_managers_edit_targets_and_hours_agents_cannot(agent, manager):
    with pytest.raises(PermissionDenied):
        sla_policies_update(by=agent, targets={1: (30, 120)})
    assert sla_policies_update(by=manager, targets={1: (30, 120)}) == 1
    with pytest.raises(ValidationError):
        sla_policies_update(by=manager, targets={2: (600, 60)})
    with pytest.raises(ValidationError):
        business_hours_update(by=manager, days={d: (False, None, None) for d in range(7)})
    saturday = {5: (True, dt.time(9), dt.time(12))}
    assert business_hours_update(by=manager, days=saturday) == 1
    with time_machine.travel(at(2026, 3, 13, 17, 30), tick=False):
        ticket = open_ticket(by=agent, priority=1)
    assert ticket.resolution_due_at == at(2026, 3, 14, 10, 30)


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_get_distinct_gap_free_numbers(workspace):
    agent = UserFactory(workspace=workspace)
    person = PersonFactory(workspace=workspace)
    references: list[str] = []
    errors: list[BaseException] = []

    def worker():
        try:
            for _ in range(3):
                references.append(ticket_open(by=agent, subject="Panne", person=person).reference)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    year = dt.datetime.now(PARIS).year
    assert sorted(references) == [f"T-{year}-{n:04d}" for n in range(1, 13)]
