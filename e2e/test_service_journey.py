"""The whole service journey as people click it: Claire opens M. Dupont's request and books
Gaëtan from it; Gaëtan reports offline on his phone and it syncs; the report reaches
M. Dupont by e-mail, he answers the survey; Sophie sees his answer on the service dashboard."""

import io
import re
import time
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.conftest import smtp_server  # noqa: F401 - the SMTP server fixture
from comptoir.contacts.services import contact_point_add
from comptoir.field.models import InterventionReport
from comptoir.portal.models import Survey
from comptoir.scheduling.models import Visit
from comptoir.tickets.models import Status, Ticket
from e2e.conftest import login, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUPONT_EMAIL = "p.dupont@gmail.com"
LIVE = 20_000  # ms: the live server renders PDFs and sends e-mails inline


@pytest.fixture
def journey(duret):
    """The Duret workspace with M. Dupont's e-mail address and Sophie, the service manager."""
    contact_point_add(by=duret["claire"], person=duret["dupont"], kind="email", value=DUPONT_EMAIL)
    member(duret["workspace"], "sophie", "Sophie", "Lambert", Role.MANAGER)
    return duret


def _context(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **options
    )
    context.set_default_timeout(LIVE)
    return context


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 40)).save(out, "JPEG", quality=80)
    return out.getvalue()


