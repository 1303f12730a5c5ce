"""Réglages › Espace: the workspace identity form, for admins only."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from comptoir.accounts.models import Workspace

URL = reverse("accounts:settings")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#1f6feb").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def text(response):
    return html.unescape(response.content.decode())


def data(**overrides):
    values = {
        "name": "Duret Électricité SARL",
        "siren": "732 829 320",
        "street": "3 rue des Artisans",
        "postcode": "69003",
        "city": "Lyon",
        "phone": "04 78 12 34 56",
        "timezone": "Europe/Paris",
        "locale": "fr",
    }
    values.update(overrides)
    return values


def test_admin_sees_the_identity_form_and_links(manager_client, workspace):
    page = text(manager_client.get(URL))
    assert 'value="Duret Électricité"' in page
    assert "Europe/Paris" in page
    assert reverse("accounts:users") in page
    assert reverse("contacts:reference_lists") in page
    assert reverse("activities:process_access") in page
    assert reverse("accounts:account") in page


def test_admin_saves_the_identity(manager_client, workspace):
    response = manager_client.post(URL, data())
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.name == "Duret Électricité SARL"
    assert workspace.siren == "732829320"
    assert workspace.phone == "+33478123456"
    assert (workspace.city, workspace.postcode, workspace.timezone) == (
        "Lyon",
        "69003",
        "Europe/Paris",
    )
    page = text(manager_client.get(URL))
    assert "Les réglages de l'espace sont enregistrés." in page
    assert 'value="04 78 12 34 56"' in page  # shown the French way


def test_invalid_siren_gives_a_french_error_and_saves_nothing(manager_client, workspace):
    response = manager_client.post(URL, data(siren="732 829 321"))
    assert response.status_code == 400
    page = text(response)
    assert "SIREN invalide : 9 chiffres avec une clé de contrôle juste." in page
    assert "Rien n'a été enregistré" in page
    workspace.refresh_from_db()
    assert (workspace.name, workspace.siren) == ("Duret Électricité", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "Ce champ est obligatoire."),
        ("phone", "12", "« 12 » n'est pas un numéro de téléphone valide."),
        ("timezone", "Mars/Olympus", "Sélectionnez un choix valide."),
        ("locale", "de", "Sélectionnez un choix valide."),
    ],
)
def test_other_bad_input_is_refused_in_french(manager_client, workspace, field, value, message):
    response = manager_client.post(URL, data(**{field: value}))
    assert response.status_code == 400
    assert message in text(response)
    assert Workspace.objects.get(pk=workspace.pk).name == "Duret Électricité"


def test_logo_upload_image_only_and_small(manager_client, workspace):
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    assert manager_client.post(URL, {**data(), "logo": logo}).status_code == 302
    workspace.refresh_from_db()
    assert workspace.logo.name.startswith("logos/logo")

    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = manager_client.post(URL, {**data(), "logo": fake})
    assert response.status_code == 400
    assert "Téléversez une image valide." in text(response)

    big = SimpleUploadedFile("big.png", PNG + b"\0" * 600_000, content_type="image/png")
    response = manager_client.post(URL, {**data(), "logo": big})
    assert response.status_code == 400
    assert "Le logo dépasse 512 Ko" in text(response)


def test_logo_can_be_removed(manager_client, workspace):
    manager_client.post(URL, {**data(), "logo": SimpleUploadedFile("l.png", PNG, "image/png")})
    manager_client.post(URL, {**data(), "logo-clear": "on"})
    workspace.refresh_from_db()
    assert not workspace.logo


def test_non_admins_get_403(agent_client, workspace):
    assert agent_client.get(URL).status_code == 403
    assert agent_client.post(URL, data(name="Piraté")).status_code == 403
    workspace.refresh_from_db()
    assert workspace.name == "Duret Électricité"


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_admin_changes_only_their_own_workspace(manager_client, workspace, other_workspace):
    manager_client.post(URL, data(name="Nouveau nom"))
    other_workspace.refresh_from_db()
    assert other_workspace.name == "Concurrent SARL"
