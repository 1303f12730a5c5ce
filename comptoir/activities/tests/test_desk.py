import datetime as dt

import pytest
from django.urls import reverse

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction, State
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory
from comptoir.activities.tests.helpers import HTMX, days_ago, process, today_at
from comptoir.audit.models import AuditEntry
from comptoir.contacts.tests.factories import PersonFactory

DESK = reverse("activities:desk")


def test_desk_shows_today_overdue_and_next(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace, last_name="Petit")
    AppointmentFactory(owner=agent, subject="Entretien chaudière", starts_at=today_at(8))
    AppointmentFactory(owner=agent, subject="Dépannage fuite", starts_at=today_at(14))
    InteractionFactory(
        owner=agent,
        subject="Rappeler M. Petit",
        person=person,
        starts_at=days_ago(3),
        deadline=days_ago(2),
    )
    AppointmentFactory(
        owner=agent, subject="Visite devis", starts_at=today_at(10) + dt.timedelta(days=3)
    )
    InteractionFactory(
        owner=agent,
        subject="Vieille affaire finie",
        starts_at=days_ago(5),
        deadline=days_ago(4),
        state=State.DONE,
    )

    response = agent_client.get(DESK)

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 RDV" in html
    assert "1 tâche en retard" in html
    assert "Vieilles casseroles" in html
    assert "En retard · 2 j" in html
    assert html.index("Entretien chaudière") < html.index("Dépannage fuite")
    assert "Visite devis" in html
    assert "Vieille affaire finie" not in html
    assert person.get_absolute_url() in html
    assert "Marquer comme terminé" in html


def test_desk_is_empty_state_friendly(agent_client):
    html = agent_client.get(DESK).content.decode()
    assert "Aucun rendez-vous aujourd'hui." in html
    assert "0 RDV" in html


def test_desk_query_count_does_not_grow_with_rows(agent_client, agent, django_assert_num_queries):
    for hour in (8, 9, 10):
        AppointmentFactory(
            owner=agent, starts_at=today_at(hour), person=PersonFactory(workspace=agent.workspace)
        )
    for day in (2, 3, 4):
        InteractionFactory(owner=agent, starts_at=days_ago(day + 1), deadline=days_ago(day))
    agent_client.get(DESK)
    # The same count whatever the number of rows (today's keys, then only the rows shown).
    with django_assert_num_queries(9):
        agent_client.get(DESK)
    for hour in (11, 12, 13, 15):
        AppointmentFactory(owner=agent, starts_at=today_at(hour), company=None)
        InteractionFactory(owner=agent, starts_at=days_ago(hour), deadline=days_ago(hour - 1))
    with django_assert_num_queries(9):
        agent_client.get(DESK)


