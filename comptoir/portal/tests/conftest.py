import pytest

from comptoir.portal.tests import factories
from comptoir.scheduling.tests.factories import TechnicianFactory
from comptoir.tickets.tests.factories import open_ticket


@pytest.fixture
def dupont(workspace):
    return factories.person(
        workspace, "Dupont", email="p.dupont@gmail.com", mobile="06 12 34 56 78"
    )


@pytest.fixture
def durand(workspace):
    return factories.person(workspace, "Durand", email="durand@example.fr")


@pytest.fixture
def dupont_ticket(agent, dupont):
    return open_ticket(by=agent, person=dupont, subject="Disjoncteur qui saute")


@pytest.fixture
def durand_ticket(agent, durand):
    return open_ticket(by=agent, person=durand, subject="Prise qui chauffe")


@pytest.fixture
def gaetan(technician):
    return TechnicianFactory(user=technician)


@pytest.fixture
def dupont_client(dupont):
    return factories.portal_client(dupont)
