"""Shared fixtures: two workspaces, their users, signed-in clients."""

import os

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