def test_one_click_state_change_returns_the_row_and_is_audited(agent_client, agent):
    task = InteractionFactory(owner=agent, subject="Rappeler M. Petit", starts_at=today_at(9))
    url = reverse("activities:set_state", args=[task.pk])

    response = agent_client.post(url, {"state": "done", "variant": "desk"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith("<li")
    assert "✓ Terminé" in html
    assert 'data-announce="« Rappeler M. Petit » : Terminé"' in html.replace("&#x27;", "'")
    assert "Marquer comme ouvert" in html  # the undo is one click away
    task.refresh_from_db()
    assert task.state == State.DONE
    assert task.completed_at is not None
    entry = AuditEntry.objects.filter(object_id=task.pk, action="update").get()
    assert entry.changes["state"] == ["Ouvert", "Terminé"]
    assert entry.actor == agent


def test_state_change_variants_render_their_own_partial(agent_client, agent):
    task = InteractionFactory(owner=agent)
    url = reverse("activities:set_state", args=[task.pk])
    row = agent_client.post(url, {"state": "in_progress", "variant": "list"}, **HTMX)
    assert row.content.decode().lstrip().startswith("<tr")
    bar = agent_client.post(url, {"state": "open", "variant": "detail"}, **HTMX)
    assert 'class="state-bar"' in bar.content.decode()
    assert "Marquer comme en cours" in bar.content.decode()


def test_state_change_without_htmx_redirects_back(agent_client, agent):
    task = InteractionFactory(owner=agent)
    url = reverse("activities:set_state", args=[task.pk])
    response = agent_client.post(url, {"state": "done", "next": DESK})
    assert response.status_code == 302
    assert response.url == DESK
    task.refresh_from_db()
    assert task.state == State.DONE


def test_unknown_state_is_refused_and_nothing_changes(agent_client, agent):
    task = InteractionFactory(owner=agent)
    response = agent_client.post(
        reverse("activities:set_state", args=[task.pk]), {"state": "lost"}, **HTMX
    )
    assert response.status_code == 400
    assert "État inconnu." in response.content.decode()
    task.refresh_from_db()
    assert task.state == State.OPEN
    assert not AuditEntry.objects.filter(object_id=task.pk, action="update").exists()


def test_state_change_on_another_workspace_is_404(agent_client, outsider):
    foreign = InteractionFactory(owner=outsider)
    response = agent_client.post(
        reverse("activities:set_state", args=[foreign.pk]), {"state": "done"}, **HTMX
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == State.OPEN


def test_read_only_user_cannot_change_state(client, workspace, agent):
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    client.force_login(reader)
    task = InteractionFactory(owner=agent)
    response = client.post(
        reverse("activities:set_state", args=[task.pk]), {"state": "done"}, **HTMX
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.state == State.OPEN


def test_office_user_opens_a_colleague_desk_with_a_picker(agent_client, agent, technician):
    AppointmentFactory(owner=technician, subject="Chantier Roux", starts_at=today_at(9))
    AppointmentFactory(owner=agent, subject="Mon rendez-vous", starts_at=today_at(9))

    html = agent_client.get(DESK, {"user": technician.pk}).content.decode()

    assert "Bureau de Gaëtan" in html
    assert "Chantier Roux" in html
    assert "Mon rendez-vous" not in html
    assert 'id="user-picker"' in html
    assert f'<option value="{technician.pk}" selected>' in html


def test_colleague_private_interactions_stay_hidden(agent_client, agent, technician):
    AppointmentFactory(
        owner=technician,
        subject="Dentiste",
        starts_at=today_at(9),
        process=process(agent.workspace, "prive"),
    )
    html = agent_client.get(DESK, {"user": technician.pk}).content.decode()
    assert "Dentiste" not in html


def test_technician_cannot_open_a_colleague_desk(client, technician, agent):
    client.force_login(technician)
    assert client.get(DESK, {"user": agent.pk}).status_code == 404
    own = client.get(DESK, {"user": technician.pk})
    assert own.status_code == 200
    assert 'id="user-picker"' not in own.content.decode()


@pytest.mark.parametrize("raw", ["abc", "999999"])
def test_unknown_colleague_is_404(agent_client, raw):
    assert agent_client.get(DESK, {"user": raw}).status_code == 404


def test_another_workspace_user_desk_is_404(agent_client, outsider):
    InteractionFactory(owner=outsider, starts_at=today_at(9))
    assert agent_client.get(DESK, {"user": outsider.pk}).status_code == 404


def test_desk_requires_sign_in(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert "/comptes/login/" in response.url


def test_many_overdue_are_counted_beyond_the_shown_ones(agent_client, agent):
    Interaction.objects.bulk_create(
        Interaction(
            workspace=agent.workspace,
            owner=agent,
            process=process(agent.workspace, "support"),
            subject=f"Ancienne {n}",
            starts_at=days_ago(10 + n),
            deadline=days_ago(9 + n),
            ends_at=days_ago(9 + n),
        )
        for n in range(55)
    )
    html = agent_client.get(DESK).content.decode()
    assert "55 tâches en retard" in html
    assert "Voir les 55 interactions en retard" in html
    assert html.count('class="desk-row') == 50


def test_today_list_is_capped_with_a_link_to_the_rest(
    agent_client, agent, django_assert_num_queries
):
    Interaction.objects.bulk_create(
        Interaction(
            workspace=agent.workspace,
            owner=agent,
            process=process(agent.workspace, "support"),
            subject=f"Aujourd'hui {n}",
            starts_at=today_at(8) + dt.timedelta(minutes=n),
            ends_at=today_at(8) + dt.timedelta(minutes=n),
        )
        for n in range(53)
    )
    agent_client.get(DESK)
    with django_assert_num_queries(9):
        html = agent_client.get(DESK).content.decode()
    assert html.count('class="desk-row') == 50
    assert "(53)" in html
    assert "+ 3 autres aujourd'hui → voir la liste" in html
    day = dt.date.today().isoformat()
    assert f"?owner={agent.pk}&amp;date_from={day}&amp;date_to={day}&amp;kind=task" in html
