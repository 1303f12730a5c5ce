"""Besoin détecté: a sales opportunity at stage 01 for the sales owner, counted when won."""

import uuid

import pytest
from django.urls import reverse

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Kind, Stage, State
from comptoir.activities.services import interaction_update
from comptoir.field.models import DetectedNeed, FieldSettings
from comptoir.field.selectors import needs_counts
from comptoir.field.tests import factories

pytestmark = pytest.mark.django_db


def detect(client, visit, **fields):
    data = {
        "uuid": str(uuid.uuid4()),
        "description": "Tableau vétuste, devis à faire.",
        "urgency": "high",
    }
    data.update(fields)
    return client.post(reverse("field:need_submit", args=[visit.pk]), data)


def test_a_need_becomes_a_sales_opportunity_for_the_sales_owner(
    gaetan_client, today_visit, manager
):
    response = detect(gaetan_client, today_visit, photo=factories.jpeg("tableau.jpg"))
    assert response.status_code == 200, response.content
    need = DetectedNeed.objects.get()
    opportunity = need.opportunity
    assert opportunity.process.code == "vente"
    assert opportunity.stage.name == "01 Prise de contact"
    assert opportunity.kind == Kind.TASK and opportunity.state == State.OPEN
    assert opportunity.owner == manager  # the first administrator by default
    assert opportunity.person == today_visit.interaction.person
    assert opportunity.site == today_visit.interaction.site
    assert opportunity.subject == "Besoin détecté : Tableau vétuste, devis à faire."
    assert need.photo and need.urgency == "high"
    note = opportunity.notes.get()
    assert today_visit.reference in note.body and "(urgent)" in note.body


def test_the_chosen_sales_owner_receives_the_needs(gaetan_client, today_visit, manager, agent):
    FieldSettings.objects.create(workspace=today_visit.workspace, sales_owner=agent)
    detect(gaetan_client, today_visit)
    assert DetectedNeed.objects.get().opportunity.owner == agent


def test_the_same_need_sent_twice_is_recorded_once(gaetan_client, today_visit, manager):
    same = str(uuid.uuid4())
    first = detect(gaetan_client, today_visit, uuid=same).json()
    again = detect(gaetan_client, today_visit, uuid=same).json()
    assert again["replayed"] and again["need"] == first["need"]
    assert DetectedNeed.objects.count() == 1


def test_an_empty_need_or_a_bad_photo_is_refused_in_french(gaetan_client, today_visit, manager):
    assert detect(gaetan_client, today_visit, description="").json()["message"] == (
        "Décrivez le besoin détecté."
    )
    bad = factories.jpeg("plan.pdf")
    bad.content_type = "application/pdf"
    response = detect(gaetan_client, today_visit, photo=bad)
    assert response.status_code == 400
    assert response.json()["errors"]["photo"] == [
        "« plan.pdf » n'est pas une image : envoyez une photo JPEG, PNG ou WebP."
    ]
    assert not DetectedNeed.objects.exists()


def test_office_list_shows_needs_with_their_conversion(
    manager_client, gaetan_client, today_visit, manager, django_assert_max_num_queries
):
    detect(gaetan_client, today_visit, description="Borne de recharge à prévoir")
    detect(gaetan_client, today_visit, description="Tableau vétuste")
    won = Stage.objects.get(workspace=today_visit.workspace, process__code="vente", outcome="won")
    converted = DetectedNeed.objects.get(description="Tableau vétuste").opportunity
    interaction_update(interaction=converted, by=manager, stage=won)

    assert needs_counts(manager) == {"captured": 2, "converted": 1}
    with django_assert_max_num_queries(12):
        html = manager_client.get(reverse("field:needs")).content.decode()
    assert "2 besoins détectés · 1 convertis en vente" in html
    assert "✓ Convertie" in html and "○ 01 Prise de contact" in html
    only_won = manager_client.get(reverse("field:needs"), {"statut": "converti"}).content.decode()
    assert "Tableau vétuste" in only_won and "Borne de recharge" not in only_won


def test_needs_list_is_for_the_office_and_scoped_to_the_workspace(
    gaetan_client, client, other_workspace, today_visit, manager
):
    detect(gaetan_client, today_visit)
    assert gaetan_client.get(reverse("field:needs")).status_code == 403
    outsider = UserFactory(workspace=other_workspace, role=Role.ADMIN)
    client.force_login(outsider)
    html = client.get(reverse("field:needs")).content.decode()
    assert "Tableau vétuste" not in html
    assert needs_counts(outsider) == {"captured": 0, "converted": 0}


def test_managers_choose_the_sales_owner(manager_client, agent, workspace):
    response = manager_client.post(reverse("field:needs"), {"sales_owner": agent.pk})
    assert response.status_code == 302
    assert FieldSettings.objects.get(workspace=workspace).sales_owner == agent
