"""Shared fixtures: two workspaces, their users, signed-in clients."""

import email
import email.policy
import os
import socket

import pytest
from django.conf import settings
from django.utils import translation

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory, WorkspaceFactory

# Playwright's sync API runs an event loop; Django must still allow the live server's ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Duret Électricité", slug="duret")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(name="Concurrent SARL", slug="concurrent")


@pytest.fixture
def agent(workspace):
    return UserFactory(workspace=workspace, email="claire@duret.example", first_name="Claire")


@pytest.fixture
def manager(workspace):
    return UserFactory(
        workspace=workspace, email="sophie@duret.example", first_name="Sophie", role=Role.ADMIN
    )


@pytest.fixture
def technician(workspace):
    return UserFactory(
        workspace=workspace, email="gaetan@duret.example", first_name="Gaëtan", role=Role.TECHNICIAN
    )


@pytest.fixture
def outsider(other_workspace):
    return UserFactory(workspace=other_workspace, email="intrus@concurrent.example")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture(autouse=True)
def _back_to_french():
    """A request in English leaves English active in the thread: later tests expect French."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english(workspace):
    """The workspace set to English."""
    workspace.locale = "en"
    workspace.save(update_fields=["locale"])
    return workspace


class _SmtpCollector:
    """aiosmtpd handler keeping every received message, parsed."""

    def __init__(self):
        self.messages = []  # email.message.EmailMessage
        self.envelopes = []  # (mail_from, rcpt_tos)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to; ``.messages``."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = _SmtpCollector()
    # server_hostname: without it aiosmtpd asks DNS for the machine name (slow offline).
    controller = Controller(collector, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """SMS sent by a test (LocmemBackend) do not leak into the next one."""
    from comptoir.messaging.sms import LocmemBackend

    LocmemBackend.outbox.clear()
    yield
    LocmemBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit and throttle counters live in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
