"""Claire opens a request for M. Dupont from his page, answers him, then waits for him."""

import pytest
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.contacts.services import contact_point_add, person_create
from comptoir.messaging.models import Message
from comptoir.tickets.models import Status, Ticket
from e2e.conftest import login, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    claire = member(workspace, "claire", "Claire", "Morel", Role.AGENT)
    dupont = person_create(by=claire, civility="M.", first_name="Pierre", last_name="Dupont")
    contact_point_add(by=claire, person=dupont, kind="email", value="p.dupont@gmail.com")
    return {"claire": claire, "dupont": dupont}


def test_claire_opens_answers_and_pauses_a_request(page, duret):
    dupont = duret["dupont"]
    login(page, "claire@duret.example")

    page.goto(dupont.get_absolute_url())
    panel = page.locator("#customer-tickets-panel")
    expect(panel).to_contain_text("Aucune demande.")
    panel.get_by_role("link", name="+ Nouvelle demande").click()
    expect(page.get_by_label("Personne")).to_have_value(str(dupont.pk))
    page.get_by_label("Objet").fill("Disjoncteur qui saute")
    page.get_by_label("Priorité").select_option("2")
    page.get_by_role("button", name="Ouvrir la demande").click()

    expect(page.locator("h1")).to_contain_text("Disjoncteur qui saute")
    due = page.locator("#due-times")
    expect(due).to_contain_text("Réponse avant")
    expect(due).to_contain_text("Résolution avant")

    page.get_by_label("Réponse").fill("Bonjour, notre technicien vous rappelle dans l'heure.")
    page.get_by_role("button", name="Envoyer l'e-mail à M. Pierre Dupont").click()
    expect(page.locator(".msg-reply")).to_contain_text("p.dupont@gmail.com")
    expect(due).to_contain_text("Réponse le")

    page.get_by_role("button", name="En attente client").click()
    expect(page.locator(".ticket-head .status-pill")).to_have_text("En attente client")
    expect(due).to_contain_text("Résolution : délai suspendu (attente client)")

    ticket = Ticket.objects.get()
    assert ticket.status == Status.WAITING and ticket.paused_at is not None
    assert Message.objects.filter(to="p.dupont@gmail.com").exists()
    page.goto(dupont.get_absolute_url())
    expect(page.locator("#customer-tickets-panel")).to_contain_text(ticket.reference)
