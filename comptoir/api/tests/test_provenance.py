"""GET /people/{id}/provenance and /companies/{id}/provenance."""

import datetime as dt

import pytest

from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory
from comptoir.dedupe.services import provenance_record

UTC = dt.UTC


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Dupont")
    ContactPoint.objects.create(
        workspace=workspace,
        kind="phone",
        value="0612345678",
        normalized="+33612345678",
        person=person,
    )
    provenance_record(
        workspace=workspace,
        instance=person,
        values={"last_name": "DUPONT", "phone": "+33612345678"},
        source="SAGE",
        source_ref="C0412",
        at=dt.datetime(2024, 3, 12, 9, tzinfo=UTC),
    )
    provenance_record(
        workspace=workspace,
        instance=person,
        values={"last_name": "Dupond"},
        source="Excel",
        source_ref="ligne 5",
        at=dt.datetime(2025, 1, 7, 9, tzinfo=UTC),
    )
    return person


def test_person_provenance_field_by_field_most_recent_first(api, dupont):
    response = api.get(f"/people/{dupont.pk}/provenance")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "person" and body["id"] == dupont.pk
    assert body["sources"] == ["Excel", "SAGE"]
    fields = {f["field"]: f for f in body["fields"]}
    assert fields["last_name"]["label"] == "Nom"
    assert fields["last_name"]["current"] == "Dupont"
    assert [(s["source"], s["value"], s["source_ref"]) for s in fields["last_name"]["sources"]] == [
        ("Excel", "Dupond", "ligne 5"),
        ("SAGE", "DUPONT", "C0412"),
    ]
    assert fields["last_name"]["sources"][0]["recorded_at"].startswith("2025-01-07")
    phone = fields["phone"]["sources"][0]
    assert phone["value"] == "06 12 34 56 78" and phone["is_current"] is True


def test_company_provenance(reader_api, workspace):
    company = CompanyFactory(workspace=workspace, name="Favre")
    provenance_record(
        workspace=workspace, instance=company, values={"siren": "552100554"}, source="SAGE"
    )
    body = reader_api.get(f"/companies/{company.pk}/provenance").json()
    assert body["kind"] == "company"
    assert body["fields"][0]["field"] == "siren"
    assert body["fields"][0]["sources"][0]["value"] == "552100554"
    assert reader_api.get(f"/companies/{company.pk}").json()["name"] == "Favre"


def test_no_source_yet_is_an_empty_list(api, workspace):
    person = PersonFactory(workspace=workspace)
    body = api.get(f"/people/{person.pk}/provenance").json()
    assert body["fields"] == [] and body["sources"] == []


def test_another_workspace_an_unknown_id_or_the_wrong_kind_is_404(
    api, outsider_api, anonymous_api, dupont
):
    assert outsider_api.get(f"/people/{dupont.pk}/provenance").status_code == 404
    assert api.get(f"/companies/{dupont.pk}/provenance").status_code == 404
    assert api.get("/people/999999/provenance").status_code == 404
    assert api.get(f"/people/{2**70}/provenance").status_code in (404, 422)
    assert anonymous_api.get(f"/people/{dupont.pk}/provenance").status_code == 401
    # The people router still answers beside it.
    assert api.get(f"/people/{dupont.pk}").json()["last_name"] == "Dupont"


def test_query_count_does_not_grow_with_the_sources(
    api, workspace, dupont, django_assert_max_num_queries
):
    for n in range(40):
        provenance_record(
            workspace=workspace,
            instance=dupont,
            values={"notes": f"Remarque {n}", "email": f"p{n}@x.fr"},
            source=f"Import {n}",
        )
    with django_assert_max_num_queries(8):
        body = api.get(f"/people/{dupont.pk}/provenance").json()
    assert len({s["source"] for f in body["fields"] for s in f["sources"]}) == 42
