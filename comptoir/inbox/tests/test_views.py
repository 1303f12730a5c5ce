"""Réglages › Boîte de réception and the e-mails received, as a manager and as others see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.audit.models import AuditEntry
from comptoir.inbox.models import Mailbox, Security
from comptoir.inbox.services import mail_receive, mailbox_for
from comptoir.inbox.tests.mails import PDF, build

SETTINGS = reverse("inbox:settings")


def form_data(**overrides):
    data = {
        "address": "support@duret.example",
        "host": "imap.duret.example",
        "port": "993",
        "security": Security.SSL,
        "username": "support@duret.example",
        "password": "secret-imap",
        "folder": "INBOX",
        "owner": "",
        "enabled": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_manager_saves_the_mailbox_and_sees_the_address_to_give(manager_client, workspace):
    response = manager_client.post(SETTINGS, form_data())

    assert response.status_code == 302
    mailbox = Mailbox.objects.get(workspace=workspace)
    assert (mailbox.host, mailbox.password, mailbox.enabled) == (
        "imap.duret.example",
        "secret-imap",
        True,
    )
    page = manager_client.get(SETTINGS).content.decode()
    assert "support@duret.example" in page
    assert "Tester la connexion" in page
    assert mailbox.secret in page  # the provider URL
    assert "secret-imap" not in page  # the password is never shown back
    entry = AuditEntry.objects.filter(object_id=mailbox.pk).latest("pk")
    assert entry.changes["password"] == ["", "••••••"]


def test_empty_password_keeps_the_stored_one(manager_client, workspace):
    manager_client.post(SETTINGS, form_data())
    manager_client.post(SETTINGS, form_data(password="", folder="Support"))

    mailbox = Mailbox.objects.get(workspace=workspace)
    assert (mailbox.password, mailbox.folder) == ("secret-imap", "Support")


def test_enabling_without_server_is_refused_in_french(manager_client, workspace):
    response = manager_client.post(SETTINGS, form_data(host="", password=""))

    assert response.status_code == 422
    assert "avant d&#x27;activer le relevé" in response.content.decode()
    assert not Mailbox.objects.get(workspace=workspace).enabled


def test_agents_cannot_open_the_mailbox_settings(agent_client):
    assert agent_client.get(SETTINGS).status_code == 403
    assert agent_client.post(reverse("inbox:test"), form_data()).status_code == 403


def test_settings_tabs_link_to_the_mailbox_for_managers_only(client, manager, agent):
    client.force_login(manager)
    assert SETTINGS in client.get(reverse("accounts:account")).content.decode()
    client.force_login(agent)
    assert SETTINGS not in client.get(reverse("accounts:account")).content.decode()


def test_test_connection_button_answers_in_french(manager_client, imap_server):
    data = form_data(
        host=imap_server.host,
        port=str(imap_server.port),
        security=Security.NONE,
        username=imap_server.username,
        password=imap_server.password,
    )
    ok = manager_client.post(reverse("inbox:test"), data, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200
    assert "Connexion réussie : 0 messages dans « INBOX »." in ok.content.decode()

    bad = manager_client.post(
        reverse("inbox:test"), {**data, "password": "faux"}, HTTP_HX_REQUEST="true"
    )
    assert "Identifiant ou mot de passe refusé" in bad.content.decode()


def test_received_email_shows_with_its_source_and_files(agent_client, workspace, agent):
    mailbox = mailbox_for(workspace)
    mailbox.owner = agent
    mailbox.save()
    raw = build(
        sender="x@example.org",
        subject="Plan du local",
        attachments=[("plan.pdf", PDF, "application/pdf")],
    )
    inbound = mail_receive(workspace=workspace, raw=raw, source="api").inbound

    page = agent_client.get(inbound.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Plan du local" in html and "plan.pdf" in html
    source = agent_client.get(reverse("inbox:raw", args=[inbound.pk]))
    assert b"".join(source.streaming_content) == raw
    file = inbound.attachments.get()
    assert (
        b"".join(agent_client.get(reverse("inbox:attachment", args=[file.pk])).streaming_content)
        == PDF
    )


@pytest.mark.parametrize("name", ["inbox:message", "inbox:raw", "inbox:attachment"])
def test_another_workspace_cannot_read_our_emails(client, outsider, workspace, agent, name):
    mailbox = mailbox_for(workspace)
    mailbox.owner = agent
    mailbox.save()
    raw = build(sender="x@example.org", attachments=[("plan.pdf", PDF, "application/pdf")])
    inbound = mail_receive(workspace=workspace, raw=raw, source="api").inbound
    target = inbound.attachments.get().pk if name == "inbox:attachment" else inbound.pk
    client.force_login(outsider)

    assert client.get(reverse(name, args=[target])).status_code == 404
