"""Réglages › Utilisateurs: invite, change roles, put to sleep and wake up."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.models import ApiToken, Role, User
from comptoir.accounts.services import api_token_issue
from comptoir.accounts.tests.factories import UserFactory

USERS = reverse("accounts:users")
LOGIN = reverse("account_login")


def url(name, user):
    return reverse(f"accounts:{name}", args=[user.pk])


def logged_in(client):
    return "_auth_user_id" in client.session


# --- List -------------------------------------------------------------------------------


def test_users_list_shows_role_email_and_state(manager_client, manager, agent, technician):
    agent.is_active = False
    agent.deactivated_at = timezone.make_aware(dt.datetime(2025, 3, 12, 10, 0))
    agent.save()

    html = manager_client.get(USERS).content.decode()

    assert "claire@duret.example" in html and "gaetan@duret.example" in html
    assert "En sommeil depuis le 12/03/2025" in html
    assert "● Active" in html
    assert 'value="technician" selected' in html
    assert html.count("Mettre en sommeil") >= 1
    assert f'action="{url("user_deactivate", manager)}"' not in html  # not for yourself
    assert f'action="{url("user_reactivate", agent)}"' in html


def test_users_list_never_shows_another_workspace(manager_client, outsider):
    assert outsider.email not in manager_client.get(USERS).content.decode()


def test_users_list_query_count_is_pinned(manager_client, workspace, django_assert_num_queries):
    for i in range(10):
        UserFactory(workspace=workspace, email=f"u{i}@duret.example")
    # session, user (+ workspace for the top bar), users, locked-out sign-ins
    with django_assert_num_queries(5):
        manager_client.get(USERS)


@pytest.mark.parametrize(
    "name",
    [
        "users",
        "user_invite",
        "settings",
        "user_role",
        "user_deactivate",
        "user_reactivate",
        "user_unlock",
    ],
)
def test_non_admins_get_403(agent_client, technician, name):
    if name in {"users", "user_invite", "settings"}:
        assert agent_client.get(reverse(f"accounts:{name}")).status_code == 403
    else:
        assert agent_client.post(url(name, technician), {"role": "admin"}).status_code == 403
    technician.refresh_from_db()
    assert technician.is_active and technician.role == Role.TECHNICIAN


@pytest.mark.parametrize("name", ["user_role", "user_deactivate", "user_reactivate", "user_unlock"])
def test_another_workspaces_user_is_404(manager_client, outsider, name):
    assert manager_client.post(url(name, outsider), {"role": "read_only"}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active and outsider.role == Role.AGENT


def test_actions_need_post(manager_client, agent):
    assert manager_client.get(url("user_deactivate", agent)).status_code == 405
    agent.refresh_from_db()
    assert agent.is_active


# --- Invite -------------------------------------------------------------------------------


def test_admin_creates_a_user_who_can_then_sign_in(manager_client, workspace):
    client = Client()
    response = manager_client.post(
        reverse("accounts:user_invite"),
        {
            "first_name": "Karim",
            "last_name": "Tahar",
            "email": " Karim@Duret.Example ",
            "role": "technician",
            "password": "Chaudiere-2025",
        },
    )
    assert response.status_code == 302
    karim = User.objects.get(email="karim@duret.example")
    assert (karim.workspace, karim.role, karim.full_name) == (
        workspace,
        Role.TECHNICIAN,
        "Karim Tahar",
    )
    assert "Compte créé pour Karim Tahar" in manager_client.get(USERS).content.decode()

    client.post(LOGIN, {"login": "karim@duret.example", "password": "Chaudiere-2025"})
    assert logged_in(client)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "pas-un-email"}, "Saisissez une adresse e-mail valide."),
        ({"email": "claire@duret.example"}, "Cette adresse e-mail est déjà utilisée"),
        ({"email": "intrus@concurrent.example"}, "Cette adresse e-mail est déjà utilisée"),
        ({"password": "abc"}, "Ce mot de passe est trop court."),
        ({"password": "password"}, "Ce mot de passe est trop courant."),
        ({"role": "dieu"}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_invitations_are_refused_in_french(manager_client, agent, outsider, overrides, message):
    data = {"email": "nouveau@duret.example", "role": "agent", "password": "Chaudiere-2025"}
    data.update(overrides)
    response = manager_client.post(reverse("accounts:user_invite"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(email="nouveau@duret.example").exists()


# --- Roles --------------------------------------------------------------------------------


def test_admin_changes_a_role(manager_client, agent):
    response = manager_client.post(url("user_role", agent), {"role": "read_only"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.role == Role.READ_ONLY
    html = manager_client.get(USERS).content.decode()
    assert "a maintenant le rôle « Lecture seule »" in html


def test_admin_cannot_change_their_own_role(manager_client, manager):
    manager_client.post(url("user_role", manager), {"role": "agent"})
    manager.refresh_from_db()
    assert manager.role == Role.ADMIN
    html = manager_client.get(USERS).content.decode()
    assert "Vous ne pouvez pas changer votre propre rôle" in html


def test_unknown_role_is_refused(manager_client, agent):
    manager_client.post(url("user_role", agent), {"role": "dieu"})
    agent.refresh_from_db()
    assert agent.role == Role.AGENT


# --- Sleep and wake-up ---------------------------------------------------------------------


def test_a_user_put_to_sleep_cannot_sign_in(manager_client, agent):
    # That their interactions still show them as owner is checked in
    # comptoir/search/tests/test_sleeping_user.py (accounts may not import activities).
    client = Client()
    key = api_token_issue(user=agent, label="Standard")

    response = manager_client.post(url("user_deactivate", agent))

    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active and agent.deactivated_at is not None
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"En sommeil depuis le {today}" in manager_client.get(USERS).content.decode()
    # The real login form refuses them.
    response = client.post(LOGIN, {"login": agent.email, "password": "secret-pass"})
    assert not logged_in(client)
    assert response.status_code in (200, 302)
    # Their API tokens stop working.
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).revoked_at is not None


def test_a_sleeping_users_open_session_stops_working(manager_client, agent):
    client = Client()
    client.force_login(agent)
    assert client.get(reverse("accounts:account")).status_code == 200
    manager_client.post(url("user_deactivate", agent))
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert LOGIN in response["Location"]


def test_reactivation_restores_login(manager_client, agent):
    client = Client()
    manager_client.post(url("user_deactivate", agent))
    response = manager_client.post(url("user_reactivate", agent))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.is_active and agent.deactivated_at is None
    client.post(LOGIN, {"login": agent.email, "password": "secret-pass"})
    assert logged_in(client)


def test_an_admin_cannot_put_themself_to_sleep(manager_client, manager):
    response = manager_client.post(url("user_deactivate", manager))
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.is_active
    html = manager_client.get(USERS).content.decode()
    assert "Vous ne pouvez pas vous mettre vous-même en sommeil." in html
