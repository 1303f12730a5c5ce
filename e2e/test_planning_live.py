"""Claire's open planning shows, within a second, a job booked elsewhere (phone, website)."""

import time

import pytest
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.contacts.services import person_create
from comptoir.scheduling.models import Channel
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.tests.conftest import at, working_monday
from comptoir.scheduling.tests.factories import TechnicianFactory, service
from e2e.conftest import elsewhere, login, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    people = {
        key: member(workspace, key, first, last, role)
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


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.ONLINE])
def test_a_job_booked_elsewhere_appears_on_the_open_planning(page, duret, channel):
    day = working_monday()
    login(page, "claire@duret.example", f"/planning/?date={day.isoformat()}")
    expect(page.locator("body")).to_have_attribute("data-live-state", "open")
    expect(page.locator("#planning")).to_contain_text("Gaëtan")
    board = page.locator("#planning .ec-event")
    expect(board).to_have_count(0)

    by = duret["sophie"] if channel == Channel.PHONE else None
    _visit, committed = elsewhere(
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
