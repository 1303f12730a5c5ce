"""Replies leave with threading headers; the customer's answer comes back onto the same ticket."""

from __future__ import annotations

import pytest

from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import PersonFactory
from comptoir.inbox.models import Security, ThreadReference
from comptoir.inbox.services import mail_receive, mailbox_for, mailbox_poll
from comptoir.inbox.tests.mails import build
from comptoir.messaging.models import Message
from comptoir.tickets.models import MessageKind
from comptoir.tickets.services import ticket_reply
from comptoir.tickets.tests.factories import open_ticket


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(workspace=workspace, first_name="Jean", last_name="Dupont")
    ContactPoint.objects.create(
        workspace=workspace,
        person=person,
        kind="email",
        value="jean.dupont@example.fr",
        normalized="jean.dupont@example.fr",
    )
    return person


def _reply(ticket, agent, body, capture):
    with capture(execute=True):
        return ticket_reply(ticket=ticket, by=agent, body=body, via="email")


def test_reply_sent_by_smtp_and_answer_read_by_imap_land_on_the_same_ticket(
    workspace, agent, dupont, smtp_server, imap_server, django_capture_on_commit_callbacks
):
    mailbox = mailbox_for(workspace)
    mailbox.address = "support@duret.example"
    mailbox.host, mailbox.port, mailbox.security = imap_server.host, imap_server.port, "none"
    mailbox.username, mailbox.password = imap_server.username, imap_server.password
    mailbox.owner, mailbox.enabled = agent, True
    mailbox.security = Security.NONE
    mailbox.save()
    ticket = open_ticket(by=agent, person=dupont, subject="Disjoncteur qui saute")

    _reply(ticket, agent, "Nous passons mardi à 9 h.", django_capture_on_commit_callbacks)

    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    assert sent["To"] == "jean.dupont@example.fr"
    assert f"[{ticket.reference}]" in sent["Subject"]
    assert sent["Reply-To"] == f"support+{ticket.reference}@duret.example"
    sent_id = sent["Message-ID"]
    assert sent_id.startswith(f"<{ticket.reference}.") and sent_id.endswith("@duret.example>")
    assert sent["In-Reply-To"] is None  # first message of the thread

    # The customer answers from their mail program: no reference in the subject, sent to the
    # plain address; only In-Reply-To/References tie it to the reply.
    answer = build(
        sender="Jean Dupont <jean.dupont@example.fr>",
        to="support@duret.example",
        subject="Re: votre message",
        body="Mardi me va, merci.\n\n> Nous passons mardi à 9 h.",
        message_id="<answer-1@example.fr>",
        in_reply_to=sent_id,
        references=sent_id,
    )
    imap_server.deliver(answer)
    assert mailbox_poll(mailbox=mailbox).received == 1

    incoming = ticket.messages.get(kind=MessageKind.INCOMING)
    assert incoming.body == "Mardi me va, merci."
    assert incoming.author_person == dupont

    # The next reply answers the customer's e-mail and carries the whole thread.
    _reply(ticket, agent, "Parfait, à mardi.", django_capture_on_commit_callbacks)
    second = smtp_server.messages[1]
    assert second["In-Reply-To"] == "<answer-1@example.fr>"
    assert second["References"].split() == [sent_id, "<answer-1@example.fr>"]
    assert second["Message-ID"] != sent_id


def test_reply_headers_are_stored_on_the_outbox_message(
    workspace, agent, dupont, django_capture_on_commit_callbacks, mailoutbox
):
    mailbox = mailbox_for(workspace)
    mailbox.address = "support@duret.example"
    mailbox.save()
    ticket = open_ticket(by=agent, person=dupont)

    reply = _reply(ticket, agent, "Bonjour", django_capture_on_commit_callbacks)

    outbox: Message = reply.outbox_message
    assert outbox.headers["Reply-To"] == f"support+{ticket.reference}@duret.example"
    assert ThreadReference.objects.get(ticket=ticket).message_id == outbox.headers["Message-ID"]
    assert mailoutbox[0].extra_headers["Message-ID"] == outbox.headers["Message-ID"]
    assert mailoutbox[0].reply_to == [f"support+{ticket.reference}@duret.example"]


def test_without_inbound_address_the_reply_still_has_a_message_id(
    workspace, agent, dupont, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.COMPTOIR_INBOUND_DOMAIN = ""
    ticket = open_ticket(by=agent, person=dupont)

    reply = _reply(ticket, agent, "Bonjour", django_capture_on_commit_callbacks)

    assert "Reply-To" not in reply.outbox_message.headers
    assert mailoutbox[0].reply_to == []
    # An answer quoting it still finds the ticket.
    answer = build(in_reply_to=reply.outbox_message.headers["Message-ID"], subject="Re: x")
    inbound = mail_receive(workspace=workspace, raw=answer, source="api").inbound
    assert inbound.ticket == ticket


def test_inbound_domain_gives_an_address_when_the_mailbox_has_none(
    workspace, agent, dupont, django_capture_on_commit_callbacks, settings
):
    settings.COMPTOIR_INBOUND_DOMAIN = "mail.comptoir.example"
    ticket = open_ticket(by=agent, person=dupont)

    reply = _reply(ticket, agent, "Bonjour", django_capture_on_commit_callbacks)

    expected = f"{workspace.slug}+{ticket.reference}@mail.comptoir.example"
    assert reply.outbox_message.headers["Reply-To"] == expected
