"""Password guessing: an (address, e-mail) pair is locked out after 5 wrong passwords."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.selectors import locked_out_emails_for
from comptoir.accounts.services import user_unlock
from comptoir.accounts.tests.factories import UserFactory

LOGIN = reverse("account_login")
USERS = reverse("accounts:users")
OFFICE = "203.0.113.10"
LOCKOUT = (
    "Trop de tentatives de connexion. Réessayez dans 15 minutes ou demandez à un responsable "
    "de réinitialiser votre mot de passe."
)


def browser(ip=OFFICE):
    return Client(REMOTE_ADDR=ip)


def sign_in(client, email, password="secret-pass"):
    return client.post(LOGIN, {"login": email, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def guess(client, email, times=5):
    return [sign_in(client, email, "pas-le-bon").status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_pair_even_with_the_right_one(agent):
    client = browser()
    assert guess(client, "claire@duret.example") == [200, 200, 200, 200, 429]

    response = sign_in(client, "claire@duret.example")
    assert response.status_code == 429
    assert not signed_in(client)
    html = response.content.decode()
    assert LOCKOUT in html
    assert "◆ Comptoir" in html and "Retour à la connexion" in html  # the usual layout
    assert response["Retry-After"] == "900"


def test_the_first_wrong_passwords_get_the_usual_form_error(agent):
    response = sign_in(browser(), "claire@duret.example", "pas-le-bon")
    assert response.status_code == 200
    assert "Connexion" in response.content.decode()
    assert LOCKOUT not in response.content.decode()


def test_the_address_is_counted_whatever_its_case(agent):
    client = browser()
    for email in ["Claire@Duret.example", "claire@duret.example ", "CLAIRE@DURET.EXAMPLE"]:
        sign_in(client, email, "pas-le-bon")
    guess(client, "claire@duret.example", times=2)
    assert sign_in(client, "claire@duret.example").status_code == 429


def test_a_colleague_in_the_same_office_still_signs_in(agent, technician):
    guess(browser(), "claire@duret.example")
    colleague = browser()
    response = sign_in(colleague, "gaetan@duret.example")
    assert response.status_code == 302
    assert signed_in(colleague)


def test_never_locked_out_by_address_alone(agent, technician, workspace):
    # Many colleagues mistyping from the office do not lock the office out.
    office = browser()
    for i in range(6):
        UserFactory(workspace=workspace, email=f"collegue{i}@duret.example")
        guess(office, f"collegue{i}@duret.example", times=4)
    assert sign_in(office, "gaetan@duret.example").status_code == 302


def test_the_same_user_from_elsewhere_still_signs_in(agent):
    guess(browser(), "claire@duret.example")
    at_home = browser("198.51.100.7")
    assert sign_in(at_home, "claire@duret.example").status_code == 302
    assert signed_in(at_home)


def test_a_success_forgets_the_earlier_failures(agent):
    client = browser()
    guess(client, "claire@duret.example", times=4)
    assert sign_in(client, "claire@duret.example").status_code == 302
    client.logout()
    assert guess(client, "claire@duret.example", times=4) == [200] * 4
    assert sign_in(client, "claire@duret.example").status_code == 302


def test_sign_in_works_again_after_fifteen_minutes(agent):
    client = browser()
    guess(client, "claire@duret.example")
    later = timezone.now() + dt.timedelta(minutes=14)
    with time_machine.travel(later, tick=False):
        assert sign_in(client, "claire@duret.example").status_code == 429
    # Trying while locked out does not push the end back.
    with time_machine.travel(later + dt.timedelta(minutes=2), tick=False):
        response = sign_in(client, "claire@duret.example")
    assert response.status_code == 302
    assert signed_in(client)


def test_the_lockout_page_follows_the_configured_duration(agent, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    client = browser()
    guess(client, "claire@duret.example")
    response = sign_in(client, "claire@duret.example")
    assert "Réessayez dans 30 minutes" in response.content.decode()
    assert response["Retry-After"] == "1800"


# --- Unlocking -------------------------------------------------------------------------------


def test_admin_sees_the_lockout_and_unlocks_it(agent, technician, manager_client):
    client = browser()
    guess(client, "claire@duret.example")

    html = manager_client.get(USERS).content.decode()
    assert html.count("Connexion bloquée") == 1
    row = html[html.index(f'id="user-{agent.pk}"') :].split("</tr>", 1)[0]
    assert "Connexion bloquée" in row and "Débloquer la connexion" in row
    assert reverse("accounts:user_unlock", args=[technician.pk]) not in html

    unlock = reverse("accounts:user_unlock", args=[agent.pk])
    response = manager_client.post(unlock, follow=True)
    assert "Connexion débloquée : Claire" in response.content.decode()
    assert unlock not in response.content.decode()

    assert sign_in(client, "claire@duret.example").status_code == 302
    assert signed_in(client)


def test_unlocking_lifts_the_lockout_from_every_address(agent, manager):
    guess(browser(), "claire@duret.example")
    guess(browser("198.51.100.7"), "claire@duret.example")
    assert locked_out_emails_for(manager) == {"claire@duret.example"}
    assert user_unlock(user=agent, by=manager) == 2
    assert locked_out_emails_for(manager) == set()
    assert sign_in(browser(), "claire@duret.example").status_code == 302


def test_only_managers_of_the_same_workspace_unlock(agent, technician, outsider):
    guess(browser(), "claire@duret.example")
    for by in (technician, outsider):
        with pytest.raises(PermissionDenied):
            user_unlock(user=agent, by=by)
    assert sign_in(browser(), "claire@duret.example").status_code == 429


def test_another_workspaces_lockouts_are_not_shown(manager, outsider):
    guess(browser(), "intrus@concurrent.example")
    assert locked_out_emails_for(manager) == set()


# --- allauth's own throttle ------------------------------------------------------------------


def test_a_flood_from_one_address_is_slowed_down_in_french(agent, settings):
    client = browser()
    for _ in range(30):
        client.post(LOGIN, {"login": "x@y.fr", "password": "z"})
    response = sign_in(client, "claire@duret.example")
    assert response.status_code == 429
    assert "Patientez une minute" in response.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1, seconds=1), tick=False):
        assert sign_in(client, "claire@duret.example").status_code == 302


def test_behind_a_proxy_the_client_address_is_the_one_counted(agent, settings):
    settings.COMPTOIR_TRUST_X_FORWARDED_FOR = True
    proxy = browser("10.0.0.1")
    for _ in range(5):
        proxy.post(
            LOGIN,
            {"login": "claire@duret.example", "password": "pas-le-bon"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    elsewhere = proxy.post(
        LOGIN,
        {"login": "claire@duret.example", "password": "secret-pass"},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert elsewhere.status_code == 302


def test_a_garbled_forwarded_address_is_still_a_plain_failure(agent, settings):
    settings.COMPTOIR_TRUST_X_FORWARDED_FOR = True
    response = browser().post(
        LOGIN,
        {"login": "claire@duret.example", "password": "pas-le-bon"},
        HTTP_X_FORWARDED_FOR="pas-une-adresse",
    )
    assert response.status_code == 200
