import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import ProcessAccess
from comptoir.activities.services import process_access_set
from comptoir.activities.tests.factories import InteractionFactory
from comptoir.activities.tests.helpers import process, today_at
from comptoir.audit.models import AuditEntry
from comptoir.contacts.tests.factories import PersonFactory

PAGE = reverse("activities:process_access")


def test_admin_page_lists_active_users_and_processes(manager_client, agent, technician):
    UserFactory(workspace=agent.workspace, first_name="Endormi", is_active=False)
    html = manager_client.get(PAGE).content.decode()
    assert "Aucune case cochée = tous les processus" in html
    assert "Claire" in html and "Gaëtan" in html and "Endormi" not in html
    assert "Vente" in html and "E-mail" in html
    assert f'name="user-{agent.pk}-processes"' in html


def test_non_admins_cannot_open_the_page(agent_client):
    assert agent_client.get(PAGE).status_code == 403
    assert agent_client.post(PAGE).status_code == 403


def test_admin_restricts_a_salesperson(manager_client, agent, technician):
    wanted = [process(agent.workspace, code) for code in ("vente", "prive", "email")]
    response = manager_client.post(PAGE, {f"user-{agent.pk}-processes": [p.pk for p in wanted]})
    assert response.status_code == 302
    assert set(
        ProcessAccess.objects.filter(user=agent).values_list("process__code", flat=True)
    ) == {
        "vente",
        "prive",
        "email",
    }
    assert not ProcessAccess.objects.filter(user=technician).exists()
    entry = AuditEntry.objects.get(object_id=agent.pk, action="update")
    assert entry.changes["process_access"] == ["Tous les processus", "E-mail, Privé, Vente"]
    page = manager_client.get(PAGE).content.decode()
    assert "3 processus" in page
    # Unticking everything gives every process back.
    manager_client.post(PAGE, {})
    assert not ProcessAccess.objects.filter(user=agent).exists()


def test_foreign_process_ids_are_refused_and_nothing_changes(manager_client, agent, outsider):
    foreign = process(outsider.workspace, "vente")
    response = manager_client.post(
        PAGE,
        {
            f"user-{agent.pk}-processes": [foreign.pk],
        },
    )
    assert response.status_code == 200
    assert "rechargez la page" in response.content.decode()
    assert not ProcessAccess.objects.exists()


def test_service_checks_admin_and_workspace(agent, manager, outsider):
    with pytest.raises(PermissionDenied):
        process_access_set(user=agent, processes=[], by=agent)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        process_access_set(user=outsider, processes=[], by=manager)
    with pytest.raises(ValidationError):
        process_access_set(user=agent, processes=[process(outsider.workspace, "vente")], by=manager)
    assert process_access_set(user=agent, processes=[], by=manager) is False


@pytest.fixture
def restricted(agent, manager):
    process_access_set(
        user=agent,
        processes=[process(agent.workspace, code) for code in ("vente", "prive", "email")],
        by=manager,
    )
    return agent


def test_restricted_user_sees_only_allowed_processes_everywhere(agent_client, restricted, manager):
    person = PersonFactory(workspace=restricted.workspace)
    sale = InteractionFactory(
        owner=restricted,
        person=person,
        subject="Vente OK",
        starts_at=today_at(9),
        process=process(restricted.workspace, "vente"),
    )
    support = InteractionFactory(
        owner=restricted,
        person=person,
        subject="Support caché",
        starts_at=today_at(10),
        process=process(restricted.workspace, "support"),
    )

    desk = agent_client.get(reverse("activities:desk")).content.decode()
    assert "Vente OK" in desk and "Support caché" not in desk
    listing = agent_client.get(reverse("activities:list")).content.decode()
    assert "Vente OK" in listing and "Support caché" not in listing
    timeline = agent_client.get(
        reverse("activities:timeline"), {"person": person.pk}
    ).content.decode()
    assert "Vente OK" in timeline and "Support caché" not in timeline
    assert agent_client.get(reverse("activities:detail", args=[sale.pk])).status_code == 200
    assert agent_client.get(reverse("activities:detail", args=[support.pk])).status_code == 404
    assert (
        agent_client.post(
            reverse("activities:set_state", args=[support.pk]), {"state": "done"}
        ).status_code
        == 404
    )
    form = agent_client.get(reverse("activities:create")).content.decode()
    assert ">Vente<" in form and ">Support<" not in form
