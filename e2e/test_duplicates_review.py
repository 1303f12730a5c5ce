"""Claire finds that « Pierre Dupond » is Pierre Dupont: scan, review, merge, then undo."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.activities.models import Interaction, Process
from comptoir.activities.services import interaction_create
from comptoir.contacts.models import ContactPoint, Person
from comptoir.contacts.services import contact_point_add, person_create
from comptoir.dedupe import services as dedupe_services
from comptoir.dedupe.models import DuplicatePair, Merge, ScanJob
from e2e.conftest import login, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def look_alikes():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    claire = member(workspace, "claire", "Claire", role=Role.AGENT)
    support = Process.objects.get(workspace=workspace, code="support")
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
    contact_point_add(by=claire, person=dupont, kind="email", value="p.dupont@gmail.com")
    interaction_create(
        by=claire,
        process=support,
        person=dupont,
        subject="Devis tableau électrique",
        starts_at=timezone.now(),
    )
    # Typed again a year later by someone else, with a typo in the name.
    dupond = person_create(
        by=claire,
        first_name="Pierre",
        last_name="Dupond",
        street="12 rue de la Mairie",
        street2="Bâtiment B",
        postcode="74000",
        city="Annecy",
    )
    contact_point_add(by=claire, person=dupond, kind="phone", value="0612345678")
    contact_point_add(by=claire, person=dupond, kind="phone", value="04 50 12 34 56")
    contact_point_add(by=claire, person=dupond, kind="email", value="pierre.dupond@orange.fr")
    interaction_create(
        by=claire,
        process=support,
        person=dupond,
        subject="Panne chauffe-eau",
        starts_at=timezone.now(),
    )
    return dupont, dupond


@pytest.fixture
def worker(monkeypatch):
    """Scans queue up instead of running at once, so the progress bar can be seen running."""
    queued: list[int] = []
    monkeypatch.setattr("comptoir.dedupe.tasks.scan_run_task", queued.append)
    return queued


def test_scan_review_merge_and_undo(page, look_alikes, worker):
    dupont, dupond = look_alikes
    login(page, "claire@duret.example")

    # The queue is empty until a scan runs.
    page.get_by_role("link", name="Doublons").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Doublons")
    expect(page.locator("main")).to_contain_text("Aucun doublon à examiner")
    page.get_by_role("button", name="Lancer une recherche de doublons").click()
    bar = page.get_by_role("progressbar", name="Avancement de la recherche")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#scan-progress")).to_contain_text("vous pouvez quitter cette page")

    # The worker runs the scan; the panel polls until it is done.
    assert len(worker) == 1
    dedupe_services.scan_run(job_id=worker[0])
    assert ScanJob.objects.get().report["person_new"] == 1
    progress = page.locator("#scan-progress")
    expect(progress).to_contain_text("Dernière recherche le", timeout=5_000)
    expect(progress).to_contain_text("1 paire de personnes")
    expect(bar).to_have_count(0)
    progress.get_by_role("link", name="Voir la file").click()

    # The pair, with the reasons it looks alike.
    row = page.locator(".pair-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Pierre Dupont")
    expect(row).to_contain_text("Pierre Dupond")
    expect(row).to_contain_text("même téléphone 06 12 34 56 78")
    expect(row).to_contain_text("nom proche (Pierre Dupont ≈ Pierre Dupond")
    row.get_by_role("link", name="Examiner").click()

    # Side by side: keep Dupont's record, his spelling, and Dupond's building.
    expect(page).to_have_url(re.compile(r"/doublons/\d+/$"))
    table = page.get_by_role("table")
    expect(table).to_contain_text("Bâtiment B")
    expect(table).to_contain_text("04 50 12 34 56")
    expect(table).to_contain_text("pierre.dupond@orange.fr")
    keep_dupont = page.get_by_role("radio", name="Conserver cette fiche").first
    expect(keep_dupont).to_be_checked()
    # Each value's radio names its record, for screen readers (the columns are gone on phones).
    page.get_by_role("radio", name="Dupont (M. Pierre Dupont)").check()
    expect(page.get_by_role("radio", name="Dupond (Pierre Dupond)")).not_to_be_checked()
    expect(page.get_by_role("radio", name="Bâtiment B (Pierre Dupond)")).to_be_checked()
    page.get_by_role("button", name="Fusionner").click()

    # Merged: one Pierre Dupont with everything both records had.
    banner = page.get_by_role("status").filter(has_text="fusionné dans")
    merged_text = re.compile(r"« Pierre Dupond » fusionné dans « M\. Pierre Dupont »")
    expect(banner).to_have_text(merged_text)
    expect(page.locator("main")).to_contain_text("Aucun doublon à examiner")
    assert not Person.objects.filter(pk=dupond.pk).exists()
    page.goto(dupont.get_absolute_url())
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pierre Dupont")
    for text in (
        "06 12 34 56 78",
        "04 50 12 34 56",
        "p.dupont@gmail.com",
        "pierre.dupond@orange.fr",
        "Bâtiment B",
        "Devis tableau électrique",
        "Panne chauffe-eau",
    ):
        expect(main).to_contain_text(text)
    kept = Person.objects.get(pk=dupont.pk)
    assert (kept.last_name, kept.street2) == ("Dupont", "Bâtiment B")
    assert ContactPoint.objects.filter(person=kept, normalized="+33612345678").count() == 1
    assert set(Interaction.objects.values_list("person_id", flat=True)) == {dupont.pk}

    # Second thoughts: undo from the queue's banner.
    page.go_back()
    page.reload()
    page.get_by_role("button", name="Annuler la fusion").click()
    expect(page.locator("main")).to_contain_text("Fusion annulée : « Pierre Dupond » est rétabli.")
    expect(page.locator(".pair-row")).to_contain_text("Pierre Dupond")
    assert Merge.objects.get().undone_at is not None
    assert DuplicatePair.objects.get().status == "open"
    page.goto(Person.objects.get(pk=dupond.pk).get_absolute_url())
    main = page.locator("main")
    expect(main).to_contain_text("Panne chauffe-eau")
    expect(main).to_contain_text("04 50 12 34 56")
    expect(main).not_to_contain_text("Devis tableau électrique")
    restored = Person.objects.get(pk=dupont.pk)
    assert (restored.street2, restored.contact_points.count()) == ("", 2)
    assert dict(Interaction.objects.values_list("subject", "person_id")) == {
        "Devis tableau électrique": dupont.pk,
        "Panne chauffe-eau": dupond.pk,
    }
