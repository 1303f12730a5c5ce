"""Claire's open planning shows, within a second, a job booked elsewhere (phone, website)."""

import threading
import time

import pytest
from django.db import connections
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import user_create, workspace_create
from comptoir.contacts.services import person_create
from comptoir.scheduling.models import Channel
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.tests.conftest import at, working_monday
from comptoir.scheduling.tests.factories import TechnicianFactory, service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    people = {
        key: user_create(
            workspace=workspace,
            email=f"{key}@duret.example",
            password="comptoir-demo",
            first_name=first,
            last_name=last,
            role=role,
        )
        for key, first, last, role in [
            ("claire", "Claire", "Morel", Role.AGENT),
            ("sophie", "Sophie", "Duret", Role.ADMIN),
            ("gaetan", "Gaëtan", "Roux", Role.TECHNICIAN),
        ]
    }
    people["technician"] = TechnicianFactory(
        user=people["gaetan"], home_postcode="74000", home_latitude=45.8992, home_longitude=6.1294
    )
    people["service"] = service(workspace)
    people["dupont"] = person_create(
        by=people["sophie"], civility="M.", first_name="Pierre", last_name="Dupont"
    )
    return people


def _elsewhere(action):
    """Run ``action`` in another thread, as another request would; the time of its commit."""
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


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.ONLINE])
def test_a_job_booked_elsewhere_appears_on_the_open_planning(page, duret, channel):
    day = working_monday()
    page.goto(f"/comptes/login/?next=/planning/?date={day.isoformat()}")
    page.get_by_label("Adresse e-mail").fill("claire@duret.example")
    page.get_by_label("Mot de passe").fill("comptoir-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("body")).to_have_attribute("data-live-state", "open")
    expect(page.locator("#planning")).to_contain_text("Gaëtan")
    board = page.locator("#planning .ec-event")
    expect(board).to_have_count(0)

    by = duret["sophie"] if channel == Channel.PHONE else None
    _visit, committed = _elsewhere(
        lambda: visit_book(
            service=duret["service"],
            starts_at=at(day, 9),
            channel=channel,
            by=by,
            person=duret["dupont"],
            contact_name="Pierre Dupont",
            contact_phone="06 12 34 56 78",
        )
    )
    expect(board.filter(has_text="Dupont")).to_have_count(1, timeout=3_000)
    elapsed = time.monotonic() - committed
    assert elapsed < 1.5, f"shown {elapsed:.2f} s after the booking"
    expect(board.filter(has_text="Dupont")).to_contain_text("09:00")
