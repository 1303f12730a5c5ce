"""The review queue, the pair page, merge with undo, scan progress, live warning."""

import pytest
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.models import ContactPoint, Person
from comptoir.contacts.tests.factories import PersonFactory
from comptoir.dedupe.models import DuplicatePair, Merge


@pytest.fixture
def pair(workspace):
    a = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Dupont", city="Lyon")
    b = PersonFactory(workspace=workspace, first_name="P.", last_name="DUPONT", city="")
    ContactPoint.objects.create(
        workspace=workspace,
        kind="phone",
        value="06 12 34 56 78",
        normalized="+33612345678",
        person=b,
    )
    return DuplicatePair.objects.create(
        workspace=workspace,
        kind="person",
        left_id=a.pk,
        right_id=b.pk,
        score=96,
        reasons=["même téléphone 06 12 34 56 78"],
    )


def test_queue_lists_pairs_with_reasons_and_counts(agent_client, pair):
    html = agent_client.get(reverse("dedupe:queue")).content.decode()
    assert "même téléphone 06 12 34 56 78" in html
    assert "Pierre Dupont" in html
    assert reverse("dedupe:pair", args=[pair.pk]) in html
    assert "Lancer une recherche de doublons" in html
    html = agent_client.get(reverse("dedupe:queue") + "?type=company").content.decode()
    assert "Aucun doublon à examiner" in html


def test_merge_from_the_pair_page_then_undo(agent_client, pair, workspace):
    page = agent_client.get(reverse("dedupe:pair", args=[pair.pk])).content.decode()
    assert 'name="f_first_name"' in page and "Fusionner" in page
    response = agent_client.post(
        reverse("dedupe:pair_merge", args=[pair.pk]), {"keep": "left", "f_first_name": "left"}
    )
    merge = Merge.objects.get()
    assert response.url == reverse("dedupe:queue") + f"?fusion={merge.pk}"
    queue = agent_client.get(response.url).content.decode()
    assert "Annuler la fusion" in queue
    kept = Person.objects.get(pk=pair.left_id)
    assert kept.contact_points.get().normalized == "+33612345678"
    assert not Person.objects.filter(pk=pair.right_id).exists()

    agent_client.post(reverse("dedupe:merge_undo", args=[merge.pk]))
    assert Person.objects.get(pk=pair.right_id).contact_points.count() == 1
    history = agent_client.get(reverse("dedupe:merges")).content.decode()
    assert "Annulée le" in history


def test_dismiss(agent_client, pair):
    agent_client.post(reverse("dedupe:pair_dismiss", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.status == "dismissed"


def test_other_workspace_gets_404(client, outsider, pair):
    client.force_login(outsider)
    assert client.get(reverse("dedupe:pair", args=[pair.pk])).status_code == 404
    assert client.post(reverse("dedupe:pair_merge", args=[pair.pk])).status_code == 404
    assert Person.objects.filter(pk=pair.right_id).exists()


def test_read_only_user_cannot_merge_or_see_the_queue(client, workspace, pair):
    reader = UserFactory(workspace=workspace, role="read_only", email="l@duret.example")
    client.force_login(reader)
    assert client.get(reverse("dedupe:queue")).status_code == 403
    assert client.post(reverse("dedupe:pair_merge", args=[pair.pk])).status_code == 403
    assert Person.objects.filter(pk=pair.right_id).exists()
    assert "Doublons" not in client.get(reverse("contacts:list")).content.decode()


def test_scan_button_returns_a_progress_panel(agent_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        html = agent_client.post(reverse("dedupe:scan_start")).content.decode()
    assert 'id="scan-progress"' in html


def test_live_warning_while_typing_a_new_person(agent_client, workspace, pair):
    url = reverse("dedupe:lookalikes")
    html = agent_client.get(
        url,
        {"type": "person", "first_name": "Pierre", "last_name": "Dupond", "phone_1": "0612345678"},
    ).content.decode()
    assert "Ressemble à" in html and "même téléphone 06 12 34 56 78" in html
    assert agent_client.get(url, {"last_name": "Zimmermann"}).content.decode().strip() == ""
    form = agent_client.get(reverse("contacts:person_create")).content.decode()
    assert url in form


def test_a_pair_whose_record_was_deleted_leaves_the_queue(agent_client, workspace):
    from django.urls import reverse

    from comptoir.contacts.tests.factories import PersonFactory
    from comptoir.dedupe.models import DuplicatePair

    left = PersonFactory(workspace=workspace, last_name="Fantôme", first_name="Paul")
    right = PersonFactory(workspace=workspace, last_name="Fantome", first_name="Paul")
    DuplicatePair.objects.create(
        workspace=workspace,
        kind="person",
        left_id=left.pk,
        right_id=right.pk,
        score=90,
        reasons=["nom proche"],
    )
    assert "Fantôme" in agent_client.get(reverse("dedupe:queue")).content.decode()
    right.delete()
    assert "Fantôme" not in agent_client.get(reverse("dedupe:queue")).content.decode()
