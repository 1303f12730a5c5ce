"""A call rings: the PBX webhook pops M. Dupont's card up in Claire's open desk within a second."""

import json
import threading
import time

import pytest
from django.db import connections
from django.test import Client
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import api_token_issue, workspace_create
from comptoir.contacts.services import contact_point_add, person_create
from e2e.conftest import login, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    claire = member(workspace, "claire", "Claire", "Morel", Role.AGENT)
    standard = member(
        workspace, "standard", "Standard", "3CX", Role.AGENT, password="standard-pbx-2026"
    )
    dupont = person_create(by=claire, civility="M.", first_name="Jean", last_name="Dupont")
    contact_point_add(by=claire, person=dupont, kind="phone", value="06 12 34 56 78")
    return {
        "claire": claire,
        "dupont": dupont,
        "token": api_token_issue(user=standard, label="3CX"),
    }


def _pbx(token, body):
    """The PBX's webhook, from another thread as a real delivery; when it was answered."""
    done = {}

    def run():
        try:
            response = Client().post(
                "/api/v1/calls/events",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            done["status"] = response.status_code
            done["at"] = time.monotonic()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return done


def test_a_ringing_call_pops_the_callers_card_up_on_claires_desk(page, duret):
    login(page, "claire@duret.example", "/bureau/")
    expect(page.locator("body")).to_have_attribute("data-live-state", "open")
    popup = page.locator("#call-popup")
    expect(popup).to_be_hidden()
    page.locator("#global-search").focus()

    sent = _pbx(
        duret["token"],
        {
            "event": "ringing",
            "call_id": "3cx-0001",
            "from": "06 12 34 56 78",
            "to": "04 50 00 00 00",
            "agent": "claire@duret.example",
        },
    )
    assert sent["status"] == 200
    expect(popup).to_contain_text("M. Jean Dupont", timeout=2_000)
    latency = time.monotonic() - sent["at"]
    print(f"\nCall pop-up: Dupont's card visible {latency * 1000:.0f} ms after the webhook")
    assert latency < 1.0

    expect(popup).to_contain_text("Appel entrant")
    expect(popup.get_by_role("link", name="Prendre RDV")).to_have_attribute(
        "href", f"/planning/rdv/nouveau/?person={duret['dupont'].pk}"
    )
    expect(popup.get_by_role("link", name="Nouvelle demande")).to_be_visible()
    # It never takes the focus away from what Claire was typing.
    assert page.evaluate("document.activeElement.id") == "global-search"
    expect(page.locator("#live-region")).to_have_text("Appel entrant : M. Jean Dupont")

    # Answered, then shrunk to a pill in the top bar that keeps counting.
    _pbx(
        duret["token"],
        {"event": "answered", "call_id": "3cx-0001", "agent": "claire@duret.example"},
    )
    expect(popup.locator("[data-call-status='answered']")).to_be_visible(timeout=2_000)
    popup.get_by_role("button", name="Réduire en pastille").click()
    pill = page.locator("#call-pill")
    expect(popup).to_be_hidden()
    expect(pill).to_contain_text("J. Dupont · 00:0")

    # Hung up: the pill says so, and the call is on M. Dupont's timeline.
    _pbx(duret["token"], {"event": "ended", "call_id": "3cx-0001", "duration": 192})
    expect(pill).to_contain_text("J. Dupont · Appel terminé · 03:12", timeout=2_000)
    pill.click()
    expect(popup).to_contain_text("Appel terminé")
    page.goto(duret["dupont"].get_absolute_url())
    expect(page.get_by_text("Appel entrant · M. Jean Dupont").first).to_be_visible()
    # The card follows Claire to the customer's page until she closes it.
    expect(popup).to_contain_text("Appel terminé")
    popup.get_by_role("button", name="Fermer la fiche d’appel").click()
    expect(popup).to_be_hidden()
