"""Token flow, bearer authentication, read-only role, deactivated users."""

import pytest

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import user_deactivate
from comptoir.activities.models import Interaction, Note
from comptoir.activities.tests.factories import InteractionFactory
from comptoir.api.tests.conftest import Api
from comptoir.contacts.models import Company, ContactPoint, Person, Site
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, SiteFactory


def test_token_for_good_credentials_opens_the_api(agent, anonymous_api):
    response = anonymous_api.post(
        "/auth/token", {"email": "Claire@Duret.example", "password": "secret-pass"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) > 30
    assert ApiToken.objects.get(user=agent).key_hash == ApiToken.hash_key(token)

    listing = Api(token=token).get("/companies")
    assert listing.status_code == 200
    assert listing.json()["count"] == 0


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "claire@duret.example", "password": "wrong"},
        {"email": "personne@duret.example", "password": "secret-pass"},
        {"email": "", "password": ""},
    ],
)
def test_wrong_credentials_are_refused_in_french(agent, anonymous_api, credentials):
    response = anonymous_api.post("/auth/token", credentials)
    assert response.status_code == 401
    assert response.json() == {"detail": "Identifiants invalides."}
    assert not ApiToken.objects.exists()


def test_deactivated_user_gets_no_token(agent, manager, anonymous_api):
    user_deactivate(user=agent, by=manager)
    response = anonymous_api.post(
        "/auth/token", {"email": "claire@duret.example", "password": "secret-pass"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Identifiants invalides."}


def test_token_request_with_missing_fields_names_them(anonymous_api):
    response = anonymous_api.post("/auth/token", {"email": "x@y.fr"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"password": ["Ce champ est obligatoire."]}


def test_missing_token_is_401_json_in_french(anonymous_api):
    response = anonymous_api.get("/companies")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Authorization: Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Token abc", "Bearer", "Basic Y2xhaXJlOnNlY3JldA=="])
def test_malformed_authorization_header_is_401(db, header):
    client = Api().client
    response = client.get("/api/v1/people", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_unknown_token_is_401(db):
    response = Api(token="pas-un-jeton").get("/people")
    assert response.status_code == 401
    assert response.json()["detail"] == "Jeton invalide ou révoqué, ou utilisateur en sommeil."


def test_deactivated_users_token_stops_working(agent, manager):
    api = Api(agent)
    assert api.get("/people").status_code == 200
    user_deactivate(user=agent, by=manager)
    response = api.get("/people")
    assert response.status_code == 401
    assert response.json()["detail"] == "Jeton invalide ou révoqué, ou utilisateur en sommeil."


def test_inactive_user_with_unrevoked_token_is_refused(agent):
    api = Api(agent)
    agent.is_active = False
    agent.save()
    assert api.get("/companies").status_code == 401


def test_session_login_alone_does_not_open_the_api(agent_client):
    response = agent_client.get("/api/v1/companies")
    assert response.status_code == 401


# Open to anyone: getting a token, and the online booking a company's website embeds.
# The inbound e-mail route for providers is authenticated by the mailbox's secret in its URL.
PUBLIC_PATHS = {
    "/api/v1/auth/token",
    "/api/v1/availability",
    "/api/v1/bookings",
    "/api/v1/inbound/email/{secret}",
}


def test_every_route_but_the_token_and_public_booking_requires_a_token(anonymous_api):
    schema = anonymous_api.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path in PUBLIC_PATHS:
                assert "security" not in operation
            else:
                assert operation["security"] == [{"BearerAuth": []}], (method, path)


# --- Read-only role ---------------------------------------------------------------------


def _write_calls(workspace, agent):
    company = CompanyFactory(workspace=workspace)
    person = PersonFactory(workspace=workspace)
    site = SiteFactory(person=person)
    interaction = InteractionFactory(owner=agent)
    return [
        ("post", "/companies", {"name": "Nouvelle"}),
        ("patch", f"/companies/{company.pk}", {"name": "Renommée"}),
        ("post", "/people", {"last_name": "Nouveau"}),
        ("patch", f"/people/{person.pk}", {"last_name": "Renommé"}),
        ("post", "/sites", {"person": person.pk, "name": "Nouveau site"}),
        ("patch", f"/sites/{site.pk}", {"name": "Renommé"}),
        (
            "post",
            "/interactions",
            {"subject": "x", "process": "support", "starts_at": "2025-03-12T14:30"},
        ),
        ("patch", f"/interactions/{interaction.pk}", {"state": "done"}),
        ("post", f"/interactions/{interaction.pk}/notes", {"body": "Rappelé."}),
    ]


def _snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Company, Person, Site, ContactPoint, Interaction, Note)
    ]


def test_read_only_role_reads_but_cannot_write(workspace, agent, reader_api):
    calls = _write_calls(workspace, agent)
    before = _snapshot()
    for method, path, body in calls:
        response = getattr(reader_api, method)(path, body)
        assert response.status_code == 403, (method, path, response.content)
        assert response.json() == {"detail": "Votre rôle ne permet pas de modifier les données."}
    assert _snapshot() == before
    assert reader_api.get("/companies").status_code == 200
    assert reader_api.get(f"/interactions/{Interaction.objects.get().pk}").status_code == 200


def test_read_only_role_gets_403_even_with_a_faulty_body(reader_api):
    response = reader_api.post("/companies", {"name": "x", "siret": "123"})
    assert response.status_code == 403
