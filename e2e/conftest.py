"""Browser journeys: Playwright driving Debian's Chromium against the live test server."""

import os
import shutil
import threading
import time

import pytest
from django.db import connections

from comptoir.accounts.models import Role
from comptoir.accounts.services import user_create, workspace_create
from comptoir.contacts.services import contact_point_add, person_create, site_create
from comptoir.scheduling.tests.factories import TechnicianFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium introuvable ({CHROMIUM}) : la CI doit l'installer.")
        pytest.skip(f"Chromium introuvable ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


PASSWORD = "comptoir-demo"


def member(workspace, key, first_name, last_name="", role=Role.AGENT, password=PASSWORD):
    """A user of the Duret workspace, ``key@duret.example``."""
    return user_create(
        workspace=workspace,
        email=f"{key}@duret.example",
        password=password,
        first_name=first_name,
        last_name=last_name,
        role=role,
    )


def elsewhere(action):
    """Run ``action`` in another thread, as another request would; its result and the time of
    its commit."""
    done = {}

    def run():
        try:
            done["result"] = action()
            done["at"] = time.monotonic()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return done["result"], done["at"]


def login(target, email, next_path="", password=PASSWORD):
    """Sign in through the login form; ``target`` is a page, or a context to open one in."""
    page = target if hasattr(target, "goto") else target.new_page()
    page.goto(f"/comptes/login/?next={next_path}" if next_path else "/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    return page


@pytest.fixture
def duret():
    """Duret Électricité: Claire at the desk, Gaëtan the technician, and M. Dupont, his mobile
    and his site."""
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    claire = member(workspace, "claire", "Claire", "Morel", Role.AGENT)
    gaetan = member(workspace, "gaetan", "Gaëtan", "Roux", Role.TECHNICIAN)
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
    contact_point_add(
        by=claire, person=dupont, kind="phone", value="06 12 34 56 78", label="mobile"
    )
    site_create(
        by=claire, person=dupont, street="12 rue de la Mairie", postcode="74000", city="Annecy"
    )
    return {
        "workspace": workspace,
        "claire": claire,
        "gaetan": gaetan,
        "technician": technician,
        "dupont": dupont,
    }
