"""Phone extensions: an admin sets a colleague's on Réglages › Utilisateurs, anyone their own
on Mon compte; digits only, one active colleague per extension, every change audited."""

from html import unescape

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from comptoir.accounts.models import Role, User
from comptoir.accounts.tests.factories import UserFactory

USERS = reverse("accounts:users")
ACCOUNT = reverse("accounts:account")
MINE = reverse("accounts:account_extension")


def set_extension(client, user, value):
    return client.post(reverse("accounts:user_extension", args=[user.pk]), {"extension": value})


def text(response):
    """The page as read: entities decoded (« n'a », not « n'a »)."""
    return unescape(response.content.decode())


def history(user):
    """The audit entries about ``user`` (accounts may not import audit: look it up by name)."""
    entries = apps.get_model("audit", "AuditEntry").objects
    kind = apps.get_model("contenttypes", "ContentType").objects.get_for_model(User)
    return list(entries.filter(content_type=kind, object_id=user.pk))


def test_an_admin_sets_a_colleagues_extension(manager_client, manager, agent):
    response = set_extension(manager_client, agent, " 201 ")
    assert response.status_code == 302
    assert response["Location"].endswith(f"{USERS}#user-{agent.pk}")
    agent.refresh_from_db()
    assert agent.extension == "201"
    html = text(manager_client.get(USERS))
    assert "Le poste de Claire" in html and "est enregistré : 201." in html
    assert f'id="ext-{agent.pk}" name="extension" value="201"' in html
    [entry] = history(agent)
    assert (entry.actor, entry.action, entry.changes) == (
        manager,
        "update",
        {"extension": ["", "201"]},
    )


def test_an_admin_clears_an_extension(manager_client, agent):
    agent.extension = "201"
    agent.save()
    assert set_extension(manager_client, agent, "").status_code == 302
    agent.refresh_from_db()
    assert agent.extension == ""
    assert f"{agent} n'a plus de poste." in text(manager_client.get(USERS))
    assert [e.changes for e in history(agent)] == [{"extension": ["201", ""]}]


def test_saving_the_same_extension_records_nothing(manager_client, agent):
    agent.extension = "201"
    agent.save()
    assert set_extension(manager_client, agent, "201").status_code == 302
    assert history(agent) == []


@pytest.mark.parametrize("typed", ["2a1", "1", "123456789", "20 1", "+201", "２０１", "201#"])
def test_an_extension_is_two_to_eight_digits(manager_client, agent, typed):
    agent.extension = "300"
    agent.save()
    response = set_extension(manager_client, agent, typed)
    assert response.status_code == 400
    html = text(response)
    assert "Un poste s'écrit avec 2 à 8 chiffres, sans espace ni lettre" in html
    assert "Rien n'a été enregistré." in html
    assert f'value="{typed}" inputmode="numeric"' in html  # what was typed is kept
    assert 'aria-invalid="true"' in html
    agent.refresh_from_db()
    assert agent.extension == "300"
    assert history(agent) == []


def test_an_extension_rings_one_active_colleague_only(manager_client, workspace, agent):
    UserFactory(workspace=workspace, first_name="Karim", last_name="Benali", extension="201")
    response = set_extension(manager_client, agent, "201")
    assert response.status_code == 400
    assert "Le poste 201 est déjà celui de Karim Benali" in text(response)
    agent.refresh_from_db()
    assert agent.extension == ""
    # A colleague asleep keeps no claim on it; another workspace's neither.
    UserFactory(workspace=workspace, extension="202", is_active=False)
    UserFactory(extension="203")
    for free in ("202", "203"):
        assert set_extension(manager_client, agent, free).status_code == 302
        agent.refresh_from_db()
        assert agent.extension == free


def test_a_colleague_woken_up_loses_an_extension_taken_meanwhile(manager_client, workspace, agent):
    manager_client.post(reverse("accounts:user_deactivate", args=[agent.pk]))
    agent.refresh_from_db()
    agent.extension = "201"
    agent.save()
    UserFactory(workspace=workspace, first_name="Karim", extension="201")
    manager_client.post(reverse("accounts:user_reactivate", args=[agent.pk]))
    agent.refresh_from_db()
    assert agent.is_active and agent.extension == ""
    html = text(manager_client.get(USERS))
    assert "Son poste 201, attribué entre-temps à un autre collègue, est effacé" in html
    assert [e.changes for e in history(agent)] == [{"extension": ["201", ""]}]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AGENT, Role.TECHNICIAN, Role.READ_ONLY])
def test_only_an_admin_sets_someone_elses_extension(client, workspace, agent, role):
    client.force_login(UserFactory(workspace=workspace, role=role))
    assert set_extension(client, agent, "201").status_code == 403
    agent.refresh_from_db()
    assert agent.extension == ""


def test_another_workspaces_user_is_404(manager_client, outsider):
    assert set_extension(manager_client, outsider, "201").status_code == 404
    outsider.refresh_from_db()
    assert outsider.extension == ""


def test_setting_an_extension_needs_post(manager_client, agent):
    assert (
        manager_client.get(reverse("accounts:user_extension", args=[agent.pk])).status_code == 405
    )
    assert manager_client.get(MINE).status_code == 405


# --- Mon compte ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.AGENT, Role.READ_ONLY, Role.ADMIN])
def test_everyone_sets_their_own_extension(client, workspace, role):
    me = UserFactory(workspace=workspace, role=role, first_name="Gaëtan")
    client.force_login(me)
    html = text(client.get(ACCOUNT))
    assert "Mon poste téléphonique" in html
    response = client.post(MINE, {"extension": "305"})
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    me.refresh_from_db()
    assert me.extension == "305"
    html = text(client.get(ACCOUNT))
    assert "Votre poste est enregistré : 305." in html
    assert 'name="extension" value="305"' in html
    [entry] = history(me)
    assert (entry.actor, entry.changes) == (me, {"extension": ["", "305"]})


def test_a_refused_own_extension_says_why_and_changes_nothing(client, workspace, technician):
    UserFactory(workspace=workspace, first_name="Claire", last_name="Morel", extension="305")
    technician.extension = "310"
    technician.save()
    client.force_login(technician)
    for typed, message in [
        ("305", "Le poste 305 est déjà celui de Claire Morel"),
        ("poste 3", "Un poste s'écrit avec 2 à 8 chiffres"),
    ]:
        response = client.post(MINE, {"extension": typed})
        assert response.status_code == 400
        html = text(response)
        assert message in html and "Rien n'a été enregistré." in html
        assert f'value="{typed}"' in html and 'aria-invalid="true"' in html
    technician.refresh_from_db()
    assert technician.extension == "310"
    assert history(technician) == []


def test_own_extension_is_cleared(client, technician):
    technician.extension = "310"
    technician.save()
    client.force_login(technician)
    client.post(MINE, {"extension": "  "})
    technician.refresh_from_db()
    assert technician.extension == ""
    assert "Vous n'avez plus de poste" in text(client.get(ACCOUNT))


def test_signed_out_visitors_are_sent_to_the_login(agent):
    response = Client().post(MINE, {"extension": "201"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    agent.refresh_from_db()
    assert agent.extension == ""
