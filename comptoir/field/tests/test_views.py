"""The technician's day on the phone: scoped to their visits, installable, cacheable."""

import pytest
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.field.tests import factories
from comptoir.field.tests.conftest import today_at
from comptoir.scheduling.tests.factories import TechnicianFactory

pytestmark = pytest.mark.django_db


def test_technician_sees_only_their_own_visits_today_and_coming(
    gaetan_client, gaetan, today_visit, karim, dupont, django_assert_max_num_queries
):
    person, site = dupont
    tomorrow = factories.visit(gaetan, starts_at=today_at(9, days=1), person=person, site=site)
    colleague = factories.visit(karim, starts_at=today_at(14), person=person, site=site)
    with django_assert_max_num_queries(20):
        html = gaetan_client.get(reverse("field:today")).content.decode()
    assert today_visit.reference in html
    assert "Dupont" in html and "12 rue de la Mairie, 74000 Annecy" in html
    assert "Prochains jours" in html and tomorrow.reference in html
    assert colleague.reference not in html


def test_visit_page_shows_access_notes_history_and_one_tap_actions(gaetan_client, today_visit):
    html = gaetan_client.get(reverse("field:visit", args=[today_visit.pk])).content.decode()
    assert "Digicode 1234" in html
    assert "Tableau Legrand de 1998" in html  # the customer's equipment notes
    assert 'href="tel:+33612345678"' in html
    assert "geo:" in html and "google.com/maps/dir" in html
    assert 'accept="image/*" capture="environment"' in html
    assert "Couper l&#x27;alimentation avant intervention" in html  # dépannage checklist
    assert "Terminer l'intervention" in html


def test_a_colleagues_visit_answers_404_to_a_technician(gaetan_client, karim, dupont):
    person, site = dupont
    colleague = factories.visit(karim, starts_at=today_at(14), person=person, site=site)
    for name in ("field:visit",):
        assert gaetan_client.get(reverse(name, args=[colleague.pk])).status_code == 404
    url = reverse("field:report_submit", args=[colleague.pk])
    assert gaetan_client.post(url, {}).status_code == 404


def test_office_roles_open_any_visit_of_their_workspace(agent_client, today_visit):
    response = agent_client.get(reverse("field:visit", args=[today_visit.pk]))
    assert response.status_code == 200
    day = agent_client.get(reverse("field:today"), {"technicien": today_visit.technician.user_id})
    assert today_visit.reference in day.content.decode()


def test_another_workspace_visit_answers_404(client, other_workspace, today_visit):
    outsider = UserFactory(workspace=other_workspace, role="admin")
    client.force_login(outsider)
    for name in ("field:visit", "field:report_submit", "field:need_submit", "field:timer"):
        method = client.get if name == "field:visit" else client.post
        assert method(reverse(name, args=[today_visit.pk])).status_code == 404


def test_today_json_lists_the_pages_to_keep_offline(gaetan_client, today_visit):
    data = gaetan_client.get(reverse("field:today_json")).json()
    assert [v["url"] for v in data["visits"]] == [reverse("field:visit", args=[today_visit.pk])]
    assert data["visits"][0]["customer"] == str(today_visit.interaction.person)
    assert data["visits"][0]["phone"] == "+33612345678"


def test_the_app_is_installable(client, workspace):
    manifest = client.get(reverse("field:manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["scope"] == "/field/" and data["start_url"] == "/field/"
    assert data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    worker = client.get("/field/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/field/"
    body = worker.content.decode()
    assert "/static/field/field.js" in body and "caches.open" in body


def test_pages_need_a_signed_in_user(client, today_visit):
    response = client.get(reverse("field:visit", args=[today_visit.pk]))
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_timer_records_arrival_once(gaetan_client, today_visit):
    url = reverse("field:timer", args=[today_visit.pk])
    first = gaetan_client.post(url, {"action": "start"}).json()
    again = gaetan_client.post(url, {"action": "start"}).json()
    assert first["started_at"] == again["started_at"]
    stopped = gaetan_client.post(url, {"action": "stop"}).json()
    assert stopped["ended_at"] >= stopped["started_at"]
    today_visit.interaction.refresh_from_db()
    assert today_visit.interaction.state == "in_progress"


def test_manager_without_technician_profile_sees_an_empty_day(manager_client, workspace):
    TechnicianFactory(user=UserFactory(workspace=workspace, role="technician"))
    html = manager_client.get(reverse("field:today")).content.decode()
    assert "Aucune intervention aujourd'hui." in html
