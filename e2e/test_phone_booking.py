"""Claire books by phone from M. Dupont's record, in at most five clicks."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.scheduling.models import Channel, Visit
from e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_claire_books_by_phone_from_duponts_page_in_five_clicks(page, duret):
    dupont = duret["dupont"]
    login(page, "claire@duret.example")
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
