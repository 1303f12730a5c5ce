"""The « Tableau de bord du service » page: who sees what, the period in the URL."""

import datetime as dt

import pytest
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.reports.period import period_from
from comptoir.scheduling.tests.factories import TechnicianFactory
from comptoir.tickets.models import Ticket, TicketChannel
from comptoir.tickets.tests.factories import open_ticket

URL = "/tableau-de-bord/service/"
TODAY = dt.date(2025, 3, 20)


def test_period_defaults_to_this_month_and_reads_presets():
    assert (period_from({}, TODAY).start, period_from({}, TODAY).end) == (
        dt.date(2025, 3, 1),
        TODAY,
    )
    thirty = period_from({"periode": "30j"}, TODAY)
    assert (thirty.start, thirty.end, thirty.days) == (dt.date(2025, 2, 19), TODAY, 30)
    assert period_from({"periode": "90j"}, TODAY).days == 90
    custom = period_from({"periode": "perso", "du": "2025-01-06", "au": "2025-02-02"}, TODAY)
    assert (custom.kind, custom.start, custom.end, custom.errors) == (
        "perso",
        dt.date(2025, 1, 6),
        dt.date(2025, 2, 2),
        [],
    )
    # Dates alone mean « du … au … ».
    assert period_from({"du": "2025-01-06", "au": "2025-01-07"}, TODAY).kind == "perso"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "perso", "du": "2025-02-30", "au": "2025-03-10"}, "Date non reconnue"),
        ({"periode": "perso", "du": "20/03/2025", "au": "2025-03-10"}, "Date non reconnue"),
        ({"periode": "perso", "du": "2025-03-10", "au": "2025-03-01"}, "avant la date de début"),
        ({"periode": "perso", "du": "2020-01-01", "au": "2025-03-01"}, "Deux ans au plus"),
        ({"periode": "perso", "du": "2025-03-10"}, "les deux dates"),
        ({"periode": "semaine"}, "Période inconnue"),
    ],
)
def test_bad_period_falls_back_to_this_month_with_a_french_message(query, message):
    period = period_from(query, TODAY)
    assert (period.kind, period.start, period.end) == ("mois", dt.date(2025, 3, 1), TODAY)
    assert len(period.errors) == 1 and message in period.errors[0]


@pytest.mark.django_db
def test_bad_dates_show_the_error_on_the_page(agent_client):
    response = agent_client.get(URL, {"periode": "perso", "du": "2025-13-01", "au": "2025-13-02"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Date non reconnue (attendu : 2025-03-20)" in html
    assert 'role="alert"' in html


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "connexion" in response["Location"]


def _requests_this_month(by, count):
    today = timezone.localdate()
    for i in range(count):
        found = open_ticket(by=by, channel=TicketChannel.EMAIL)
        moment = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time(9, i)))
        Ticket.objects.filter(pk=found.pk).update(created_at=moment)


@pytest.mark.django_db
def test_office_sees_every_figure_with_table_alternatives(
    agent, agent_client, django_assert_max_num_queries
):
    _requests_this_month(agent, 3)
    with django_assert_max_num_queries(30):
        response = agent_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Demandes par canal et par semaine",
        "Délais médians par semaine",
        "SLA tenus et appels tracés, par semaine",
        "Satisfaction (CSAT) et NPS par semaine",
        "Charge des techniciens",
        "Besoins détectés par les techniciens",
        "Appels tracés",
    ):
        assert title in html, title
    assert 'data-chart="channels"' in html
    assert html.count("<details>") >= 1
    assert 'aria-label="Barres empilées' in html
    assert "objectif 100 %" in html
    assert response.context["requests"].total == 3
    assert "Tableau de bord" in html  # the sidebar entry


@pytest.mark.django_db
def test_empty_period_teaches_instead_of_drawing(agent_client):
    html = agent_client.get(URL).content.decode()
    assert "Aucune demande sur la période." in html
    assert 'data-chart="channels"' not in html
    assert "Aucun technicien actif" in html


@pytest.mark.django_db
def test_read_only_account_reads_the_whole_dashboard(workspace, client):
    reader = UserFactory(workspace=workspace, email="compta@duret.example", role=Role.READ_ONLY)
    client.force_login(reader)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Demandes par canal et par semaine" in response.content.decode()


@pytest.mark.django_db
def test_technician_sees_only_their_own_workload(workspace, client, agent):
    gaetan = TechnicianFactory(user__workspace=workspace, user__first_name="Gaëtan")
    TechnicianFactory(
        user__workspace=workspace,
        user__first_name="Kévin",
        user__last_name="Rivoire",
        user__email="kevin@duret.example",
    )
    _requests_this_month(agent, 2)
    client.force_login(gaetan.user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mon tableau de bord" in html
    assert "Ma charge" in html
    assert [w.technician_id for w in response.context["workload"]] == [gaetan.pk]
    assert "Rivoire" not in html
    assert "Demandes par canal" not in html
    assert "requests" not in response.context


@pytest.mark.django_db
def test_another_workspace_sees_none_of_our_figures(agent, outsider, client):
    _requests_this_month(agent, 4)
    client.force_login(outsider)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["requests"].total == 0
    assert "Aucune demande sur la période." in response.content.decode()


@pytest.mark.django_db
def test_period_presets_change_the_figures(agent, agent_client):
    found = open_ticket(by=agent)
    Ticket.objects.filter(pk=found.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    assert agent_client.get(URL, {"periode": "30j"}).context["requests"].total == 0
    response = agent_client.get(URL, {"periode": "90j"})
    assert response.context["requests"].total == 1
    assert 'value="90j" checked' in response.content.decode()
