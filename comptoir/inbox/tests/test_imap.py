"""IMAP polling against a real Dovecot: new messages read once, flagged \\Seen, errors recorded."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from comptoir.inbox.models import InboundMessage, Outcome, Security, Source
from comptoir.inbox.services import (
    mailbox_for,
    mailbox_poll,
    mailbox_test_connection,
    mailboxes_poll,
)
from comptoir.inbox.tests.mails import build
from comptoir.tickets.models import MessageKind
from comptoir.tickets.tests.factories import open_ticket


@pytest.fixture
def mailbox(workspace, agent, imap_server):
    box = mailbox_for(workspace)
    box.address = "support@duret.example"
    box.host = imap_server.host
    box.port = imap_server.port
    box.security = Security.NONE
    box.username = imap_server.username
    box.password = imap_server.password
    box.owner = agent
    box.enabled = True
    box.save()
    return box


def test_new_messages_are_processed_once_and_flagged_seen(workspace, agent, mailbox, imap_server):
    ticket = open_ticket(by=agent)
    uid_1 = imap_server.deliver(build(subject=f"[{ticket.reference}] suite", body="Premier"))
    uid_2 = imap_server.deliver(build(sender="inconnu@example.org", subject="Bonjour"))

    result = mailbox_poll(mailbox=mailbox)

    assert result.error == ""
    assert result.received == 2
    mailbox.refresh_from_db()
    assert mailbox.last_uid == uid_2
    assert mailbox.uidvalidity
    assert mailbox.last_polled_at is not None
    assert mailbox.last_error == ""
    assert b"\\Seen" in imap_server.flags(uid_1)
    assert b"\\Seen" in imap_server.flags(uid_2)
    outcomes = set(
        InboundMessage.objects.filter(workspace=workspace, source=Source.IMAP).values_list(
            "outcome", flat=True
        )
    )
    assert outcomes == {Outcome.TICKET_MESSAGE, Outcome.UNKNOWN_SENDER}
    assert ticket.messages.get(kind=MessageKind.INCOMING).body == "Premier"

    # Nothing new: nothing read again.
    again = mailbox_poll(mailbox=mailbox)
    assert (again.received, again.duplicates, again.error) == (0, 0, "")

    # One more: only that one is read, and last_uid moves on.
    uid_3 = imap_server.deliver(build(subject=f"[{ticket.reference}] encore", body="Second"))
    third = mailbox_poll(mailbox=mailbox)
    assert third.received == 1
    mailbox.refresh_from_db()
    assert mailbox.last_uid == uid_3
    assert ticket.messages.filter(kind=MessageKind.INCOMING).count() == 2


def test_a_message_already_received_by_the_api_is_not_added_twice(
    workspace, agent, mailbox, imap_server, client
):
    ticket = open_ticket(by=agent)
    raw = build(subject=f"[{ticket.reference}] deux chemins", message_id="<both@example.fr>")
    from comptoir.inbox.services import mail_receive

    mail_receive(workspace=workspace, raw=raw, source=Source.API)
    uid = imap_server.deliver(raw)

    result = mailbox_poll(mailbox=mailbox)

    assert (result.received, result.duplicates) == (0, 1)
    assert ticket.messages.filter(kind=MessageKind.INCOMING).count() == 1
    assert b"\\Seen" in imap_server.flags(uid)


def test_malformed_message_in_the_mailbox_is_kept_and_polling_goes_on(
    workspace, agent, mailbox, imap_server
):
    imap_server.deliver(b"Subject: sans expediteur\r\n\r\nrien\r\n")
    imap_server.deliver(build(sender="inconnu@example.org"))

    result = mailbox_poll(mailbox=mailbox)

    assert result.received == 2 and result.error == ""
    rejected = InboundMessage.objects.get(workspace=workspace, outcome=Outcome.REJECTED)
    assert "Expéditeur absent" in rejected.reason


def test_wrong_password_is_recorded_on_the_mailbox(workspace, mailbox, imap_server):
    imap_server.deliver(build())
    mailbox.password = "faux"
    mailbox.save()

    result = mailbox_poll(mailbox=mailbox)

    mailbox.refresh_from_db()
    assert "mot de passe refusé" in result.error
    assert mailbox.last_error == result.error
    assert mailbox.last_polled_at is not None
    assert mailbox.last_uid == 0
    assert not InboundMessage.objects.exists()


def test_connection_error_is_recorded_without_crashing(workspace, mailbox, imap_server):
    mailbox.port = imap_server.port + 1 if imap_server.port < 65535 else imap_server.port - 1
    mailbox.save()
    # Make sure nothing listens there.
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", mailbox.port)) == 0:
            pytest.skip("port voisin occupé")

    assert mailboxes_poll() == 1

    mailbox.refresh_from_db()
    assert "Connexion refusée" in mailbox.last_error
    assert mailbox.polling_until is None  # the next poll may run


def test_a_mailbox_being_polled_is_not_polled_twice(workspace, mailbox, imap_server):
    from django.utils import timezone

    type(mailbox).objects.filter(pk=mailbox.pk).update(
        polling_until=timezone.now() + timezone.timedelta(minutes=1)
    )
    imap_server.deliver(build(sender="x@example.org"))

    assert mailbox_poll(mailbox=mailbox).skipped
    assert not InboundMessage.objects.exists()


def test_missing_folder_is_reported(workspace, mailbox, imap_server):
    mailbox.folder = "Inexistant"
    mailbox.save()

    result = mailbox_poll(mailbox=mailbox)

    assert result.error
    mailbox.refresh_from_db()
    assert mailbox.last_error


def test_test_connection_says_in_french_how_it_went(mailbox, imap_server):
    imap_server.deliver(build())

    ok, text = mailbox_test_connection(mailbox=mailbox)
    assert ok
    assert text == "Connexion réussie : 1 message dans « INBOX »."

    imap_server.deliver(build(sender="y@example.org"))
    ok, text = mailbox_test_connection(mailbox=mailbox)
    assert text == "Connexion réussie : 2 messages dans « INBOX »."

    mailbox.password = "faux"
    ok, text = mailbox_test_connection(mailbox=mailbox)
    assert not ok
    assert text == "Identifiant ou mot de passe refusé par le serveur IMAP."


def test_inbox_poll_command_reads_the_enabled_mailboxes(workspace, mailbox, imap_server, capsys):
    imap_server.deliver(build(sender="x@example.org"))

    call_command("inbox_poll")

    assert "1 nouvel e-mail, 0 déjà reçus." in capsys.readouterr().out
    assert InboundMessage.objects.filter(workspace=workspace).count() == 1


def test_poll_now_counts_the_new_emails_in_words(client, manager, mailbox, imap_server):
    client.force_login(manager)
    imap_server.deliver(build(sender="x@example.org"))
    page = client.post(reverse("inbox:poll"), follow=True).content.decode()
    assert "Relevé terminé : 1 nouvel e-mail." in page

    imap_server.deliver(build(sender="y@example.org", subject="Un"))
    imap_server.deliver(build(sender="z@example.org", subject="Deux"))
    page = client.post(reverse("inbox:poll"), follow=True).content.decode()
    assert "Relevé terminé : 2 nouveaux e-mails." in page
