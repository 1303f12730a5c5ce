"""Guessing passwords or tokens through the API: 429 in French, successes untouched."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import api_token_issue
from comptoir.accounts.tests.factories import UserFactory

OFFICE = "203.0.113.10"
LOCKOUT = (
    "Trop de tentatives de connexion. Réessayez dans 15 minutes ou demandez à un responsable "
    "de réinitialiser votre mot de passe."
)


@pytest.fixture
def clock():
    """Time stands still a few seconds into a window: no window ends in the middle of a test."""
    with time_machine.travel(dt.datetime(2030, 1, 7, 9, 0, 5, tzinfo=dt.UTC), tick=False) as t:
        yield t


def ask_token(email, password="secret-pass", ip=OFFICE):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token",
        data=json.dumps({"email": email, "password": password}),
        content_type="application/json",
    )


def call(token, ip=OFFICE):
    return Client(REMOTE_ADDR=ip).get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_guessing_a_password_locks_the_pair_out(agent):
    codes = [ask_token("claire@duret.example", "pas-le-bon").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 429]

    response = ask_token("claire@duret.example")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": LOCKOUT}
    assert response["Retry-After"] == "900"
    assert not ApiToken.objects.exists()
    # The same person elsewhere, and a colleague in the office, are not affected.
    assert ask_token("claire@duret.example", ip="198.51.100.7").status_code == 200


def test_a_lockout_on_the_sign_in_page_also_holds_for_the_api(agent, client):
    web = Client(REMOTE_ADDR=OFFICE)
    for _ in range(5):
        web.post("/comptes/login/", {"login": "claire@duret.example", "password": "pas-le-bon"})
    assert ask_token("claire@duret.example").json() == {"detail": LOCKOUT}


def test_too_many_failures_from_one_address_get_429_before_any_check(agent, clock):
    for i in range(20):
        assert ask_token(f"inconnu{i}@duret.example").status_code == 401

    response = ask_token("claire@duret.example")
    assert response.status_code == 429
    assert response.json()["detail"].startswith(
        "Trop d'échecs d'authentification depuis votre adresse : réessayez dans"
    )
    assert response["Retry-After"] == "895"
    assert not ApiToken.objects.exists()

    assert ask_token("claire@duret.example", ip="198.51.100.7").status_code == 200
    clock.shift(dt.timedelta(minutes=15))
    assert ask_token("claire@duret.example").status_code == 200


def test_guessing_bearer_tokens_gets_429(agent, clock):
    token = api_token_issue(user=agent, label="Standard")
    for i in range(30):
        assert call(f"devine-{i}").status_code == 401

    guessed = call("devine-encore")
    assert guessed.status_code == 429
    assert guessed.json()["detail"] == (
        "Trop d'échecs d'authentification depuis votre adresse : réessayez dans 1 minute."
    )
    assert guessed["Retry-After"] == "55"
    # Refused before the token is looked at: a right guess could not be told apart.
    assert call(token).status_code == 429

    assert call(token, ip="198.51.100.7").status_code == 200
    clock.shift(dt.timedelta(seconds=55))
    assert call(token).status_code == 200


def test_successful_calls_are_never_counted(agent, workspace):
    token = api_token_issue(user=agent, label="Standard")
    other = api_token_issue(user=UserFactory(workspace=workspace), label="Autre")
    for _ in range(40):
        assert call(token).status_code == 200
    for i in range(29):
        call(f"devine-{i}")
    assert call(other).status_code == 200
