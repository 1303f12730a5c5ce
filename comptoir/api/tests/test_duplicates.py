"""GET /duplicates, POST /duplicates/{id}/merge, POST /merges/{id}/undo."""

import pytest

from comptoir.contacts.models import Person
from comptoir.contacts.tests.factories import PersonFactory
from comptoir.dedupe.models import DuplicatePair


@pytest.fixture
def pair(workspace):
    a = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Dupont", notes="")
    b = PersonFactory(
        workspace=workspace, first_name="Pierre", last_name="Dupond", notes="Portail bleu"
    )
    return DuplicatePair.objects.create(
        workspace=workspace,
        kind="person",
        left_id=a.pk,
        right_id=b.pk,
        score=93.5,
        reasons=["nom proche (Pierre Dupont ≈ Pierre Dupond, 93)"],
    )


def test_list_pairs_with_score_and_reasons(api, pair):
    body = api.get("/duplicates").json()
    assert body["count"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["score"] == 93.5
    assert item["reasons"] == ["nom proche (Pierre Dupont ≈ Pierre Dupond, 93)"]
    assert api.get("/duplicates", {"kind": "company"}).json()["count"] == 0


def test_merge_keeping_the_right_one_then_undo(api, pair):
    response = api.post(
        f"/duplicates/{pair.pk}/merge", {"keep": "right", "choices": {"last_name": "left"}}
    )
    assert response.status_code == 200, response.content
    merge = response.json()
    assert (merge["kept_id"], merge["merged_id"]) == (pair.right_id, pair.left_id)
    kept = Person.objects.get(pk=pair.right_id)
    assert (kept.last_name, kept.notes) == ("Dupont", "Portail bleu")
    assert not Person.objects.filter(pk=pair.left_id).exists()
    again = api.post(f"/duplicates/{pair.pk}/merge")
    assert again.status_code == 422 and "déjà été traitée" in again.content.decode()

    undone = api.post(f"/merges/{merge['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert Person.objects.get(pk=pair.right_id).last_name == "Dupond"
    assert Person.objects.filter(pk=pair.left_id).exists()


def test_auth_reader_and_other_workspace(anonymous_api, reader_api, outsider_api, pair):
    assert anonymous_api.get("/duplicates").status_code == 401
    assert reader_api.post(f"/duplicates/{pair.pk}/merge").status_code == 403
    assert outsider_api.get("/duplicates").json()["count"] == 0
    assert outsider_api.post(f"/duplicates/{pair.pk}/merge").status_code == 404
    assert outsider_api.post("/merges/999/undo").status_code == 404
    assert Person.objects.filter(pk=pair.right_id).exists()
