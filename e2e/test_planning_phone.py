"""The planning on a phone is a list per technician; short jobs stay readable on the board."""

import re

import pytest
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.scheduling.models import Channel, Visit
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.tests.conftest import at, working_monday
from comptoir.scheduling.tests.factories import AbsenceFactory, TechnicianFactory, service
from e2e.conftest import login, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def board(duret):
    """Monday: a 30-minute job for Gaëtan at 9:00, M. Dupont at Annecy; Karim free after a
    morning of training."""
    karim = member(duret["workspace"], "karim", "Karim", "Benali", Role.TECHNICIAN)
    duret["karim"] = TechnicianFactory(user=karim, home_postcode="74000")
    day = working_monday()
    AbsenceFactory(technician=duret["karim"], starts_at=at(day, 7), ends_at=at(day, 9))
    duret["day"] = day
    duret["visit"] = visit_book(
        service=service(duret["workspace"], duration_minutes=30),
        starts_at=at(day, 9),
        channel=Channel.PHONE,
        by=duret["claire"],
        technician=duret["technician"],
        person=duret["dupont"],
        site=duret["dupont"].sites.first(),
        contact_name="Pierre Dupont",
        contact_phone="06 12 34 56 78",
    )
    return duret


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 390, "height": 844},
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_on_a_phone_the_day_is_a_list_per_technician_and_a_job_is_reassigned(phone, board):
    page = phone
    login(page, "claire@duret.example", f"/planning/?date={board['day'].isoformat()}")
    listing = page.locator("#planning-list")
    expect(listing).to_be_visible()
    expect(page.locator("#planning")).to_be_hidden()
    gaetan = listing.get_by_role("region", name="Gaëtan Roux")
    karim = listing.get_by_role("region", name="Karim Benali")
    job = gaetan.get_by_role("button", name=re.compile("Dupont"))
    expect(job).to_contain_text("09:00–09:30")
    expect(job).to_contain_text("M. Pierre Dupont · Annecy")
    expect(job).to_have_attribute(
        "aria-label", re.compile(r"M\. Pierre Dupont · Annecy, Dépannage.*09:00–09:30, Gaëtan Roux")
    )
    expect(karim).to_contain_text("Aucun rendez-vous ce jour-là.")
    expect(karim.locator(".pl-absence")).to_have_text("Absent : Formation · 07:00–09:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    # « Affecter à » with the keyboard: focus the job, Enter, pick Karim, submit.
    job.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Déplacer le rendez-vous")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Gaëtan Roux")
    dialog.get_by_label("Affecter à").select_option(label="Karim Benali")
    dialog.get_by_role("button", name="Déplacer", exact=True).click()
    expect(dialog).to_be_hidden()
    moved = karim.get_by_role("button", name=re.compile("Dupont"))
    expect(moved).to_contain_text("09:00–09:30")
    expect(moved).to_be_focused()
    expect(gaetan).to_contain_text("Aucun rendez-vous ce jour-là.")
    assert Visit.objects.get().technician == board["karim"]

    # The week, then back to the board once the screen is wide again.
    listing.get_by_role("button", name="Semaine", exact=True).click()
    expect(listing.get_by_role("button", name="Semaine", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(karim.locator(".pl-list-day")).to_have_count(1)
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("#planning .ec-event", has_text="Dupont")).to_be_visible()
    expect(listing).to_be_hidden()


def test_a_short_job_on_the_board_shows_its_time_and_customer_and_opens_with_the_keyboard(
    page, board
):
    login(page, "claire@duret.example", f"/planning/?date={board['day'].isoformat()}")
    expect(page.locator("#planning-list")).to_be_hidden()
    event = page.locator("#planning .ec-event:not(.ec-bg-event)", has_text="Dupont")
    expect(event).to_contain_text("09:00")
    expect(event.locator(".pl-event-who")).to_be_visible()
    expect(event).to_have_attribute(
        "title", re.compile(r"M\. Pierre Dupont · Annecy · Dépannage.*09:00–09:30 · Gaëtan Roux")
    )
    event.focus()
    peek = page.locator("#planning-peek")
    expect(peek).to_be_visible()
    expect(peek).to_contain_text("M. Pierre Dupont · Annecy")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Déplacer le rendez-vous")
    dialog.get_by_label("Affecter à").select_option(label="Karim Benali")
    dialog.get_by_label("Heure").fill("10:00")
    dialog.get_by_role("button", name="Déplacer", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#planning-toast")).to_contain_text("10 h 00")
    visit = Visit.objects.get()
    assert (visit.technician, visit.starts_at) == (board["karim"], at(board["day"], 10))
