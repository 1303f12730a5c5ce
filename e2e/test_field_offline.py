"""Gaëtan fills the intervention report offline on his phone; back online it syncs once."""

import io
import os
import re
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.conftest import smtp_server  # noqa: F401 - the SMTP server fixture
from comptoir.field.models import InterventionReport
from comptoir.field.tests import factories
from comptoir.field.tests.conftest import today_at
from comptoir.scheduling.tests.factories import TechnicianFactory
from e2e.conftest import login, member

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def duret():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    workspace.phone, workspace.city = "+33450271840", "Annecy"
    workspace.street, workspace.postcode = "3 avenue de Genève", "74000"
    workspace.save()
    member(workspace, "sophie", "Sophie", role=Role.ADMIN)
    gaetan = member(workspace, "gaetan", "Gaëtan", "Perrin", Role.TECHNICIAN)
    technician = TechnicianFactory(user=gaetan, skills=["depannage"])
    person, site = factories.customer(workspace)
    visit = factories.visit(technician, starts_at=today_at(9), person=person, site=site)
    visit.customer_notes = "Le disjoncteur de la cuisine saute dès qu'on branche le four."
    visit.save()
    return {"visit": visit, "person": person}


def photo_bytes():
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (90, 140, 200)).save(out, "JPEG", quality=90)
    return out.getvalue()


def test_gaetan_reports_offline_and_it_syncs_once(browser, live_server, duret, smtp_server):  # noqa: F811
    visit = duret["visit"]
    phone = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    login(page, "gaetan@duret.example", "/field/")
    expect(page).to_have_url(re.compile(r"/field/$"))
    # The service worker is installed and today's visit pages are kept on the phone.
    expect(page.locator("body[data-offline-ready='1']")).to_have_count(1)
    shot(page, "field-today")

    page.get_by_role("link", name=re.compile("DUPONT|Dupont")).click()
    expect(page.get_by_text("Digicode 1234")).to_be_visible()
    shot(page, "field-visit")

    phone.set_offline(True)
    expect(page.locator("#net-status")).to_contain_text("Hors ligne")
    # Even a reload works offline: the page comes from the phone's cache.
    page.reload()
    expect(page.get_by_text("Digicode 1234")).to_be_visible()

    page.get_by_role("button", name=re.compile("Démarrer")).click()
    page.get_by_label("Travaux réalisés").fill(
        "Disjoncteur 20 A du circuit four remplacé, serrage des bornes, essais OK."
    )
    for label in (
        "Couper l'alimentation avant intervention",
        "Vérifier l'absence de tension (VAT)",
        "Identifier la cause de la panne",
        "Remettre sous tension et contrôler",
    ):
        page.get_by_label(re.compile(re.escape(label))).check()
    page.locator("#photo-after").set_input_files(
        {"name": "apres.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    expect(page.locator("[data-thumbs='after'] img")).to_have_count(1)
    page.get_by_role("button", name="+ Ajouter une ligne").click()
    page.locator(".material-row select").select_option(label="Disjoncteur divisionnaire 32 A · u")

    # "Terminer" says what is missing before the signature is drawn.
    page.get_by_role("button", name="Terminer l'intervention").click()
    expect(page.locator("#missing")).to_have_text("Il manque : signature")

    canvas = page.locator("#signature")
    # In the middle of the screen: the sticky "Terminer" bar covers the bottom.
    canvas.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for x, y in ((80, 40), (130, 130), (180, 50), (230, 120), (300, 60)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    page.mouse.up()
    shot(page, "field-report-form")

    page.get_by_role("button", name="Terminer l'intervention").click()
    expect(page.locator("#report-state")).to_contain_text("◷ Rapport en attente d'envoi")
    expect(page.locator("#sync-status")).to_contain_text("en attente ◷")
    shot(page, "field-offline")
    time.sleep(1)
    assert not InterventionReport.objects.filter(status="completed").exists()

    phone.set_offline(False)
    expect(page.locator("#report-state")).to_contain_text("Rapport envoyé", timeout=20_000)
    expect(page.locator("#sync-status")).to_contain_text(re.compile(r"Synchronisé à \d\d:\d\d"))
    expect(page.locator("#net-status")).to_contain_text("En ligne")

    report = InterventionReport.objects.get()
    assert InterventionReport.objects.count() == 1
    assert report.visit_id == visit.pk and report.is_completed
    assert report.started_at is not None and report.duration_minutes >= 1
    assert report.photos.get().kind == "after"
    assert [line.label for line in report.lines.all()] == ["Disjoncteur divisionnaire 32 A"]
    report.pdf.open("rb")
    pdf = report.pdf.read()
    report.pdf.close()
    assert pdf[:4] == b"%PDF"
    if SHOTS:
        with open(os.path.join(SHOTS, "field-report.pdf"), "wb") as out:
            out.write(pdf)
    with Image.open(report.photos.get().image) as stored:
        assert max(stored.size) <= 1600  # compressed on the phone

    def reports():
        return [
            m
            for m in smtp_server.messages
            if any(part.get_filename() for part in m.iter_attachments())
        ]

    deadline = time.monotonic() + 10
    while not reports() and time.monotonic() < deadline:
        time.sleep(0.1)
    # The report went once (the satisfaction survey of the finished visit is another e-mail).
    assert len(reports()) == 1
    message = reports()[0]
    assert message["To"] == "pierre.dupont@example.fr"
    attachments = [part for part in message.iter_attachments()]
    assert [a.get_filename() for a in attachments] == [f"rapport-{visit.reference}.pdf"]
    assert attachments[0].get_content()[:4] == b"%PDF"

    # Nothing is sent twice: the queue is empty, a later sync sends nothing.
    page.reload()
    expect(page.get_by_text("Intervention terminée")).to_be_visible()
    shot(page, "field-visit-done")
    time.sleep(1)
    assert len(reports()) == 1
    phone.close()
