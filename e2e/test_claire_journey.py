"""Claire's morning: a caller's number → his record → a note → an appointment for Gaëtan → done."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.activities.models import Interaction, State
from comptoir.contacts.services import contact_point_add
from e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret(duret):
    contact_point_add(
        by=duret["claire"], person=duret["dupont"], kind="email", value="p.dupont@gmail.com"
    )
    return duret


def test_claire_finds_dupont_notes_books_gaetan_and_closes_it(page, duret):
    gaetan, dupont = duret["gaetan"], duret["dupont"]

    login(page, "claire@duret.example")
    expect(page).to_have_url(re.compile(r"/bureau/$"))

    # The number as the caller gives it, without spaces.
    search = page.get_by_role("searchbox", name="Rechercher")
    search.fill("0612345678")
    search.press("Enter")
    page.get_by_role("link", name=re.compile("Pierre Dupont")).first.click()
    expect(page).to_have_url(re.compile(rf"/clients/personnes/{dupont.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dupont")

    # A timestamped note, straight from the record.
    page.get_by_placeholder(re.compile("Ajouter une note")).fill(
        "Disjoncteur qui saute dans la cuisine."
    )
    page.locator("#activities-quick-note").get_by_role("button", name="Enregistrer").click()
    timeline = page.locator("#activities-timeline")
    expect(timeline).to_contain_text("Disjoncteur qui saute dans la cuisine.")
    expect(timeline).to_contain_text("Claire")

    # An appointment tomorrow at 14:00 for Gaëtan, typed by hand (slots are the booking flow's).
    page.get_by_role("link", name="+ Nouvelle interaction").first.click()
    page.get_by_label("Rendez-vous").check()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("Objet").fill("Dépannage tableau électrique")
    page.get_by_label("Affecter à").select_option(label="Gaëtan Roux")
    page.get_by_label("Date de début").fill(tomorrow.isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Durée", exact=True).select_option(value="60")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dépannage tableau électrique")

    rdv = Interaction.objects.get(subject="Dépannage tableau électrique")
    assert rdv.owner == gaetan and rdv.person == dupont
    assert timezone.localtime(rdv.starts_at).strftime("%d/%m %H:%M") == tomorrow.strftime(
        "%d/%m 14:00"
    )

    # On Gaëtan's desk, among the coming appointments…
    page.goto(f"/bureau/?user={gaetan.pk}")
    row = page.locator("[data-row]", has_text="Dépannage tableau électrique")
    expect(row).to_contain_text("Ouvert")

    # …and in his week.
    page.goto(f"/agenda/?user={gaetan.pk}")
    event = page.locator(".fc-event", has_text="Dépannage tableau électrique")
    if not event.count():
        page.wait_for_selector(".fc-view")
        if not event.count():
            page.locator(".fc-next-button").click()
    expect(event.first).to_be_visible()
    expect(event.first).to_contain_text("14:00")

    # Marked as done in one click: the pill turns green.
    page.goto(f"/bureau/?user={gaetan.pk}")
    row = page.locator("[data-row]", has_text="Dépannage tableau électrique")
    row.get_by_role("button", name=re.compile("Marquer comme terminé")).click()
    pill = page.locator("[data-row]", has_text="Dépannage tableau électrique").locator(
        ".state-pill"
    )
    expect(pill).to_have_text("✓ Terminé")
    expect(pill).to_have_class(re.compile("state-done"))
    background = pill.evaluate("el => getComputedStyle(el).backgroundColor")
    red, green, blue = (int(x) for x in re.findall(r"\d+", background)[:3])
    assert green > red and green > blue, background
    rdv.refresh_from_db()
    assert rdv.state == State.DONE
