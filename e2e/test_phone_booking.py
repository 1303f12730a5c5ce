"""Claire books by phone from M. Dupont's record, in at most five clicks."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import user_create, workspace_create
from comptoir.contacts.services import contact_point_add, person_create, site_create
from comptoir.scheduling.models import Channel, Visit
from comptoir.scheduling.tests.factories import TechnicianFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    claire = user_create(
        workspace=workspace,
        email="claire@duret.example",
        password="comptoir-demo",
        first_name="Claire",
        last_name="Morel",
        role=Role.AGENT,
    )
    gaetan = user_create(
        workspace=workspace,
        email="gaetan@duret.example",
        password="comptoir-demo",
        first_name="Gaëtan",
        last_name="Roux",
        role=Role.TECHNICIAN,
    )
    technician = TechnicianFactory(
        user=gaetan, home_postcode="74000", home_latitude=45.8992, home_longitude=6.1294
    )
    dupont = person_create(
        by=claire,
        civility="M.",
        first_name="Pierre",
        last_name="Dupont",
        street="12 rue de la Mairie",
        postcode="74000",
        city="Annecy",
    )
    contact_point_add(by=claire, person=dupont, kind="phone", value="06 12 34 56 78")
    site_create(
        by=claire, person=dupont, street="12 rue de la Mairie", postcode="74000", city="Annecy"
    )
    return {"claire": claire, "technician": technician, "dupont": dupont}


def test_claire_books_by_phone_from_duponts_page_in_five_clicks(page, duret):
    dupont = duret["dupont"]
    page.goto("/comptes/login/")
    page.get_by_label("Adresse e-mail").fill("claire@duret.example")
    page.get_by_label("Mot de passe").fill("comptoir-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/bureau/$"))
    page.goto(f"/clients/personnes/{dupont.pk}/")
    opened = timezone.now()

    clicks = 0

    def click(locator):
        nonlocal clicks
        clicks += 1
        locator.click()

    click(page.get_by_role("link", name="Prendre RDV", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dupont")
    # Service and site come preselected; the phone is the default channel.
    expect(page.locator("#id_service")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Demande reçue par")).to_have_value("phone")
    first = page.locator("button.slot-btn").first
    expect(first).to_contain_text("Gaëtan Roux")
    expect(first).to_contain_text("min de trajet")
    click(first)

    expect(page.locator(".messages")).to_contain_text(
        re.compile(r"RDV confirmé : \w+ \d\d/\d\d \d+ h \d\d avec Gaëtan · confirmation envoyée")
    )
    assert clicks <= 5
    visit = Visit.objects.get()
    assert visit.channel == Channel.PHONE
    assert visit.interaction.person == dupont
    assert visit.technician == duret["technician"]
    assert opened - dt.timedelta(seconds=5) <= visit.requested_at <= visit.confirmed_at
    expect(page).to_have_url(re.compile(rf"/interactions/{visit.interaction_id}/$"))
