"""A technician of an English workspace: the app's JavaScript texts come from the catalogue in
his language, which the phone keeps for offline use."""

import os
import re

import pytest
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.field.tests import factories
from comptoir.field.tests.conftest import today_at
from comptoir.scheduling.tests.factories import TechnicianFactory
from e2e.conftest import login, member

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


@pytest.fixture
def duret_uk():
    workspace = workspace_create(name="Duret Electrics", slug="duret-uk", locale="en")
    gaetan = member(workspace, "gaetan", "Gaëtan", "Perrin", Role.TECHNICIAN)
    technician = TechnicianFactory(user=gaetan, skills=["depannage"])
    person, site = factories.customer(workspace)
    return factories.visit(technician, starts_at=today_at(9), person=person, site=site)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_catalogue_loads_before_field_js_and_stays_offline(
    browser, live_server, duret_uk, width
):
    phone = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",  # the sign-in page follows the browser; the app, the workspace
        timezone_id="Europe/Paris",
        viewport={"width": width, "height": 844},
    )
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    login(page, "gaetan@duret.example", "/field/")
    expect(page).to_have_url(re.compile(r"/field/$"))
    expect(page.locator("body[data-offline-ready='1']")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("typeof window.gettext") == "function"

    page.goto(f"/field/visites/{duret_uk.pk}/")
    phone.set_offline(True)
    page.reload()
    # Offline, the page and its catalogue both come from the phone.
    expect(page.locator("#report-form")).to_be_visible()
    assert page.evaluate("typeof window.gettext") == "function"
    page.locator("[data-finish]").click()
    expect(page.locator("#missing")).to_be_visible()
    assert page.locator("#missing").inner_text().strip()
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"field-english-{width}.png"), full_page=True)
    phone.close()
