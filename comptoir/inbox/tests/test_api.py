"""POST /api/v1/inbound/email: raw MIME from a script (token) or a provider (secret URL)."""

from __future__ import annotations

import json

import pytest

from comptoir.accounts.models import Role
from comptoir.accounts.services import api_token_issue
from comptoir.accounts.tests.factories import UserFactory
from comptoir.inbox.models import InboundMessage, Outcome, Source
from comptoir.inbox.services import mailbox_for
from comptoir.inbox.tests.mails import build
from comptoir.tickets.models import MessageKind
from comptoir.tickets.tests.factories import open_ticket

URL = "/api/v1/inbound/email"


@pytest.fixture
def token(agent):
    mailbox = mailbox_for(agent.workspace)
    mailbox.owner = agent
    mailbox.save()
    return api_token_issue(user=agent)


def post(client, raw, token=None, url=URL, content_type="message/rfc822"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, data=raw, content_type=content_type, **headers)


def test_raw_message_with_a_token_lands_on_the_ticket(client, agent, token):
    ticket = open_ticket(by=agent)
    raw = build(subject=f"[{ticket.reference}] suite", message_id="<api-1@example.fr>")

    response = post(client, raw, token)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["duplicate"] is False
    assert body["outcome"] == "ticket_message"
    assert body["ticket"] == ticket.reference
    assert body["message_id"] == "<api-1@example.fr>"
    assert InboundMessage.objects.get(pk=body["id"]).source == Source.API


def test_duplicate_delivery_answers_200_and_changes_nothing(client, agent, token):
    ticket = open_ticket(by=agent)
    raw = build(subject=f"[{ticket.reference}] suite", message_id="<api-2@example.fr>")

    first = post(client, raw, token)
    again = post(client, raw, token)

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]
    assert ticket.messages.filter(kind=MessageKind.INCOMING).count() == 1


def test_malformed_mime_is_kept_and_said(client, agent, token):
    response = post(client, b"Subject: rien\r\n\r\npas d'expediteur", token)

    assert response.status_code == 201
    body = response.json()
    assert body["outcome"] == "rejected"
    assert "Expéditeur absent" in body["reason"]
    assert InboundMessage.objects.get(pk=body["id"]).raw.read().startswith(b"Subject: rien")


def test_without_token_or_with_a_bad_one_nothing_is_received(client, agent):
    assert post(client, build()).status_code == 401
    assert post(client, build(), token="faux").status_code == 401
    assert not InboundMessage.objects.exists()


def test_read_only_token_is_refused(client, workspace):
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    response = post(client, build(), api_token_issue(user=reader))

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_message_goes_to_the_token_workspace_only(client, agent, outsider, token):
    theirs = open_ticket(by=outsider)
    raw = build(sender="x@example.org", subject=f"[{theirs.reference}] intrusion")

    response = post(client, raw, api_token_issue(user=outsider))

    assert response.status_code == 201
    inbound = InboundMessage.objects.get(pk=response.json()["id"])
    assert inbound.workspace == outsider.workspace
    assert inbound.ticket == theirs  # their own ticket, in their own workspace
    mine = post(client, raw.replace(b"Message-ID: <", b"Message-ID: <mine-"), token)
    assert mine.json()["ticket"] is None  # the same reference means nothing in my workspace


def test_empty_body_and_unknown_type_are_clear_errors(client, agent, token):
    empty = post(client, b"", token)
    assert empty.status_code == 400 and "vide" in empty.json()["detail"]
    wrong = post(client, b"<html></html>", token, content_type="text/html")
    assert wrong.status_code == 415 and "message/rfc822" in wrong.json()["detail"]
    assert not InboundMessage.objects.exists()


def test_large_message_above_django_form_limit_is_accepted(client, agent, token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    ticket = open_ticket(by=agent)
    raw = build(
        subject=f"[{ticket.reference}] gros",
        attachments=[("a.pdf", b"%PDF-" + b"x" * 5000, "application/pdf")],
    )

    response = post(client, raw, token)

    assert response.status_code == 201, response.content
    assert ticket.attachments.get().filename == "a.pdf"


def test_provider_posts_to_the_secret_url_without_token(client, workspace, agent):
    mailbox = mailbox_for(workspace)
    mailbox.owner = agent
    mailbox.save()
    ticket = open_ticket(by=agent)
    raw = build(subject=f"[{ticket.reference}] via Mailgun")

    response = post(client, raw, url=f"{URL}/{mailbox.secret}")

    assert response.status_code == 201, response.content
    inbound = InboundMessage.objects.get(pk=response.json()["id"])
    assert inbound.source == Source.WEBHOOK
    assert inbound.outcome == Outcome.TICKET_MESSAGE and inbound.ticket == ticket


def test_unknown_secret_is_404(client, workspace):
    response = post(client, build(), url=f"{URL}/pas-le-bon-secret")

    assert response.status_code == 404
    assert not InboundMessage.objects.exists()


def test_mailgun_form_field_and_postmark_json_are_read(client, workspace, agent):
    mailbox = mailbox_for(workspace)
    mailbox.owner = agent
    mailbox.save()
    url = f"{URL}/{mailbox.secret}"
    mailgun = client.post(
        url,
        data={
            "recipient": "support@duret.example",
            "body-mime": build(sender="a@example.org").decode(),
        },
    )
    assert mailgun.status_code == 201, mailgun.content
    assert mailgun.json()["outcome"] == "unknown_sender"

    postmark = client.post(
        url,
        data=json.dumps({"RawEmail": build(sender="b@example.org").decode()}),
        content_type="application/json",
    )
    assert postmark.status_code == 201, postmark.content
    assert InboundMessage.objects.filter(workspace=workspace).count() == 2

    missing = client.post(url, data=json.dumps({"TextBody": "x"}), content_type="application/json")
    assert missing.status_code == 422
