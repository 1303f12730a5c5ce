"""mail_receive: every e-mail is kept, routed once, onto the right ticket or timeline."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from comptoir.activities.models import Interaction, State
from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory
from comptoir.inbox.models import InboundAttachment, InboundMessage, Outcome, Source
from comptoir.inbox.services import mail_receive, mailbox_for
from comptoir.inbox.tests.mails import PDF, PNG, build
from comptoir.tickets.models import MessageKind, Status, Ticket, TicketAttachment, TicketMessage
from comptoir.tickets.services import ticket_update
from comptoir.tickets.tests.factories import open_ticket


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(workspace=workspace, first_name="Jean", last_name="Dupont")
    ContactPoint.objects.create(
        workspace=workspace,
        person=person,
        kind="email",
        value="Jean.Dupont@Example.fr",
        normalized="jean.dupont@example.fr",
    )
    return person


@pytest.fixture
def mailbox(workspace, agent):
    box = mailbox_for(workspace)
    box.address = "support@duret.example"
    box.owner = agent
    box.save()
    return box


def receive(workspace, raw, source=Source.IMAP):
    return mail_receive(workspace=workspace, raw=raw, source=source)


def test_reference_in_subject_adds_a_customer_message_to_the_ticket(
    workspace, agent, mailbox, dupont
):
    ticket = open_ticket(by=agent, person=dupont)
    raw = build(subject=f"RE: [{ticket.reference}] Disjoncteur qui saute", body="Ça recommence.")

    receipt = receive(workspace, raw)

    assert not receipt.duplicate
    inbound = receipt.inbound
    assert inbound.outcome == Outcome.TICKET_MESSAGE
    assert inbound.ticket == ticket
    message = TicketMessage.objects.get(ticket=ticket, kind=MessageKind.INCOMING)
    assert message.body == "Ça recommence."
    assert message.author_person == dupont
    assert "jean.dupont@example.fr" in message.author_name
    assert inbound.raw.read() == raw
    # It is on his timeline too, as an e-mail received about that ticket.
    entry = inbound.interaction
    assert entry.person == dupont and entry.state == State.DONE
    assert entry.subject.startswith(f"E-mail reçu ({ticket.reference})")
    assert "Ça recommence." in entry.outcome


def test_plus_address_names_the_ticket_without_reference_in_subject(workspace, agent, mailbox):
    ticket = open_ticket(by=agent)
    raw = build(to=f"support+{ticket.reference}@duret.example", subject="Merci")

    inbound = receive(workspace, raw).inbound

    assert inbound.outcome == Outcome.TICKET_MESSAGE
    assert inbound.ticket == ticket


def test_answer_to_an_earlier_customer_message_lands_on_the_same_ticket(
    workspace, agent, mailbox, dupont
):
    ticket = open_ticket(by=agent, person=dupont)
    first = receive(
        workspace, build(subject=f"[{ticket.reference}] photo", message_id="<a1@ex.fr>")
    )
    assert first.inbound.ticket == ticket

    follow_up = build(subject="Oubli", in_reply_to="<a1@ex.fr>", references="<a1@ex.fr>")
    inbound = receive(workspace, follow_up).inbound

    assert inbound.outcome == Outcome.TICKET_MESSAGE
    assert inbound.ticket == ticket
    assert ticket.messages.filter(kind=MessageKind.INCOMING).count() == 2


def test_quoted_previous_message_is_not_repeated_on_the_ticket(workspace, agent, mailbox):
    ticket = open_ticket(by=agent)
    body = (
        "Oui, mardi me va.\n\nLe jeu. 19 mars 2026 à 10:00, Duret Électricité "
        "<noreply@duret.example> a écrit :\n> Bonjour,\n> pouvons-nous passer mardi ?"
    )
    receive(workspace, build(subject=f"Re: [{ticket.reference}] Visite", body=body))

    message = ticket.messages.get(kind=MessageKind.INCOMING)
    assert message.body == "Oui, mardi me va."


def test_answer_on_a_waiting_ticket_puts_it_back_in_progress(workspace, agent, mailbox):
    ticket = open_ticket(by=agent)
    ticket_update(ticket=ticket, by=agent, status=Status.WAITING)

    receive(workspace, build(subject=f"[{ticket.reference}] voilà les infos"))

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_reference_of_another_workspace_is_not_followed(
    workspace, other_workspace, agent, outsider, mailbox
):
    theirs = open_ticket(by=outsider)
    raw = build(subject=f"[{theirs.reference}] bonjour", sender="inconnu@example.org")

    inbound = receive(workspace, raw).inbound

    assert inbound.ticket is None
    assert not theirs.messages.exists()
    assert inbound.outcome == Outcome.UNKNOWN_SENDER


def test_known_sender_gets_an_email_interaction_on_their_timeline(
    workspace, agent, mailbox, dupont
):
    raw = build(subject="Devis pompe à chaleur", body="Pouvez-vous me faire un devis ?")

    inbound = receive(workspace, raw).inbound

    assert inbound.outcome == Outcome.INTERACTION
    interaction = inbound.interaction
    assert interaction.person == dupont
    assert interaction.process.code == "email"
    assert interaction.owner == agent
    assert interaction.state == State.DONE
    assert interaction.subject == "E-mail reçu : Devis pompe à chaleur"
    assert "Pouvez-vous me faire un devis ?" in interaction.outcome
    assert not Ticket.objects.filter(workspace=workspace).exists()


def test_known_company_address_links_the_company(workspace, agent, mailbox):
    company = CompanyFactory(workspace=workspace, name="Boulangerie Martin")
    ContactPoint.objects.create(
        workspace=workspace,
        company=company,
        kind="email",
        value="contact@boulangerie-martin.fr",
        normalized="contact@boulangerie-martin.fr",
    )

    inbound = receive(workspace, build(sender="contact@boulangerie-martin.fr")).inbound

    assert inbound.outcome == Outcome.INTERACTION
    assert inbound.interaction.company == company


def test_mailbox_may_open_a_ticket_for_every_new_email(workspace, agent, mailbox, dupont):
    mailbox.create_tickets = True
    mailbox.save()
    raw = build(subject="Prise qui chauffe", attachments=[("prise.png", PNG, "image/png")])

    inbound = receive(workspace, raw).inbound

    assert inbound.outcome == Outcome.NEW_TICKET
    ticket = inbound.ticket
    assert ticket.person == dupont
    assert ticket.channel == "email"
    assert ticket.subject == "Prise qui chauffe"
    assert "disjoncteur saute encore" in ticket.description
    assert [a.filename for a in ticket.attachments.all()] == ["prise.png"]
    assert inbound.interaction.person == dupont  # and the e-mail is on the timeline too


def test_unknown_sender_becomes_an_open_task_for_the_responsible(workspace, agent, mailbox):
    raw = build(sender="Mme Inconnue <inconnue@example.org>", subject="Panne chez moi")

    inbound = receive(workspace, raw).inbound

    assert inbound.outcome == Outcome.UNKNOWN_SENDER
    task = inbound.interaction
    assert task.person is None and task.company is None
    assert task.state == State.OPEN
    assert task.owner == agent
    assert task.subject == "E-mail d'un inconnu : Panne chez moi"
    assert "inconnue@example.org" in task.outcome
    assert not Ticket.objects.filter(workspace=workspace).exists()


def test_attachments_are_kept_on_the_ticket_message(workspace, agent, mailbox):
    ticket = open_ticket(by=agent)
    raw = build(
        subject=f"[{ticket.reference}] photos",
        attachments=[
            ("tableau.png", PNG, "image/png"),
            ("facture.pdf", PDF, "application/pdf"),
            ("notes.docx", b"PK\x03\x04docx", "application/octet-stream"),
        ],
    )

    inbound = receive(workspace, raw).inbound

    files = {a.filename: a for a in TicketAttachment.objects.filter(ticket=ticket)}
    assert set(files) == {"tableau.png", "facture.pdf", "notes.docx"}
    assert all(a.message == inbound.ticket_message for a in files.values())
    assert files["tableau.png"].file.read() == PNG
    assert files["tableau.png"].content_type == "image/png"
    # Anything that is not a proven image or PDF is only ever downloaded, never shown inline.
    assert files["notes.docx"].content_type == "application/octet-stream"


def test_html_only_email_is_read_as_text(workspace, agent, mailbox):
    ticket = open_ticket(by=agent)
    message = build(subject=f"[{ticket.reference}] html", body="x", html="<p>Bonjour&nbsp;!</p>")
    # Drop the text part: keep the HTML alternative only.
    raw = message.replace(b"Content-Type: text/plain", b"Content-Type: text/x-ignored", 1)

    receive(workspace, raw)

    assert "Bonjour" in ticket.messages.get(kind=MessageKind.INCOMING).body


def test_oversized_attachment_is_left_in_the_source_and_said(workspace, agent, mailbox, settings):
    ticket = open_ticket(by=agent)
    big = b"\x00" * (10 * 1024 * 1024 + 1)
    raw = build(subject=f"[{ticket.reference}] vidéo", attachments=[("film.mp4", big, "video/mp4")])

    inbound = receive(workspace, raw).inbound

    assert inbound.outcome == Outcome.TICKET_MESSAGE
    assert not TicketAttachment.objects.filter(ticket=ticket).exists()
    assert "film.mp4" in inbound.ticket_message.body
    assert "dépasse 10 Mo" in inbound.ticket_message.body
    assert len(inbound.raw.read()) == len(raw)  # still there, in the e-mail as received


def test_unknown_sender_attachments_are_kept_with_the_email(workspace, agent, mailbox):
    raw = build(sender="x@example.org", attachments=[("plan.pdf", PDF, "application/pdf")])

    inbound = receive(workspace, raw).inbound

    kept = InboundAttachment.objects.get(message=inbound)
    assert kept.filename == "plan.pdf"
    assert kept.file.read() == PDF


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"ceci n'est pas un e-mail du tout", "Aucun en-tête"),
        (b"Subject: sans expediteur\r\n\r\ntexte\r\n", "Expéditeur absent"),
        (
            b"From: a@example.fr\r\nSubject: x\r\nContent-Type: multipart/mixed\r\n\r\n"
            b"pas de frontiere\r\n",
            "Structure MIME invalide",
        ),
        (
            b'From: a@example.fr\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary="zz"'
            b"\r\n\r\n--autre\r\nContent-Type: text/plain\r\n\r\nperdu\r\n",
            "Structure MIME invalide",
        ),
    ],
)
def test_malformed_mime_is_rejected_with_a_reason_and_kept(workspace, agent, mailbox, raw, reason):
    receipt = receive(workspace, raw)

    inbound = receipt.inbound
    assert inbound.outcome == Outcome.REJECTED
    assert reason in inbound.reason
    assert inbound.raw.read() == raw
    assert not Interaction.objects.filter(workspace=workspace).exists()
    # Delivered again: recognised by its bytes, not stored twice.
    assert receive(workspace, raw).duplicate
    assert InboundMessage.objects.filter(workspace=workspace).count() == 1


def test_automatic_reply_is_kept_but_not_put_on_the_ticket(workspace, agent, mailbox):
    ticket = open_ticket(by=agent)
    raw = build(
        subject=f"Absence : [{ticket.reference}] Disjoncteur",
        headers={"Auto-Submitted": "auto-replied"},
    )

    inbound = receive(workspace, raw).inbound

    assert inbound.outcome == Outcome.REJECTED
    assert "automatique" in inbound.reason
    assert not ticket.messages.filter(kind=MessageKind.INCOMING).exists()


def test_empty_delivery_is_refused():
    with pytest.raises(ValidationError):
        mail_receive(workspace=1, raw=b"  \r\n", source=Source.API)


def test_same_message_id_twice_is_a_no_op(workspace, agent, mailbox, dupont):
    ticket = open_ticket(by=agent, person=dupont)
    raw = build(subject=f"[{ticket.reference}] encore", message_id="<unique-1@example.fr>")

    first = receive(workspace, raw)
    again = receive(workspace, raw, source=Source.API)

    assert not first.duplicate and again.duplicate
    assert again.inbound.pk == first.inbound.pk
    assert ticket.messages.filter(kind=MessageKind.INCOMING).count() == 1
    assert InboundMessage.objects.filter(workspace=workspace).count() == 1


def test_same_message_id_in_two_workspaces_is_two_emails(
    workspace, other_workspace, agent, outsider, mailbox
):
    raw = build(sender="x@example.org", message_id="<shared@example.org>")

    assert not receive(workspace, raw).duplicate
    assert not receive(other_workspace, raw).duplicate


def test_without_any_colleague_the_email_is_kept_and_refused_clearly(workspace):
    inbound = receive(workspace, build(sender="x@example.org")).inbound

    assert inbound.outcome == Outcome.REJECTED
    assert "Aucun collègue actif" in inbound.reason
    assert inbound.raw.read()


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_email_add_one_message(workspace, agent):
    box = mailbox_for(workspace)
    box.owner = agent
    box.save()
    ticket = open_ticket(by=agent)
    raw = build(subject=f"[{ticket.reference}] doublon", message_id="<race@example.fr>")
    results = []
    errors = []
    barrier = threading.Barrier(4)

    def deliver():
        try:
            barrier.wait()
            results.append(mail_receive(workspace=workspace, raw=raw, source=Source.WEBHOOK))
        except Exception as exc:  # pragma: no cover - shown in the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(not r.duplicate for r in results) == 1
    assert ticket.messages.filter(kind=MessageKind.INCOMING).count() == 1
    assert InboundMessage.objects.filter(workspace=workspace).count() == 1


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ([("plan.pdf", PDF, "application/pdf")], "(e-mail sans texte, 1 pièce jointe)"),
        (
            [("plan.pdf", PDF, "application/pdf"), ("photo.png", PNG, "image/png")],
            "(e-mail sans texte, 2 pièces jointes)",
        ),
    ],
)
def test_an_email_with_only_attachments_says_how_many(workspace, agent, mailbox, files, said):
    ticket = open_ticket(by=agent)
    receive(workspace, build(subject=f"[{ticket.reference}] pièces", body="", attachments=files))

    assert ticket.messages.get(kind=MessageKind.INCOMING).body == said