def _wait_for_mail(server, matches, what):
    """The first e-mail received for which ``matches`` holds (waits up to 15 s)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for message in list(server.messages):
            if matches(message):
                return message
        time.sleep(0.05)
    raise AssertionError(f"no e-mail {what}; received: {[m['Subject'] for m in server.messages]}")


def _pdfs(message):
    return [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]


def _claire_opens_and_books(page, dupont):
    """Steps 1–2: the request through the ticket form, then « Planifier une intervention »."""
    login(page, "claire@duret.example")
    page.goto(dupont.get_absolute_url())
    page.locator("#customer-tickets-panel").get_by_role("link", name="+ Nouvelle demande").click()
    expect(page.get_by_label("Personne")).to_have_value(str(dupont.pk))
    page.get_by_label("Objet").fill("Disjoncteur qui saute")
    page.get_by_label("Description").fill("Le disjoncteur de la cuisine saute avec le four.")
    page.get_by_role("button", name="Ouvrir la demande").click()
    expect(page.locator("h1")).to_contain_text("Disjoncteur qui saute")
    ticket = Ticket.objects.get()
    assert ticket.person == dupont and ticket.interaction_id is not None
    expect(page).to_have_url(re.compile(rf"/demandes/{ticket.pk}/$"))

    page.get_by_role("link", name="Planifier une intervention").click()
    expect(page).to_have_url(
        re.compile(rf"/planning/rdv/nouveau/\?.*request={ticket.interaction_id}(&|$)")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dupont")
    first = page.locator("button.slot-btn").first
    expect(first).to_contain_text("Gaëtan Roux")
    first.click()

    # Back on the request: scheduled, with the visit in its « Interventions » panel.
    expect(page).to_have_url(re.compile(rf"/demandes/{ticket.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(re.compile(r"RDV confirmé : .* avec Gaëtan"))
    expect(page.locator(".ticket-head .status-pill")).to_have_text("Planifié")
    visit = Visit.objects.get()
    interventions = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile(r"^Interventions\b"))
    )
    expect(interventions).to_contain_text(visit.reference)
    expect(interventions).to_contain_text("Gaëtan")
    ticket.refresh_from_db()
    assert ticket.status == Status.SCHEDULED
    assert visit.request_id == ticket.interaction_id
    assert visit.interaction.person == dupont
    return ticket, visit


def _sign(page):
    canvas = page.locator("#signature")
    # In the middle of the screen: the sticky « Terminer » bar covers the bottom.
    canvas.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 110)
    page.mouse.down()
    for x, y in ((70, 40), (120, 120), (170, 50), (220, 115), (290, 60)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    page.mouse.up()


def _gaetan_reports_offline(phone, visit):
    """Step 3: the technician app on his phone, the network cut while he works."""
    page = login(phone, "gaetan@duret.example", "/field/")
    expect(page).to_have_url(re.compile(r"/field/$"))
    expect(page.locator("body[data-offline-ready='1']")).to_have_count(1)
    card = page.locator(".visit-card", has_text=visit.reference)
    expect(card).to_contain_text("Dupont")
    card.get_by_role("link").click()
    expect(page.locator(".visit-id")).to_contain_text(visit.reference)

    phone.set_offline(True)
    expect(page.locator("#net-status")).to_contain_text("Hors ligne")
    page.get_by_role("button", name=re.compile("Démarrer")).click()
    expect(page.locator("[data-timer-text]")).to_contain_text("Arrivé à")
    page.get_by_label("Travaux réalisés").fill(
        "Disjoncteur 20 A du circuit four remplacé, bornes resserrées, essais OK."
    )
    for box in page.locator("#report-form input[name='checklist']").all():
        box.check()
    page.locator("#photo-after").set_input_files(
        {"name": "apres.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    expect(page.locator("[data-thumbs='after'] img")).to_have_count(1)
    _sign(page)
    page.get_by_label("Nom du signataire").fill("Pierre Dupont")
    page.get_by_role("button", name="Terminer l'intervention").click()

    # Kept on the phone until the network is back.
    expect(page.locator("#report-state")).to_contain_text("◷ Rapport en attente d'envoi")
    expect(page.locator("#sync-status")).to_contain_text("en attente ◷")
    assert not InterventionReport.objects.filter(visit=visit, status="completed").exists()

    phone.set_offline(False)
    expect(page.locator("#report-state")).to_contain_text("Rapport envoyé", timeout=30_000)
    expect(page.locator("#sync-status")).to_contain_text(re.compile(r"Synchronisé à \d\d:\d\d"))
    expect(page.locator("#net-status")).to_contain_text("En ligne")
    report = InterventionReport.objects.get(visit=visit)
    assert report.is_completed and report.signer_name == "Pierre Dupont"
    assert report.photos.count() == 1
    return report


def _dupont_answers_the_survey(anonymous, server):
    """Step 4: the survey e-mail's one-click link, then the recommendation and a comment."""
    mail = _wait_for_mail(
        server,
        lambda m: DUPONT_EMAIL in m["To"] and "Votre avis" in m["Subject"],
        f"« Votre avis » to {DUPONT_EMAIL}",
    )
    text = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(https?://\S+/avis/\S+\?note=5)", text).group(1)
    parts = urlsplit(link)
    page = anonymous.new_page()
    page.goto(f"{parts.path}?{parts.query}")
    expect(page.get_by_role("heading", name="Votre avis")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Votre note de 5/5 est enregistrée")

    page.locator("label[for='nps-9']").click()
    expect(page.locator("#nps-9")).to_be_checked()
    expect(page.locator("#csat-5")).to_be_checked()
    page.get_by_label("Un commentaire ? (facultatif)").fill("Technicien ponctuel et soigneux.")
    page.get_by_role("button", name="Enregistrer mon avis").click()
    expect(page.get_by_role("status")).to_contain_text("Merci ! Votre avis est enregistré.")
    return mail


def test_a_request_goes_from_the_desk_to_the_field_to_the_customers_opinion(
    browser,
    live_server,
    page,
    journey,
    smtp_server,  # noqa: F811
):
    dupont = journey["dupont"]
    page.set_default_timeout(LIVE)
    started = time.monotonic()

    ticket, visit = _claire_opens_and_books(page, dupont)

    phone = _context(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    report = _gaetan_reports_offline(phone, visit)
    phone.close()

    # The signed report reaches M. Dupont by e-mail, as a PDF.
    report_mail = _wait_for_mail(
        smtp_server,
        lambda m: DUPONT_EMAIL in m["To"] and _pdfs(m),
        f"with a PDF to {DUPONT_EMAIL}",
    )
    (pdf,) = _pdfs(report_mail)
    assert pdf.get_filename() == f"rapport-{visit.reference}.pdf"
    assert pdf.get_content()[:4] == b"%PDF"
    assert sum(1 for m in smtp_server.messages if _pdfs(m)) == 1

    # Claire's request shows the signed report in its conversation.
    page.goto(ticket.get_absolute_url())
    report_link = page.locator(".conversation").get_by_role(
        "link", name=f"PDF · rapport-{visit.reference}.pdf"
    )
    expect(report_link).to_be_visible()
    expect(report_link).to_have_attribute("href", re.compile(r"/demandes/pieces-jointes/\d+/$"))

    anonymous = _context(browser, live_server, viewport={"width": 390, "height": 844})
    _dupont_answers_the_survey(anonymous, smtp_server)
    anonymous.close()
    survey = Survey.objects.get()
    assert (survey.csat, survey.nps, survey.comment) == (5, 9, "Technicien ponctuel et soigneux.")
    assert survey.visit_id == visit.pk or survey.ticket_id == ticket.pk
    assert survey.person == dupont

    # Sophie's service dashboard counts the answer.
    office = _context(browser, live_server, viewport={"width": 1366, "height": 900})
    sophie = login(office, "sophie@duret.example", "/tableau-de-bord/service/")
    expect(sophie.get_by_role("heading", level=1)).to_have_text("Tableau de bord du service")
    nps = sophie.locator(".kpi", has=sophie.get_by_role("heading", name="NPS", exact=True))
    expect(nps.locator(".big")).to_have_text("+100")
    expect(nps).to_contain_text("1 réponse (de −100 à +100)")
    csat = sophie.locator(".kpi", has=sophie.get_by_role("heading", name="Satisfaction"))
    expect(csat.locator(".big")).to_contain_text("5,0")
    expect(csat).to_contain_text("CSAT · 1 réponse")
    office.close()

    assert report.visit_id == visit.pk
    print(f"\nService journey: {time.monotonic() - started:.1f} s in the browser")
