"""M. Dupont books online on his phone; his record is reused, Gaëtan and the mailbox see it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.conftest import smtp_server  # noqa: F401 - the SMTP server fixture
from comptoir.contacts.models import Person
from comptoir.scheduling.models import Channel, Visit
from e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret(duret):
    workspace = duret["workspace"]
    workspace.phone = "04 50 27 18 40"
    workspace.city = "Annecy"
    workspace.save()
    return duret


def test_monsieur_dupont_books_online_on_his_phone(
    browser,
    live_server,
    duret,
    smtp_server,  # noqa: F811
):
    phone = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone.set_default_timeout(10_000)

    # Claire's desk is open at the office while M. Dupont books.
    office = browser.new_context(base_url=live_server.url, locale="fr-FR")
    office.set_default_timeout(10_000)
    desk = login(office, "claire@duret.example", "/bureau/")
    bookings = desk.locator("#desk-bookings-panel")
    expect(bookings).to_contain_text("Aucune réservation en ligne")

    page = phone.new_page()
    page.goto("/r/duret/")
    expect(page.get_by_role("heading", name="Prendre rendez-vous")).to_be_visible()
    page.get_by_role("link", name=re.compile("Dépannage électrique")).click()

    page.get_by_label("Adresse").fill("12 rue de la Mairie")
    page.get_by_label("Code postal").fill("74000")
    page.get_by_label("Ville").fill("Annecy")
    page.get_by_role("button", name="Voir les créneaux").click()

    expect(page.get_by_text("Étape 3 sur 5")).to_be_visible()
    first = page.get_by_role("button", name=re.compile(r", de .+ à .+, disponible$")).first
    expect(first).to_have_attribute("aria-pressed", "false")
    first.click()
    expect(first).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label("Nom et prénom").fill("M. Pierre Dupont")
    page.get_by_label("Téléphone").fill("+33 6 12 34 56 78")
    page.get_by_label("E-mail").fill("p.dupont@gmail.com")
    page.get_by_label("Message (facultatif)").fill("Le disjoncteur saute le soir.")
    page.get_by_role("button", name="Vérifier ma demande").click()
    page.get_by_role("button", name="Confirmer le rendez-vous").click()

    expect(page.get_by_role("heading", name="Votre rendez-vous est confirmé")).to_be_visible()
    # ...and Claire sees it at once, without reloading her desk.
    expect(bookings).to_contain_text("Dupont", timeout=2_000)
    visit = Visit.objects.select_related("interaction").get()
    expect(page.get_by_text(visit.reference)).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter à mon agenda")).to_be_visible()

    # The known customer is linked, not duplicated.
    assert visit.channel == Channel.ONLINE
    assert visit.interaction.person == duret["dupont"]
    assert Person.objects.filter(last_name="Dupont").count() == 1
    assert visit.technician == duret["technician"]

    # Gaëtan's schedule of that day shows the job.
    field = browser.new_context(base_url=live_server.url, locale="fr-FR")
    field.set_default_timeout(10_000)
    tech = login(field, "gaetan@duret.example", "/planning/")
    day = timezone.localtime(visit.starts_at).date().isoformat()
    tech.goto(f"/planning/?jour={day}")
    expect(tech.get_by_text("Dupont").first).to_be_visible()

    # The confirmation e-mail went out with its invitation.
    for _ in range(50):
        if smtp_server.messages:
            break
        page.wait_for_timeout(100)
    assert smtp_server.messages, "no confirmation e-mail received"
    message = smtp_server.messages[0]
    assert "p.dupont@gmail.com" in smtp_server.envelopes[0][1]
    attachments = [part.get_content_type() for part in message.iter_attachments()]
    assert "text/calendar" in attachments
    field.close()
    office.close()
    phone.close()
