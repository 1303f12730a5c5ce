"""/media/: a file is served only to who may see its row; anything else is the same 404."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from PIL import Image

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.field.models import InterventionReport
from comptoir.field.tests import factories as field_factories
from comptoir.imports.models import ImportJob
from comptoir.inbox.models import InboundAttachment, InboundMessage, Outcome, Source
from comptoir.media.views import KINDS
from comptoir.scheduling.tests.factories import TechnicianFactory
from comptoir.tickets.services import ticket_attach
from comptoir.tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(out, "PNG")
    return out.getvalue()


def url(field_file) -> str:
    return f"/media/{field_file.name}"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def attachment(agent):
    ticket = open_ticket(by=agent)
    photo = SimpleUploadedFile("tableau.png", png_bytes(), content_type="image/png")
    return ticket_attach(ticket=ticket, by=agent, file=photo)


def inbound_file(workspace, filename: str, content: bytes) -> InboundAttachment:
    inbound = InboundMessage.objects.create(
        workspace=workspace,
        source=Source.API,
        key=f"<{filename}@example.fr>",
        from_address="pierre.dupont@example.fr",
        outcome=Outcome.UNKNOWN_SENDER,
    )
    inbound.raw.save("email.eml", ContentFile(b"Subject: test\r\n\r\nBonjour"))
    item = InboundAttachment(
        workspace=workspace,
        message=inbound,
        filename=filename,
        content_type="application/octet-stream",
        size=len(content),
    )
    item.file.save(filename, ContentFile(content))
    return item


def test_a_member_opens_a_ticket_photo_inline_with_nosniff(agent_client, attachment):
    assert attachment.file.name.startswith(f"tickets/{attachment.workspace_id}/")

    response = agent_client.get(url(attachment.file))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    name = attachment.file.name.rsplit("/", 1)[-1]  # "tableau.png", or "tableau_<x>.png" if taken
    assert name.startswith("tableau") and name.endswith(".png")
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_another_workspace_anonymous_or_inactive_get_the_same_404_as_a_missing_file(
    client, attachment, outsider, agent
):
    missing = f"/media/tickets/{attachment.workspace_id}/2026/01/absent.png"
    assert client.get(url(attachment.file)).status_code == 404
    assert client.get(missing).status_code == 404

    outsider_client = signed_in(outsider)
    assert outsider_client.get(url(attachment.file)).status_code == 404
    assert outsider_client.get(missing).status_code == 404

    agent_client = signed_in(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert agent_client.get(url(attachment.file)).status_code == 404


def test_a_member_without_workspace_gets_404(attachment):
    admin = UserFactory(workspace=None, email="admin@example.com", is_staff=True)
    assert signed_in(admin).get(url(attachment.file)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "../comptoir/settings.py",
        "tickets/../../comptoir/settings.py",
        "tickets/%2e%2e/%2e%2e/comptoir/settings.py",
        "/etc/passwd",
        "tickets\\..\\..\\comptoir\\settings.py",
        "./tickets/x.png",
    ],
)
def test_a_path_leaving_the_media_folder_is_not_found(agent_client, path):
    assert agent_client.get(f"/media/{path}").status_code == 404


def test_a_path_that_only_resolves_to_a_real_file_is_not_found(agent_client, attachment):
    folder, name = attachment.file.name.rsplit("/", 1)
    detour = f"/media/{folder}/../{folder.rsplit('/', 1)[1]}/{name}"

    assert agent_client.get(detour).status_code == 404
    assert agent_client.get(url(attachment.file)).status_code == 200


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("faux.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_an_uploaded_page_or_svg_is_never_served_as_a_page(
    agent_client, workspace, filename, content
):
    item = inbound_file(workspace, filename, content)

    response = agent_client.get(url(item.file))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert "html" not in response["Content-Type"]
    assert "svg" not in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    if filename.endswith(".png"):  # shown as an image: the browser cannot run it as a page
        assert response["Content-Type"] == "image/png"
    else:
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_the_raw_email_is_a_download_for_members_only(agent_client, workspace, outsider):
    item = inbound_file(workspace, "devis.pdf", b"%PDF-1.4 devis")
    raw = item.message.raw

    response = agent_client.get(url(raw))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert signed_in(outsider).get(url(raw)).status_code == 404
    pdf = agent_client.get(url(item.file))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'inline; filename="devis.pdf"'


def test_a_signature_is_for_its_technician_and_the_office_not_another_technician(
    workspace, technician, agent
):
    gaetan = TechnicianFactory(user=technician)
    person, site = field_factories.customer(workspace)
    visit = field_factories.visit(gaetan, person=person, site=site)
    report = InterventionReport(workspace=workspace, visit=visit, technician=technician)
    report.signature.save("signature.png", ContentFile(png_bytes()))
    karim = UserFactory(workspace=workspace, email="karim@duret.example", role=Role.TECHNICIAN)
    TechnicianFactory(user=karim)

    assert report.signature.name.startswith(f"field/{workspace.pk}/")
    assert signed_in(technician).get(url(report.signature)).status_code == 200
    assert signed_in(agent).get(url(report.signature)).status_code == 200
    assert signed_in(karim).get(url(report.signature)).status_code == 404


def test_an_import_file_is_for_members_of_its_workspace(agent, workspace, outsider):
    job = ImportJob(workspace=workspace, kind="people", source="Excel", created_by=agent)
    job.file.save("clients.csv", ContentFile("Nom;Prénom\nDupont;Pierre\n".encode()))

    response = signed_in(agent).get(url(job.file))

    assert response.status_code == 200
    name = job.file.name.rsplit("/", 1)[-1]  # "clients.csv", or "clients_<x>.csv" if taken
    assert name.startswith("clients") and name.endswith(".csv")
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert signed_in(outsider).get(url(job.file)).status_code == 404


def test_the_current_logo_is_public_an_old_one_is_not(client, manager_client, workspace):
    manager_client.post(
        reverse("accounts:settings"),
        {
            "name": workspace.name,
            "timezone": "Europe/Paris",
            "locale": "fr",
            "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
        },
    )
    workspace.refresh_from_db()
    old = workspace.logo.name
    settings_page = manager_client.get(reverse("accounts:settings")).content.decode()
    assert f'src="/media/{old}"' in settings_page

    response = client.get(f"/media/{old}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]

    workspace.logo.save("nouveau.png", ContentFile(png_bytes()))
    assert client.get(f"/media/{old}").status_code == 404
    assert client.get(f"/media/{workspace.logo.name}").status_code == 200


def test_every_upload_field_has_an_owner_rule():
    """A new FileField without a rule would be a 404 for everyone: add it to KINDS."""
    covered = {(kind.model, kind.field) for kinds in KINDS.values() for kind in kinds}
    fields = {
        (model, field.name)
        for model in apps.get_models()
        if model.__module__.startswith("comptoir.")
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert fields == covered


def test_on_disk_only_referenced_files_inside_the_media_folder_are_served(
    settings, tmp_path, agent, agent_client
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "secret.txt").write_text("mot de passe")
    ticket = open_ticket(by=agent)
    photo = SimpleUploadedFile("tableau.png", png_bytes(), content_type="image/png")
    attachment = ticket_attach(ticket=ticket, by=agent, file=photo)
    stored_folder = attachment.file.name.rsplit("/", 1)[0]
    folder = tmp_path / "media" / stored_folder
    assert (folder / "tableau.png").exists()
    (folder / "orphelin.png").write_bytes(png_bytes())

    served = agent_client.get(url(attachment.file))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == png_bytes()
    assert agent_client.get(f"/media/{stored_folder}/orphelin.png").status_code == 404
    assert agent_client.get("/media/../secret.txt").status_code == 404
    attachment.file.storage.delete(attachment.file.name)
    assert agent_client.get(url(attachment.file)).status_code == 404
