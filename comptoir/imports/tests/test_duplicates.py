"""After an import, the new records that look like others wait in the "Doublons" queue."""

from __future__ import annotations

from django.urls import reverse

from comptoir.contacts.models import Company, Person
from comptoir.dedupe import services as dedupe
from comptoir.dedupe.models import DuplicatePair, Kind, PairStatus, ScanJob, ScanStatus
from comptoir.imports import duplicates, services
from comptoir.imports.models import ImportedRecord, RecordAction
from comptoir.imports.tests.helpers import csv_bytes, run_import

HEADER = "Réf client|Civilité|Nom|Prénom|Adresse|CP|Ville|Portable|E-mail"
PIERRE = "A1|M.|DUPONT|Pierre|12 rue de la Paix|74000|ANNECY|06 12 34 56 78|"
# Same address, one letter off in the name, no phone: looks alike (≈ 92), not surely the same.
DUPOND = "B1|M.|DUPOND|Pierre|12 rue de la Paix|74000|ANNECY||"
# Same phone, name and address: above the auto-merge threshold, attached to Pierre.
SAME = "B2|M.|DUPONT|Pierre|12 rue de la Paix|74000|ANNECY|06 12 34 56 78|"
STRANGER = "B3|Mme|ROUX|Élodie|1 rue du Lac|69003|LYON||"


def _pierre(agent) -> Person:
    run_import(agent, csv_bytes([HEADER, PIERRE]), source="ERP MDE")
    return Person.objects.get(last_name="Dupont")


def test_a_near_duplicate_waits_in_the_queue_with_its_reasons(agent, agent_client):
    pierre = _pierre(agent)
    job = run_import(agent, csv_bytes([HEADER, DUPOND, STRANGER]), source="Excel")
    assert job.created_count == 2
    dupond = Person.objects.get(last_name="Dupond")
    pair = DuplicatePair.objects.get()
    assert (pair.kind, pair.status) == (Kind.PERSON, PairStatus.OPEN)
    assert (pair.left_id, pair.right_id) == (pierre.pk, dupond.pk)
    settings = dedupe.settings_for(agent.workspace_id)
    assert settings.review_threshold <= pair.score < settings.auto_merge_threshold
    assert any("adresse" in reason for reason in pair.reasons)
    assert job.duplicates_found == 1
    assert (job.dedupe_done, job.dedupe_total) == (2, 2)

    page = agent_client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "1 doublon possible à vérifier" in page
    assert f'href="{reverse("dedupe:queue")}?type=person"' in page
    queue = agent_client.get(reverse("dedupe:queue") + "?type=person").content.decode()
    assert reverse("dedupe:pair", args=[pair.pk]) in queue


def test_an_exact_match_is_attached_and_makes_no_pair(agent, agent_client):
    pierre = _pierre(agent)
    job = run_import(agent, csv_bytes([HEADER, SAME]), source="Excel")
    assert job.created_count == 0
    record = ImportedRecord.objects.get(job=job)
    assert (record.action, record.object_id) == (RecordAction.MATCHED, pierre.pk)
    assert not DuplicatePair.objects.exists()
    assert job.duplicates_found == 0
    page = agent_client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "import-duplicates" not in page and "à vérifier" not in page


def test_undo_takes_the_pairs_of_the_records_it_removes(agent, agent_client):
    pierre = _pierre(agent)
    job = run_import(agent, csv_bytes([HEADER, DUPOND]), source="Excel")
    assert DuplicatePair.objects.filter(status=PairStatus.OPEN).count() == 1
    services.job_undo(job=job, by=agent)
    assert not Person.objects.filter(last_name="Dupond").exists()
    assert not DuplicatePair.objects.exists()
    queue = agent_client.get(reverse("dedupe:queue")).content.decode()
    assert "Dupond" not in queue and "DUPOND" not in queue
    assert Person.objects.filter(pk=pierre.pk).exists()


def test_a_pair_someone_dismissed_is_not_reopened_by_a_later_import(agent):
    _pierre(agent)
    run_import(agent, csv_bytes([HEADER, DUPOND]), source="Excel")
    pair = DuplicatePair.objects.get()
    dedupe.pair_dismiss(pair=pair, by=agent)
    again = run_import(
        agent, csv_bytes([HEADER, DUPOND.replace("12 rue", "14 rue")]), source="Excel"
    )
    assert again.updated_count == 1
    pair.refresh_from_db()
    assert pair.status == PairStatus.DISMISSED
    assert again.duplicates_found == 0


def test_look_alikes_inside_the_file_itself_are_paired(agent):
    job = run_import(agent, csv_bytes([HEADER, PIERRE, DUPOND.replace("B1", "A2")]))
    assert job.created_count == 2
    assert DuplicatePair.objects.filter(status=PairStatus.OPEN).count() == 1
    assert job.duplicates_found == 1


def test_a_large_import_hands_over_to_one_scan_of_the_base(
    agent, agent_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(duplicates, "PER_RECORD_LIMIT", 1)
    pierre = _pierre(agent)
    with django_capture_on_commit_callbacks(execute=True):
        job = run_import(agent, csv_bytes([HEADER, DUPOND, STRANGER]), source="Excel")
    scan = ScanJob.objects.get(pk=job.duplicates_scan_id)
    assert (scan.status, scan.kind) == (ScanStatus.DONE, Kind.PERSON)
    pair = DuplicatePair.objects.get()
    assert pair.left_id == pierre.pk and pair.reasons
    page = agent_client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Recherche des doublons lancée sur toute la base" in page


def test_companies_that_look_alike_are_paired(agent):
    header = "Code|Raison sociale|SIREN|Adresse|CP|Ville"
    run_import(
        agent,
        csv_bytes([header, "S1|Boulangerie Martin|732829320|3 place du Marché|74000|Annecy"]),
        kind="companies",
        source="SAGE",
    )
    job = run_import(
        agent,
        csv_bytes([header, "E1|Boulangerie Martin SARL||3 place du Marché|74000|ANNECY"]),
        kind="companies",
        source="Excel",
    )
    assert job.created_count == 1 and Company.objects.count() == 2
    pair = DuplicatePair.objects.get(kind=Kind.COMPANY)
    assert pair.status == PairStatus.OPEN and pair.reasons
    assert job.duplicates_found == 1


def test_a_simulation_leaves_the_queue_alone(agent):
    _pierre(agent)
    job = run_import(agent, csv_bytes([HEADER, DUPOND]), source="Excel", dry_run=True)
    assert job.created_count == 1
    assert not DuplicatePair.objects.exists()
