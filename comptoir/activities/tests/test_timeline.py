import datetime as dt

from django.urls import reverse
from django.utils import timezone

from comptoir.activities.models import Interaction, Note, State
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory, NoteFactory
from comptoir.activities.tests.helpers import HTMX, days_ago, local, process, today_at
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory

TIMELINE = reverse("activities:timeline")
QUICK = reverse("activities:quick_note")


def test_timeline_is_a_fragment_newest_first_grouped_by_day(agent_client, agent, technician):
    person = PersonFactory(workspace=agent.workspace)
    today = InteractionFactory(
        owner=agent, person=person, subject="Appel ce matin", starts_at=today_at(9)
    )
    AppointmentFactory(
        owner=technician,
        person=person,
        subject="Intervention hier",
        starts_at=days_ago(1, 14),
        process=process(agent.workspace, "support"),
    )
    InteractionFactory(
        owner=agent,
        person=person,
        subject="Devis ancien",
        starts_at=days_ago(8),
        process=process(agent.workspace, "vente"),
    )
    NoteFactory(interaction=today, author=technician, body="Fuite sous la chaudière")
    InteractionFactory(owner=agent, subject="Autre client", starts_at=today_at(10))

    response = agent_client.get(TIMELINE, {"person": person.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<body" not in html
    assert 'id="activities-timeline"' in html
    assert (
        html.index("Appel ce matin") < html.index("Intervention hier") < html.index("Devis ancien")
    )
    assert html.index("Aujourd&#x27;hui") < html.index("Appel ce matin")
    assert "Hier" in html
    old_day = timezone.localdate() - dt.timedelta(days=8)
    from django.utils import formats

    assert formats.date_format(old_day, "l j F") in html
    assert "Fuite sous la chaudière" in html and "Gaëtan" in html
    assert "Vente" in html and "Support" in html
    assert "○ Ouvert" in html
    assert "Autre client" not in html


def test_timeline_of_a_company(agent_client, agent):
    company = CompanyFactory(workspace=agent.workspace)
    InteractionFactory(owner=agent, company=company, subject="Relance facture")
    InteractionFactory(
        owner=agent, person=PersonFactory(workspace=agent.workspace), subject="Ailleurs"
    )
    html = agent_client.get(TIMELINE, {"company": company.pk}).content.decode()
    assert "Relance facture" in html and "Ailleurs" not in html


def test_timeline_pages_with_show_more(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace)
    base = local(timezone.localdate() - dt.timedelta(days=60), 9)
    Interaction.objects.bulk_create(
        Interaction(
            workspace=agent.workspace,
            owner=agent,
            person=person,
            process=process(agent.workspace, "support"),
            subject=f"Échange {n:02d}",
            starts_at=base + dt.timedelta(days=n),
            ends_at=base + dt.timedelta(days=n),
        )
        for n in range(25)
    )
    first = agent_client.get(TIMELINE, {"person": person.pk}).content.decode()
    assert first.count('class="tl-item"') == 20
    assert "Échange 24" in first and "Échange 04" not in first
    assert "Afficher plus" in first
    assert "page=2" in first
    second = agent_client.get(TIMELINE, {"person": person.pk, "page": 2}, **HTMX).content.decode()
    assert 'id="activities-timeline"' not in second  # appended into the same list
    assert second.count('class="tl-item"') == 5
    assert "Échange 04" in second and "Échange 00" in second
    assert "Afficher plus" not in second


def test_show_more_does_not_repeat_the_day_heading(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace)
    for hour in range(8, 8 + 22):
        InteractionFactory(
            owner=agent, person=person, starts_at=days_ago(3, 0) + dt.timedelta(minutes=hour * 10)
        )
    first = agent_client.get(TIMELINE, {"person": person.pk}).content.decode()
    assert first.count('class="timeline-day"') == 1
    day = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert f"after={day}" in first
    second = agent_client.get(
        TIMELINE, {"person": person.pk, "page": 2, "after": day}
    ).content.decode()
    assert 'class="timeline-day"' not in second


def test_timeline_query_count_is_flat(agent_client, agent, django_assert_num_queries):
    person = PersonFactory(workspace=agent.workspace)
    for days in range(3):
        NoteFactory(
            interaction=InteractionFactory(owner=agent, person=person, starts_at=days_ago(days))
        )
    with django_assert_num_queries(7):
        agent_client.get(TIMELINE, {"person": person.pk})
    for days in range(3, 15):
        NoteFactory(
            interaction=InteractionFactory(owner=agent, person=person, starts_at=days_ago(days))
        )
    with django_assert_num_queries(7):
        agent_client.get(TIMELINE, {"person": person.pk})


def test_timeline_respects_privacy_and_process_restrictions(client, agent, technician):
    from comptoir.accounts.tests.factories import UserFactory
    from comptoir.activities.services import process_access_set

    person = PersonFactory(workspace=agent.workspace)
    InteractionFactory(
        owner=technician, person=person, subject="Perso", process=process(agent.workspace, "prive")
    )
    InteractionFactory(
        owner=technician,
        person=person,
        subject="Achat caché",
        process=process(agent.workspace, "achat"),
    )
    InteractionFactory(
        owner=technician,
        person=person,
        subject="Vente visible",
        process=process(agent.workspace, "vente"),
    )
    admin = UserFactory(workspace=agent.workspace, role="admin")
    process_access_set(user=agent, processes=[process(agent.workspace, "vente")], by=admin)
    client.force_login(agent)
    html = client.get(TIMELINE, {"person": person.pk}).content.decode()
    assert "Vente visible" in html
    assert "Perso" not in html and "Achat caché" not in html


def test_timeline_of_another_workspace_customer_is_404(agent_client, outsider):
    foreign = PersonFactory(workspace=outsider.workspace)
    InteractionFactory(owner=outsider, person=foreign)
    assert agent_client.get(TIMELINE, {"person": foreign.pk}).status_code == 404
    assert (
        agent_client.get(
            TIMELINE, {"company": CompanyFactory(workspace=outsider.workspace).pk}
        ).status_code
        == 404
    )
    assert agent_client.get(TIMELINE).status_code == 404
    assert agent_client.get(TIMELINE, {"person": "x"}).status_code == 404


def test_empty_timeline_says_so(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace)
    html = agent_client.get(TIMELINE, {"person": person.pk}).content.decode()
    assert "Aucune interaction avec ce client pour l" in html


# --- quick note --------------------------------------------------------------------------------


def test_quick_note_form_lists_the_customer_open_interactions(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace)
    InteractionFactory(owner=agent, person=person, subject="Devis en cours")
    InteractionFactory(owner=agent, person=person, subject="Déjà fini", state=State.DONE)
    html = agent_client.get(QUICK, {"person": person.pk}).content.decode()
    assert 'id="activities-quick-note"' in html
    assert "Nouvelle note" in html
    assert "Devis en cours" in html
    assert "Déjà fini" not in html
    assert 'hx-target="#activities-timeline"' in html


def test_quick_note_as_new_creates_a_done_administrative_interaction(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace)
    body = (
        "Client joint au téléphone : il souhaite un rendez-vous la semaine prochaine pour le devis."
    )

    response = agent_client.post(
        QUICK, {"person": person.pk, "body": body, "interaction": ""}, **HTMX
    )

    interaction = Interaction.objects.get()
    assert interaction.process == process(agent.workspace, "administratif")
    assert interaction.state == State.DONE
    assert interaction.person == person
    assert interaction.subject.startswith("Client joint au téléphone")
    assert interaction.subject.endswith("…") and len(interaction.subject) <= 60
    assert Note.objects.get().body == body
    html = response.content.decode()
    assert 'id="activities-timeline"' in html
    assert body in html
    assert 'hx-swap-oob="true"' in html  # a fresh, empty composer
    assert 'data-announce="Note enregistrée."' in html


def test_quick_note_on_an_open_interaction_appends_to_it(agent_client, agent):
    company = CompanyFactory(workspace=agent.workspace)
    open_one = InteractionFactory(owner=agent, company=company, subject="Chantier")
    agent_client.post(
        QUICK, {"company": company.pk, "body": "Matériel livré", "interaction": open_one.pk}, **HTMX
    )
    assert Interaction.objects.count() == 1
    assert list(open_one.notes.values_list("body", flat=True)) == ["Matériel livré"]


def test_quick_note_refuses_empty_text_and_foreign_interactions(agent_client, agent, outsider):
    person = PersonFactory(workspace=agent.workspace)
    response = agent_client.post(QUICK, {"person": person.pk, "body": " "}, **HTMX)
    assert "La note est vide." in response.content.decode()
    assert response["HX-Retarget"] == "#activities-quick-note"
    foreign = InteractionFactory(owner=outsider)
    other_customer = InteractionFactory(
        owner=agent, person=PersonFactory(workspace=agent.workspace)
    )
    for target in (foreign, other_customer):
        response = agent_client.post(
            QUICK, {"person": person.pk, "body": "x", "interaction": target.pk}, **HTMX
        )
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Note.objects.exists()
    assert Interaction.objects.count() == 2


def test_quick_note_for_another_workspace_customer_is_404(agent_client, outsider):
    foreign = PersonFactory(workspace=outsider.workspace)
    assert agent_client.get(QUICK, {"person": foreign.pk}).status_code == 404
    assert agent_client.post(QUICK, {"person": foreign.pk, "body": "x"}).status_code == 404
    assert not Note.objects.exists()


def test_quick_note_when_administratif_is_not_allowed(client, agent, manager):
    from comptoir.activities.services import process_access_set

    process_access_set(user=agent, processes=[process(agent.workspace, "vente")], by=manager)
    client.force_login(agent)
    person = PersonFactory(workspace=agent.workspace)
    response = client.post(QUICK, {"person": person.pk, "body": "Bonjour"}, **HTMX)
    assert "processus Administratif ne vous est pas autorisé" in response.content.decode()
    assert not Interaction.objects.exists()
