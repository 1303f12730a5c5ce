"""Live: a colleague books Claire; her open desk and agenda show it within a second."""

import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.activities.models import Kind, Process, State
from comptoir.activities.services import interaction_create, interaction_set_state
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
        ]
    }
    people["support"] = Process.objects.get(workspace=workspace, code="support")
    return people


def _sign_in(page, path):
    login(page, "claire@duret.example", path)
    expect(page.locator("body")).to_have_attribute("data-live-state", "open")


def _book(duret, subject, hour):
    today = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return interaction_create(
        by=duret["sophie"],
        owner=duret["claire"],
        kind=Kind.APPOINTMENT,
        process=duret["support"],
        subject=subject,
        starts_at=today,
        duration_minutes=60,
    )


def test_a_job_booked_by_a_colleague_appears_on_claires_desk_without_reload(page, duret):
    _sign_in(page, "/bureau/")
    agenda = page.locator("section", has=page.get_by_role("heading", name="Agenda du jour"))
    expect(agenda).to_contain_text("Aucun rendez-vous aujourd'hui.")
    page.evaluate("window.__notReloaded = true")

    appointment, committed = elsewhere(lambda: _book(duret, "Dépannage chez M. Dupont", 16))
    row = agenda.locator("[data-row]", has_text="Dépannage chez M. Dupont")
    expect(row).to_be_visible(timeout=2_000)
    latency = time.monotonic() - committed
    print(f"\nLive desk: new job visible {latency * 1000:.0f} ms after the commit")

    assert page.evaluate("window.__notReloaded") is True
    expect(page.locator("#live-region")).to_have_text(
        re.compile("Nouveau : « Dépannage chez M. Dupont »")
    )
    expect(page.locator(".desk-summary")).to_contain_text("1 RDV")

    # Cancelled by the colleague: it leaves the day's agenda, still without reload.
    elsewhere(
        lambda: interaction_set_state(
            interaction=appointment, state=State.CANCELLED, by=duret["sophie"]
        )
    )
    expect(row).to_have_count(0, timeout=2_000)
    expect(agenda).to_contain_text("Aucun rendez-vous aujourd'hui.")
    expect(page.locator("#live-region")).to_have_text(
        re.compile("Annulé : « Dépannage chez M. Dupont »")
    )
    assert page.evaluate("window.__notReloaded") is True


def test_claires_open_agenda_refetches_a_job_booked_for_her(page, duret):
    _sign_in(page, "/agenda/")
    expect(page.locator(".fc-timegrid")).to_be_visible()  # this week, today included

    _appointment, committed = elsewhere(lambda: _book(duret, "Visite devis borne IRVE", 10))
    event = page.locator(".fc-event", has_text="Visite devis borne IRVE")
    expect(event).to_be_visible(timeout=2_000)
    print(f"\nLive agenda: new job visible {(time.monotonic() - committed) * 1000:.0f} ms after")
