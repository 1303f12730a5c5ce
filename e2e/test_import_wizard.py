"""Sophie imports the old ERP's customer export (Windows-1252, « ; ») through the wizard."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.contacts.models import Person
from e2e.conftest import login, member

pytestmark = pytest.mark.django_db(transaction=True)

ERP_FILE = Path(__file__).resolve().parent.parent / "comptoir/imports/tests/data/erp_mde.csv"


@pytest.fixture
def sophie():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    return member(workspace, "sophie", "Sophie", role=Role.MANAGER)


def test_wizard_imports_a_cp1252_semicolon_file(page, sophie):
    login(page, "sophie@duret.example")

    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Importer un fichier").first.click()
    page.get_by_label("Fichier").set_input_files(str(ERP_FILE))
    page.get_by_label("Type de fiches").select_option("people")
    page.get_by_label("Source").fill("ERP MDE")
    page.get_by_role("button", name="Lire le fichier").click()

    # Mapping: detected format and suggestions.
    expect(page.get_by_role("heading", level=1)).to_have_text("Que contient chaque colonne ?")
    expect(page.locator("main")).to_contain_text("Windows-1252")
    expect(page.get_by_label("Réf client")).to_have_value("external_ref")
    expect(page.get_by_label("Tél")).to_have_value("phone")
    page.get_by_label("Enregistrer cette correspondance sous le nom").fill("Clients ERP MDE")
    page.get_by_role("button", name="Voir l'aperçu").click()

    # Preview: normalized values.
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu avant import")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Lefèvre")
    expect(table).to_contain_text("+33612345678")
    expect(table).to_contain_text("Rue du Pâquier")
    page.get_by_role("button", name=re.compile(r"Importer 3 lignes")).click()

    # Progress until done, then the result.
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Terminé", timeout=20_000)
    expect(progress).to_contain_text("100 %")
    expect(progress.locator(".import-counts")).to_contain_text("3créées")
    expect(page.get_by_role("button", name="Annuler l'import")).to_be_visible()
    assert set(Person.objects.values_list("last_name", flat=True)) == {
        "Dupont",
        "Martin",
        "Lefèvre",
    }
