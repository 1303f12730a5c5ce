import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.field.tests import factories
from comptoir.scheduling.tests.factories import TechnicianFactory


def today_at(hour, minute=0, days=0):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def gaetan(technician):
    return TechnicianFactory(user=technician)


@pytest.fixture
def karim(workspace):
    user = UserFactory(
        workspace=workspace, email="karim@duret.example", first_name="Karim", role=Role.TECHNICIAN
    )
    return TechnicianFactory(user=user)


@pytest.fixture
def dupont(workspace):
    return factories.customer(workspace)


@pytest.fixture
def today_visit(gaetan, dupont):
    person, site = dupont
    return factories.visit(gaetan, starts_at=today_at(9), person=person, site=site)


@pytest.fixture
def gaetan_client(technician):
    """Its own client: tests also sign in an office user with the ``client`` fixture."""
    client = Client()
    client.force_login(technician)
    return client
