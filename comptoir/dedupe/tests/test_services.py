"""Candidates, best match, provenance, scans and concurrent merges."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from comptoir.contacts.models import ContactPoint, Person
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory
from comptoir.dedupe import services
from comptoir.dedupe.models import DedupeSettings, DuplicatePair, FieldProvenance, Merge, ScanJob


def _phone(person, e164):
    return ContactPoint.objects.create(
        workspace=person.workspace, kind="phone", value=e164, normalized=e164, person=person
    )


def test_candidates_and_best_match(workspace, other_workspace):
    pierre = PersonFactory(
        workspace=workspace, first_name="Pierre", last_name="Dupont", postcode="69003"
    )
    _phone(pierre, "+33612345678")
    PersonFactory(workspace=workspace, first_name="Anne", last_name="Zimmer", postcode="69003")
    foreign = PersonFactory(workspace=other_workspace, first_name="Pierre", last_name="Dupont")
    _phone(foreign, "+33612345678")

    data = {
        "first_name": "P.",
        "last_name": "DUPONT",
        "phone": "06 12 34 56 78",
        "postcode": "69003",
    }
    found = services.candidates_for(workspace=workspace, kind="person", data=data)
    assert [c.record_id for c in found] == [pierre.pk]
    assert "même téléphone 06 12 34 56 78" in found[0].reasons

    best = services.best_match(workspace=workspace, kind="person", data=data)
    assert best is not None and best.record_id == pierre.pk
    # A name alone is below the automatic threshold: a person decides.
    assert (
        services.best_match(
            workspace=workspace, kind="person", data={"first_name": "Pierre", "last_name": "Dupond"}
        )
        is None
    )
    DedupeSettings.objects.filter(workspace=workspace).update(auto_merge_threshold=100)
    assert services.best_match(workspace=workspace, kind="person", data=data) is None


def test_provenance_records_each_source_once(workspace):
    person = PersonFactory(workspace=workspace)
    for _ in range(2):
        services.provenance_record(
            workspace=workspace,
            instance=person,
            values={"last_name": "DUPONT", "city": ""},
            source="ERP MDE",
            source_ref="clients.csv:12",
        )
    services.provenance_record(
        workspace=workspace, instance=person, values={"last_name": "Dupond"}, source="Excel"
    )
    rows = FieldProvenance.objects.filter(object_id=person.pk).order_by("source")
    assert [(r.field, r.value, r.source) for r in rows] == [
        ("last_name", "DUPONT", "ERP MDE"),
        ("last_name", "Dupond", "Excel"),
    ]


def test_scan_creates_pairs_keeps_dismissed_ones_and_reports_progress(
    agent, workspace, django_capture_on_commit_callbacks
):
    a = PersonFactory(
        workspace=workspace, first_name="Pierre", last_name="Dupont", postcode="69003"
    )
    b = PersonFactory(
        workspace=workspace, first_name="Pierre", last_name="Dupond", postcode="69003"
    )
    _phone(a, "+33612345678")
    _phone(b, "+33612345678")
    c1 = CompanyFactory(workspace=workspace, name="Boulangerie Martin", siren="552100554")
    c2 = CompanyFactory(workspace=workspace, name="SARL Boulangerie Martin", siren="552100554")

    with django_capture_on_commit_callbacks(execute=True):
        job = services.scan_start(by=agent)  # huey runs immediately in tests
    job.refresh_from_db()
    assert job.status == "done" and job.percent == 100
    assert job.report["person"] == 1 and job.report["company"] == 1
    pair = DuplicatePair.objects.get(kind="person")
    assert (pair.left_id, pair.right_id) == (a.pk, b.pk)
    assert any("même téléphone" in r for r in pair.reasons)
    assert DuplicatePair.objects.get(kind="company").left_id == min(c1.pk, c2.pk)

    services.pair_dismiss(pair=pair, by=agent)
    counts = services.duplicates_scan(workspace=workspace, kind="person")
    assert counts == {"person": 1, "person_new": 0}
    pair.refresh_from_db()
    assert pair.status == "dismissed"


def test_scan_refuses_readers(workspace):
    from comptoir.accounts.tests.factories import UserFactory

    reader = UserFactory(workspace=workspace, role="read_only", email="l@duret.example")
    with pytest.raises(Exception, match="rôle"):
        services.scan_start(by=reader)
    assert not ScanJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_merges_never_corrupt(agent, workspace):
    """A+B and C+B at once: one wins, the other fails in French, every phone survives once."""
    a, b, c = (PersonFactory(workspace=workspace, last_name=f"Dupont{i}") for i in range(3))
    for person, number in ((a, "+33600000001"), (b, "+33600000002"), (c, "+33600000003")):
        _phone(person, number)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(kept_id: int) -> None:
        try:
            barrier.wait()
            kept = Person.objects.get(pk=kept_id)
            merged = Person.objects.get(pk=b.pk)
            services.merge(kind="person", kept=kept, merged=merged, by=agent)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Person.DoesNotExist:
            outcomes.append("n'existe plus")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in (a.pk, c.pk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert any("n'existe plus" in o for o in outcomes), outcomes
    assert not Person.objects.filter(pk=b.pk).exists()
    assert Merge.objects.count() == 1
    owners = ContactPoint.objects.filter(normalized="+33600000002").values_list(
        "person_id", flat=True
    )
    assert list(owners) == [Merge.objects.get().kept_id]
    assert ContactPoint.objects.count() == 3
