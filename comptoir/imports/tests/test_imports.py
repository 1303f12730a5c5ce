"""Imports through the services: formats, mapping, idempotency, updates, undo, errors."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import Affiliation, Company, ContactPoint, Person
from comptoir.imports import services
from comptoir.imports.fields import suggest
from comptoir.imports.models import ImportedRecord, SavedMapping
from comptoir.imports.tests.helpers import csv_bytes, data_file, run_import, xlsx_bytes

PEOPLE = [
    "Réf client|Civilité|Nom|Prénom|Adresse|CP|Ville|Tél|Portable|E-mail",
    "C1|Monsieur|DUPONT|pierre|12 R. de la Paix|74000|ANNECY|04 50 12 34 56|06 12 34 56 78|"
    "P.Dupont@Gmail.com",
    "C2|Mme|martin|claire|3 Bd Voltaire|69003|LYON|||claire@exemple.fr",
    "C3|Mlle|Roux|Élodie|1 rue du Lac|97100|Basse-Terre|0590 12 34 56||",
]


def test_cp1252_semicolon_file_with_title_lines_is_read_and_normalized(agent):
    job = run_import(agent, data_file("erp_mde.csv"), source="ERP MDE")
    assert (job.encoding, job.delimiter, job.header_row) == ("cp1252", ";", 3)
    assert job.mapping["Réf client"] == "external_ref" and job.mapping["Tél"] == "phone"
    lefevre = Person.objects.get(last_name="Lefèvre")
    assert (lefevre.civility, lefevre.first_name, lefevre.street) == (
        "M.",
        "Noël",
        "Rue du Pâquier",
    )
    assert (lefevre.postcode, lefevre.city) == ("74000", "Annecy")


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", "\t"), ("cp1252", "|"), ("utf-8", ";")],
)
def test_any_delimiter_and_encoding(agent, encoding, delimiter):
    job = run_import(agent, csv_bytes(PEOPLE, encoding=encoding, delimiter=delimiter))
    assert (job.created_count, job.error_count) == (3, 0), job.errors
    dupont = Person.objects.get(external_ref="C1")
    assert (dupont.civility, dupont.first_name, dupont.last_name) == ("M.", "Pierre", "Dupont")
    assert dupont.street == "12 rue de la Paix" and dupont.city == "Annecy"
    points = dict(ContactPoint.objects.filter(person=dupont).values_list("normalized", "label"))
    assert points == {
        "+33450123456": "landline",
        "+33612345678": "mobile",
        "p.dupont@gmail.com": "other",
    }
    roux = Person.objects.get(external_ref="C3")
    assert roux.civility == "Mme"
    assert ContactPoint.objects.get(person=roux).normalized == "+590590123456"  # Guadeloupe


def test_xlsx_with_numbers_as_cells(agent):
    content = xlsx_bytes([["Nom", "Prénom", "CP", "Portable"], ["PETIT", "Jean", 1000, 612345678]])
    job = run_import(agent, content, name="clients.xlsx")
    assert job.encoding == "xlsx" and job.created_count == 1
    person = Person.objects.get(last_name="Petit")
    assert person.postcode == "01000"
    assert ContactPoint.objects.get(person=person).normalized == "+33612345678"


def test_reimporting_the_same_file_creates_nothing(agent):
    first = run_import(agent, csv_bytes(PEOPLE))
    again = run_import(agent, csv_bytes(PEOPLE))
    assert (first.created_count, again.created_count, again.skipped_count) == (3, 0, 3)
    assert Person.objects.count() == 3 and ContactPoint.objects.count() == 5


def test_without_key_the_fingerprint_keeps_imports_idempotent(agent):
    rows = ["Nom|Prénom|CP|Tél", "DUPONT|Pierre|74000|06 12 34 56 78", "MARTIN|Claire|69003|"]
    run_import(agent, csv_bytes(rows), source="Excel")
    again = run_import(agent, csv_bytes(rows), source="Excel")
    assert again.created_count == 0 and Person.objects.count() == 2


def test_updated_export_updates_and_undo_restores(agent):
    run_import(agent, csv_bytes(PEOPLE))
    newer = [PEOPLE[0], PEOPLE[1].replace("12 R. de la Paix", "8 av. des Alpes"), PEOPLE[2]]
    newer.append("C4|M.|NOUVEAU|Paul|||||06 99 88 77 66|")
    job = run_import(agent, csv_bytes(newer))
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 1, 1)
    dupont = Person.objects.get(external_ref="C1")
    assert dupont.street == "8 avenue des Alpes"
    services.job_undo(job=job, by=agent)
    dupont.refresh_from_db()
    assert dupont.street == "12 rue de la Paix"
    assert not Person.objects.filter(external_ref="C4").exists()
    assert AuditEntry.objects.filter(object_id=dupont.pk, changes__has_key="import").count() >= 2
    job.refresh_from_db()
    assert job.status == "undone"


def test_undo_keeps_a_value_someone_changed_since(agent):
    run_import(agent, csv_bytes(PEOPLE))
    job = run_import(
        agent, csv_bytes([PEOPLE[0], PEOPLE[1].replace("12 R. de la Paix", "8 av. des Alpes")])
    )
    Person.objects.filter(external_ref="C1").update(street="1 place du Marché")
    services.job_undo(job=job, by=agent)
    assert Person.objects.get(external_ref="C1").street == "1 place du Marché"


def test_undo_deletes_what_the_import_created_with_what_hangs_off_it(agent):
    job = run_import(
        agent,
        csv_bytes(
            ["Nom|Prénom|Société|Fonction|E-mail", "DUPONT|Pierre|SARL Dupont|Gérant|p@d.fr"]
        ),
    )
    assert Affiliation.objects.get().company.name == "SARL Dupont"
    services.job_undo(job=job, by=agent)
    assert not Person.objects.exists() and not ContactPoint.objects.exists()
    assert not Company.objects.exists() and not ImportedRecord.objects.exists()
    again = run_import(
        agent,
        csv_bytes(
            ["Nom|Prénom|Société|Fonction|E-mail", "DUPONT|Pierre|SARL Dupont|Gérant|p@d.fr"]
        ),
    )
    assert again.created_count == 1  # an undone import can be run again


def test_undo_refused_while_a_later_import_changed_its_records(agent):
    first = run_import(agent, csv_bytes(PEOPLE))
    run_import(agent, csv_bytes([PEOPLE[0], PEOPLE[1].replace("DUPONT", "DUPONT-MOREL")]))
    with pytest.raises(ValidationError, match="annulez-le d'abord"):
        services.job_undo(job=first, by=agent)


def test_errors_are_reported_in_french_and_in_the_error_file(agent):
    rows = [
        "Nom|Prénom|CP|Date de naissance",
        "DUPONT|Pierre|74000|12/05/1970",
        "|Sans nom|74000|",
        "MARTIN|Claire|ABCDE|31/02/1980",
    ]
    job = run_import(agent, csv_bytes(rows))
    assert (job.created_count, job.error_count) == (1, 2)
    messages = " ".join(e["message"] for e in job.errors)
    assert "Le nom est obligatoire." in messages and "Code postal invalide" in messages
    errors = list(
        csv.reader(io.StringIO(services.error_file(job).decode("utf-8-sig")), delimiter=";")
    )
    assert errors[0] == ["Nom", "Prénom", "CP", "Date de naissance", "Erreur"]
    assert [r[0] for r in errors[1:]] == ["", "MARTIN"]
    assert "Date de naissance invalide" in errors[2][-1]


def test_dry_run_writes_nothing_but_counts(agent):
    job = run_import(agent, csv_bytes(PEOPLE), dry_run=True)
    assert job.created_count == 3 and job.status == "done"
    assert not Person.objects.exists() and not ImportedRecord.objects.exists()


def test_suggestions_for_french_and_english_headers():
    columns = [
        "NOM CLIENT",
        "Tél.",
        "Portable",
        "Code postal",
        "Courriel",
        "Réf client",
        "City",
        "Divers",
    ]
    assert suggest("people", columns) == {
        "NOM CLIENT": "full_name",
        "Tél.": "phone",
        "Portable": "mobile",
        "Code postal": "postcode",
        "Courriel": "email",
        "Réf client": "external_ref",
        "City": "city",
        "Divers": "",
    }
    assert suggest("companies", ["Raison sociale", "SIRET", "CP Ville"]) == {
        "Raison sociale": "name",
        "SIRET": "siret",
        "CP Ville": "postcode_city",
    }


def test_saved_mapping_is_reused_by_name(agent):
    content = csv_bytes(["Col A|Col B", "DUPONT|06 12 34 56 78"])
    job = services.job_create(
        by=agent, file_name="a.csv", content=content, kind="people", source="X"
    )
    services.job_set_mapping(
        job=job, by=agent, mapping={"Col A": "last_name", "Col B": "mobile"}, save_as="Export X"
    )
    assert SavedMapping.objects.get().mapping == {"Col A": "last_name", "Col B": "mobile"}
    again = services.job_create(
        by=agent, file_name="b.csv", content=content, kind="people", source="X", mapping="Export X"
    )
    assert again.mapping == {"Col A": "last_name", "Col B": "mobile"}
    with pytest.raises(ValidationError):
        services.job_create(
            by=agent,
            file_name="b.csv",
            content=content,
            kind="people",
            source="X",
            mapping="Inconnue",
        )


def test_mapping_needs_a_name_column(agent):
    job = services.job_create(
        by=agent, file_name="a.csv", content=csv_bytes(["A|B", "x|y"]), kind="people", source="X"
    )
    with pytest.raises(ValidationError, match="Nom"):
        services.job_set_mapping(job=job, by=agent, mapping={"A": "city"})


def test_unreadable_or_empty_files_are_refused_in_french(agent):
    with pytest.raises(ValidationError, match="vide"):
        services.job_create(by=agent, file_name="a.csv", content=b"", kind="people", source="X")
    with pytest.raises(ValidationError, match="ni un CSV"):
        services.job_create(
            by=agent, file_name="a.pdf", content=b"%PDF\x00\x01", kind="people", source="X"
        )


def test_read_only_user_cannot_import(workspace):
    from comptoir.accounts.models import Role
    from comptoir.accounts.tests.factories import UserFactory

    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    with pytest.raises(Exception, match="rôle"):
        services.job_create(
            by=reader, file_name="a.csv", content=csv_bytes(PEOPLE), kind="people", source="X"
        )


def test_companies_with_identifiers(agent):
    rows = [
        "Code|Raison sociale|SIRET|N° TVA|CP Ville|Tél",
        "S1|Boulangerie Favre|732 829 320 00074|FR40303265045|69003 LYON|04 78 12 34 56",
        "S2|Mauvais Siret|123 456 789 00012||74000 Annecy|",
    ]
    job = run_import(agent, csv_bytes(rows), kind="companies")
    assert (job.created_count, job.error_count) == (1, 1)
    favre = Company.objects.get(external_ref="S1")
    assert (favre.siren, favre.siret, favre.postcode, favre.city) == (
        "732829320",
        "73282932000074",
        "69003",
        "Lyon",
    )
    assert favre.search_name == "boulangerie favre"


def test_sites_and_interactions_attach_to_imported_customers(agent):
    run_import(agent, csv_bytes(PEOPLE), source="ERP MDE")
    sites = run_import(
        agent,
        csv_bytes(
            [
                "Réf site|Réf client|Adresse|CP|Ville|Digicode",
                "S1|C1|4 Imp. du Lac|74000|Annecy|1234A",
            ]
        ),
        kind="sites",
        source="ERP MDE",
    )
    assert sites.created_count == 1, sites.errors
    dupont = Person.objects.get(external_ref="C1")
    assert dupont.sites.get().street == "4 impasse du Lac"
    interactions = run_import(
        agent,
        csv_bytes(
            [
                "N°|Réf client|Objet|Date|Durée|État|Note",
                "I1|C1|Entretien chaudière|15/05/2025 14:30|90|Terminé|RAS",
                "I2|C9|Inconnu|15/05/2025||Ouvert|",
            ]
        ),
        kind="interactions",
        source="ERP MDE",
    )
    assert (interactions.created_count, interactions.error_count) == (1, 1)
    visit = dupont.interactions.get()
    assert (visit.kind, visit.duration_minutes, visit.state) == ("appointment", 90, "done")
    assert visit.notes.get().body == "RAS"


def test_new_people_are_written_in_bulk_as_the_models_would_write_them(agent):
    """The fast path writes rows without model instances: read back through the ORM, each
    new person, its contact points, history, provenance and import record are complete."""
    from comptoir.dedupe.services import provenance_for

    lines = [*PEOPLE, "C5|M.|PETIT|Jean||01000|Bourg|06 11 22 33 44|07 81 22 33 44|"]
    job = run_import(agent, csv_bytes(lines), source="ERP MDE", batch_size=2)
    assert (job.created_count, job.error_count) == (4, 0), job.errors
    dupont = Person.objects.get(external_ref="C1")
    assert dupont.search_name == "dupont pierre dupont" and dupont.country == "FR"
    assert dupont.created_at == dupont.updated_at and dupont.created_at is not None
    assert Person.objects.filter(search_name__startswith="dupont").get() == dupont
    petit = Person.objects.get(external_ref="C5")
    points = list(
        ContactPoint.objects.filter(person=petit).order_by("pk").values_list("value", "is_primary")
    )
    assert points == [("07 81 22 33 44", True), ("06 11 22 33 44", False)]
    entry = AuditEntry.objects.get(object_id=dupont.pk, content_type__model="person")
    assert (entry.action, entry.object_repr, entry.actor) == ("create", "M. Pierre Dupont", agent)
    assert entry.changes["last_name"] == ["", "Dupont"]
    assert entry.changes["import"] == ["", f"Import ERP MDE n° {job.pk}"]
    said = {(p.field, p.value, p.source, p.source_ref) for p in provenance_for(dupont)}
    assert ("phone", "+33612345678, +33450123456", "ERP MDE", "ref:C1") in said
    assert ("city", "Annecy", "ERP MDE", "ref:C1") in said
    record = ImportedRecord.objects.get(key="ref:C1")
    assert (record.object_id, record.action, record.job_id) == (dupont.pk, "created", job.pk)
    # Ids read back follow the rows: each record points at its own person.
    for record in ImportedRecord.objects.filter(job=job):
        assert Person.objects.get(pk=record.object_id).external_ref == record.key[4:]


def test_a_mainland_mobile_at_an_overseas_address_is_kept(agent):
    lines = [
        "Nom|CP|Ville|Portable|Tél",
        "Roux|97100|Basse-Terre|06 12 34 56 78|0590 12 34 56",
        "Hoarau|97400|Saint-Denis|0692 12 34 56|01 23 45 67 89",
    ]
    job = run_import(agent, csv_bytes(lines))
    assert job.created_count == 2, job.errors
    roux = Person.objects.get(last_name="Roux")
    assert set(ContactPoint.objects.filter(person=roux).values_list("normalized", flat=True)) == {
        "+33612345678",
        "+590590123456",
    }
    hoarau = Person.objects.get(last_name="Hoarau")
    assert set(ContactPoint.objects.filter(person=hoarau).values_list("normalized", flat=True)) == {
        "+262692123456",
        "+33123456789",
    }
