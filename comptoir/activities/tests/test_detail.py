import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.activities.models import Note
from comptoir.activities.services import interaction_create, interaction_move, interaction_set_state
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory, NoteFactory
from comptoir.activities.tests.helpers import HTMX, local, process
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, SiteFactory


def detail(interaction):
    return reverse("activities:detail", args=[interaction.pk])


def test_detail_shows_everything_about_the_interaction(agent_client, agent):
    person = PersonFactory(
        workspace=agent.workspace, civility="Mme", first_name="Claire", last_name="Durand"
    )
    company = CompanyFactory(workspace=agent.workspace, name="SCI Les Tilleuls")
    site = SiteFactory(workspace=agent.workspace, person=person, name="Résidence Les Pins")
    vente = process(agent.workspace, "vente")
    rdv = AppointmentFactory(
        owner=agent,
        subject="Visite devis",
        process=vente,
        stage=vente.stages.get(position=3),
        person=person,
        company=company,
        site=site,
        starts_at=local(dt.date(2025, 3, 12), 14, 30),
        duration_minutes=90,
        outcome="Devis à envoyer",
    )
    html = agent_client.get(detail(rdv)).content.decode()
    for text in (
        "Visite devis",
        "Rendez-vous",
        "Vente · 03 Devis envoyé",
        "Mme Claire Durand",
        "SCI Les Tilleuls",
        "Résidence Les Pins",
        "mercredi 12/03/2025",
        "14:30",
        "1 h 30",
        "Devis à envoyer",
        "Marquer comme terminé",
        "Ajouter la note",
    ):
        assert text in html, text
    assert person.get_absolute_url() in html
    assert company.get_absolute_url() in html


def test_detail_of_another_workspace_is_404(agent_client, outsider):
    foreign = InteractionFactory(owner=outsider)
    assert agent_client.get(detail(foreign)).status_code == 404


def test_detail_of_a_colleague_private_interaction_is_404(agent_client, technician):
    private = InteractionFactory(owner=technician, process=process(technician.workspace, "prive"))
    assert agent_client.get(detail(private)).status_code == 404


def test_detail_query_count_is_flat(agent_client, agent, django_assert_num_queries):
    task = InteractionFactory(owner=agent)
    for _ in range(3):
        NoteFactory(interaction=task)
    with django_assert_num_queries(7):
        agent_client.get(detail(task))
    for _ in range(5):
        NoteFactory(interaction=task)
        interaction_set_state(interaction=task, state="in_progress", by=agent)
        interaction_set_state(interaction=task, state="open", by=agent)
    with django_assert_num_queries(7):
        agent_client.get(detail(task))


# --- notes -------------------------------------------------------------------------------------


def test_adding_a_note_appends_it_with_author_and_time(agent_client, agent):
    task = InteractionFactory(owner=agent)
    url = reverse("activities:note_add", args=[task.pk])

    response = agent_client.post(url, {"body": "Client rappelé, devis à envoyer."}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="note"')
    assert "Client rappelé, devis à envoyer." in html
    assert "Claire" in html
    assert timezone.localtime().strftime("%d/%m/%Y") in html
    assert 'data-announce="Note ajoutée."' in html
    note = Note.objects.get()
    assert (note.interaction, note.author, note.workspace) == (task, agent, agent.workspace)


def test_notes_are_listed_newest_first_on_the_page(agent_client, agent):
    task = InteractionFactory(owner=agent)
    NoteFactory(
        interaction=task, body="Première", created_at=timezone.now() - dt.timedelta(hours=2)
    )
    NoteFactory(interaction=task, body="Seconde")
    html = agent_client.get(detail(task)).content.decode()
    assert html.index("Seconde") < html.index("Première")


def test_empty_note_is_refused_and_nothing_saved(agent_client, agent):
    task = InteractionFactory(owner=agent)
    url = reverse("activities:note_add", args=[task.pk])
    response = agent_client.post(url, {"body": "   "}, **HTMX)
    assert "La note est vide." in response.content.decode()
    assert response["HX-Retarget"] == "#note-error"
    assert not Note.objects.exists()


def test_notes_are_append_only(agent_client, agent):
    note = NoteFactory(interaction=InteractionFactory(owner=agent), body="Écrit une fois")
    url = reverse("activities:note_add", args=[note.interaction.pk])
    assert agent_client.get(url).status_code == 405
    assert agent_client.put(url, {"body": "changé"}).status_code == 405
    assert agent_client.delete(url).status_code == 405
    html = agent_client.get(detail(note.interaction)).content.decode()
    assert "Supprimer" not in html
    assert f"/notes/{note.pk}" not in html
    note.refresh_from_db()
    assert note.body == "Écrit une fois"


def test_note_on_another_workspace_is_404(agent_client, outsider):
    foreign = InteractionFactory(owner=outsider)
    response = agent_client.post(
        reverse("activities:note_add", args=[foreign.pk]), {"body": "x"}, **HTMX
    )
    assert response.status_code == 404
    assert not Note.objects.exists()


def test_note_without_htmx_redirects_to_the_detail(agent_client, agent):
    task = InteractionFactory(owner=agent)
    response = agent_client.post(reverse("activities:note_add", args=[task.pk]), {"body": "ok"})
    assert response.status_code == 302
    assert response.url == detail(task)


# --- history -----------------------------------------------------------------------------------


@pytest.fixture
def moved(agent, technician):
    created_at = local(dt.date(2025, 3, 12), 14, 30)
    rdv = interaction_create(
        by=agent,
        process=process(agent.workspace, "support"),
        kind="appointment",
        subject="Dépannage",
        starts_at=local(dt.date(2025, 3, 10), 14),
        duration_minutes=60,
    )
    interaction_move(interaction=rdv, starts_at=local(dt.date(2025, 3, 11), 9), by=agent)
    interaction_set_state(interaction=rdv, state="done", by=technician)
    from comptoir.audit.models import AuditEntry

    AuditEntry.objects.filter(object_id=rdv.pk).update(created_at=created_at)
    return rdv


def test_history_tells_who_moved_what_in_french(agent_client, moved):
    html = agent_client.get(detail(moved)).content.decode()
    assert "Le 12/03/2025 à 14:30, Claire a créé l&#x27;interaction." in html or (
        "Le 12/03/2025 à 14:30, Claire a créé l'interaction." in html
    )
    assert (
        "Le 12/03/2025 à 14:30, Claire a déplacé le début : 10/03/2025 14:00 → 11/03/2025 09:00"
        in html
    )
    assert "Le 12/03/2025 à 14:30, Gaëtan a changé l&#x27;état : Ouvert → Terminé" in html
    assert "ends_at" not in html and "completed_at" not in html


def test_history_uses_short_dates_within_the_current_year(agent):
    from comptoir.activities.views import _history_value

    now = timezone.localtime().replace(hour=9, minute=5)
    assert _history_value("starts_at", now.isoformat()) == now.strftime("%d/%m 09:05")
    assert _history_value("duration_minutes", "90") == "1 h 30"
    assert _history_value("deadline", "") == "—"
