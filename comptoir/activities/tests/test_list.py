import datetime as dt

from django.urls import reverse

from comptoir.activities.models import Interaction, Kind, State
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory
from comptoir.activities.tests.helpers import local, process

LIST = reverse("activities:list")
DAY = dt.date(2025, 3, 10)


def make_many(user, count, **fields):
    Interaction.objects.bulk_create(
        Interaction(
            workspace=user.workspace,
            owner=user,
            process=fields.get("process") or process(user.workspace, "support"),
            subject=f"Intervention {n:04d}",
            starts_at=local(DAY, 8) + dt.timedelta(hours=n),
            ends_at=local(DAY, 9) + dt.timedelta(hours=n),
            deadline=local(DAY, 9) + dt.timedelta(hours=n),
        )
        for n in range(count)
    )


def subjects(response):
    return [row["interaction"].subject for row in response.context["rows"]]


def test_list_shows_a_dense_table_newest_first(agent_client, agent):
    InteractionFactory(owner=agent, subject="Ancienne", starts_at=local(DAY, 9))
    InteractionFactory(owner=agent, subject="Récente", starts_at=local(DAY, 15))
    response = agent_client.get(LIST)
    assert response.status_code == 200
    assert subjects(response) == ["Récente", "Ancienne"]
    html = response.content.decode()
    assert "table-dense" in html
    assert "1–2 sur 2" in html
    assert "Effacer les filtres" not in html


def test_list_filters_by_owner_process_state_kind_period_and_subject(
    agent_client, agent, technician
):
    vente = process(agent.workspace, "vente")
    InteractionFactory(owner=agent, subject="Devis Dupont", process=vente, starts_at=local(DAY, 9))
    AppointmentFactory(owner=agent, subject="RDV Dupont", process=vente, starts_at=local(DAY, 10))
    InteractionFactory(
        owner=technician, subject="Devis Martin", process=vente, starts_at=local(DAY, 9)
    )
    InteractionFactory(owner=agent, subject="Fuite", starts_at=local(DAY, 11), state=State.DONE)
    InteractionFactory(
        owner=agent,
        subject="Devis ancien",
        process=vente,
        starts_at=local(DAY - dt.timedelta(days=40), 9),
    )

    def listed(**params):
        return sorted(subjects(agent_client.get(LIST, params)))

    assert listed(owner=technician.pk) == ["Devis Martin"]
    assert listed(process=vente.pk, owner=agent.pk) == [
        "Devis Dupont",
        "Devis ancien",
        "RDV Dupont",
    ]
    assert listed(state="done") == ["Fuite"]
    assert listed(kind=Kind.APPOINTMENT) == ["RDV Dupont"]
    assert listed(date_from="2025-03-01", date_to="2025-03-31", q="devis") == [
        "Devis Dupont",
        "Devis Martin",
    ]
    assert listed(q="dupont", kind="task") == ["Devis Dupont"]


def test_active_filters_show_as_chips_that_remove_themselves(agent_client, agent):
    vente = process(agent.workspace, "vente")
    InteractionFactory(owner=agent, process=vente, starts_at=local(DAY, 9))
    html = agent_client.get(
        LIST, {"process": vente.pk, "state": "open", "page": "1"}
    ).content.decode()
    assert "Processus : Vente" in html
    assert "État : Ouvert" in html
    assert f'href="?process={vente.pk}"' in html  # removing the state chip keeps the process
    assert "Effacer les filtres" in html


def test_no_result_offers_to_clear_filters(agent_client, agent):
    InteractionFactory(owner=agent)
    html = agent_client.get(LIST, {"q": "introuvable"}).content.decode()
    assert "Aucune interaction ne correspond à ces filtres." in html
    assert "Effacer les filtres" in html


def test_invalid_filter_values_are_reported_not_crashing(agent_client, agent):
    InteractionFactory(owner=agent)
    response = agent_client.get(
        LIST, {"date_from": "2025-03-20", "date_to": "2025-03-01", "state": "nope"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "La date de fin doit suivre la date de début." in html


def test_real_pagination_with_counts(agent_client, agent):
    make_many(agent, 1284)
    first = agent_client.get(LIST)
    assert "1–50 sur 1\xa0284" in first.content.decode()
    assert len(first.context["rows"]) == 50
    last = agent_client.get(LIST, {"page": 26})
    assert "1\xa0251–1\xa0284 sur 1\xa0284" in last.content.decode()
    assert len(last.context["rows"]) == 34


def test_pagination_links_keep_the_filters(agent_client, agent):
    make_many(agent, 60)
    html = agent_client.get(LIST, {"q": "Intervention"}).content.decode()
    assert 'href="?q=Intervention&amp;page=2"' in html


def test_list_query_count_is_pinned(agent_client, agent, django_assert_num_queries):
    make_many(agent, 5)
    with django_assert_num_queries(9):
        agent_client.get(LIST)
    make_many(agent, 80)
    with django_assert_num_queries(9):
        agent_client.get(LIST)


def test_list_never_shows_another_workspace(agent_client, agent, outsider):
    InteractionFactory(owner=outsider, subject="Secret concurrent")
    InteractionFactory(owner=agent, subject="À nous")
    assert subjects(agent_client.get(LIST)) == ["À nous"]
    # Filtering by another workspace's user or process is refused, not obeyed.
    foreign_process = process(outsider.workspace, "vente")
    response = agent_client.get(LIST, {"owner": outsider.pk, "process": foreign_process.pk})
    assert subjects(response) == ["À nous"]
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_private_interactions_of_colleagues_are_not_listed(agent_client, agent, technician):
    InteractionFactory(
        owner=technician, subject="Dentiste", process=process(agent.workspace, "prive")
    )
    InteractionFactory(owner=agent, subject="Mon privé", process=process(agent.workspace, "prive"))
    assert subjects(agent_client.get(LIST)) == ["Mon privé"]


def test_huge_lists_stop_counting_at_the_cap(agent_client, agent, monkeypatch):
    from comptoir.activities import views

    monkeypatch.setattr(views, "LIST_COUNT_CAP", 120)
    make_many(agent, 130)
    html = agent_client.get(LIST).content.decode()
    assert "1–50 sur plus de 120" in html
    assert "Page 1 sur 3" in html
