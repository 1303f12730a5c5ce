"""Interactions: tasks and appointments, filters, notes, privacy."""

import datetime as dt

import pytest
from django.utils import timezone

from comptoir.activities.models import Interaction, Note, Process, ProcessAccess, Stage
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory, NoteFactory
from comptoir.api.tests.conftest import assert_invalid
from comptoir.audit.models import AuditEntry
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, SiteFactory


def test_create_task_reads_naive_dates_in_paris_time(api, agent, workspace):
    person = PersonFactory(workspace=workspace, first_name="Jean", last_name="Dupont")
    stage = Stage.objects.get(workspace=workspace, process__code="vente", name="03 Devis envoyé")
    response = api.post(
        "/interactions",
        {
            "subject": "Envoyer le devis",
            "process": "vente",
            "stage": stage.pk,
            "starts_at": "2025-03-12T14:30",
            "deadline": "2025-03-14T18:00:00+01:00",
            "person": person.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "task"
    assert body["process"] == {"code": "vente", "name": "Vente"}
    assert body["stage"] == {"id": stage.pk, "name": "03 Devis envoyé"}
    assert body["state"] == "open" and body["state_label"] == "Ouvert"
    assert body["owner"] == {"id": agent.pk, "name": str(agent), "email": agent.email}
    assert body["starts_at"] == "2025-03-12T14:30:00+01:00"
    assert body["ends_at"] == "2025-03-14T18:00:00+01:00"
    assert body["person"] == {"id": person.pk, "name": "M. Jean Dupont"}
    assert body["notes"] == []
    interaction = Interaction.objects.get()
    assert interaction.starts_at == dt.datetime(2025, 3, 12, 13, 30, tzinfo=dt.UTC)
    assert interaction.created_by == agent
    assert body["url"] == f"http://testserver/interactions/{interaction.pk}/"
    assert AuditEntry.objects.filter(
        object_id=interaction.pk, action="create", actor=agent
    ).exists()


def test_create_appointment_for_a_colleague_by_email(api, technician, workspace):
    company = CompanyFactory(workspace=workspace)
    site = SiteFactory(person=None, company=company, workspace=workspace, name="Atelier")
    response = api.post(
        "/interactions",
        {
            "kind": "appointment",
            "subject": "Dépannage tableau",
            "process": "support",
            "owner": "Gaetan@Duret.example",
            "starts_at": "2025-03-12T09:00:00+01:00",
            "duration_minutes": 90,
            "company": company.pk,
            "site": site.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["id"] == technician.pk
    assert body["ends_at"] == "2025-03-12T10:30:00+01:00"
    assert body["site"] == {"id": site.pk, "name": "Atelier"}


def test_owner_by_id(api, technician):
    body = {
        "subject": "x",
        "process": "support",
        "starts_at": "2025-03-12T09:00",
        "owner": technician.pk,
    }
    assert api.post("/interactions", body).json()["owner"]["id"] == technician.pk


def test_patch_moves_and_completes(api, agent):
    task = InteractionFactory(owner=agent)
    response = api.patch(
        f"/interactions/{task.pk}", {"state": "done", "outcome": "Client rappelé", "deadline": None}
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.state == "done" and task.completed_at is not None and task.deadline is None
    assert response.json()["completed_at"] is not None


def test_notes_are_appended_and_listed_on_read(api, agent, workspace):
    task = InteractionFactory(owner=agent)
    NoteFactory(
        interaction=task, body="Première note", created_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = api.post(f"/interactions/{task.pk}/notes", {"body": "  Devis envoyé par e-mail.  "})
    assert response.status_code == 201
    note = response.json()
    assert note["body"] == "Devis envoyé par e-mail."
    assert note["author"]["email"] == agent.email
    notes = api.get(f"/interactions/{task.pk}").json()["notes"]
    assert [n["body"] for n in notes] == ["Devis envoyé par e-mail.", "Première note"]


def test_empty_note_is_refused(api, agent):
    task = InteractionFactory(owner=agent)
    errors = assert_invalid(api.post(f"/interactions/{task.pk}/notes", {"body": "   "}), "body")
    assert errors["body"] == ["La note est vide."]
    assert not Note.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"subject", "process", "starts_at"}),
        (
            {
                "subject": "x",
                "process": "support",
                "starts_at": "2025-03-12T14:30",
                "deadline": "2025-03-12T10:00",
            },
            {"deadline"},
        ),
        ({"subject": "x", "process": "inconnu", "starts_at": "2025-03-12T14:30"}, {"process"}),
        ({"subject": "x", "process": "support", "starts_at": "12/03/2025 14h30"}, {"starts_at"}),
        ({"subject": "x", "process": "support", "starts_at": "9999-12-31T23:59"}, {"starts_at"}),
        (
            {"subject": "x", "process": "support", "starts_at": "2025-03-12T14:30", "kind": "rdv"},
            {"kind"},
        ),
        (
            {
                "subject": "x",
                "process": "support",
                "starts_at": "2025-03-12T14:30",
                "state": "fini",
            },
            {"state"},
        ),
        (
            {
                "subject": "x",
                "process": "support",
                "starts_at": "2025-03-12T14:30",
                "kind": "appointment",
            },
            {"duration_minutes"},
        ),
        (
            {
                "subject": "x",
                "process": "support",
                "starts_at": "2025-03-12T14:30",
                "duration_minutes": -5,
            },
            {"duration_minutes"},
        ),
        (
            {
                "subject": "x",
                "process": "support",
                "starts_at": "2025-03-12T14:30",
                "owner": "x@y.fr",
            },
            {"owner"},
        ),
        (
            {"subject": "x", "process": "support", "starts_at": "2025-03-12T14:30", "owner": [1]},
            {"owner"},
        ),
        (
            {
                "subject": "x",
                "process": "support",
                "starts_at": "2025-03-12T14:30",
                "person": 999999,
            },
            {"person"},
        ),
        (
            {
                "subject": "x",
                "process": "support",
                "starts_at": "2025-03-12T14:30",
                "stage": 999999,
            },
            {"stage"},
        ),
        ({"subject": "", "process": "support", "starts_at": "2025-03-12T14:30"}, {"subject"}),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(api, body, fields):
    assert_invalid(api.post("/interactions", body), *fields)
    assert not Interaction.objects.exists()
    assert not AuditEntry.objects.exists()


def test_stage_of_another_process_is_refused(api, workspace):
    vente_stage = Stage.objects.filter(workspace=workspace, process__code="vente").first()
    body = {
        "subject": "x",
        "process": "support",
        "starts_at": "2025-03-12T14:30",
        "stage": vente_stage.pk,
    }
    errors = assert_invalid(api.post("/interactions", body), "stage")
    assert errors["stage"] == ["Cette étape n'appartient pas au processus choisi."]


def test_sleeping_colleague_cannot_own(api, technician):
    technician.is_active = False
    technician.save()
    body = {
        "subject": "x",
        "process": "support",
        "starts_at": "2025-03-12T14:30",
        "owner": technician.pk,
    }
    errors = assert_invalid(api.post("/interactions", body), "owner")
    assert "en sommeil" in errors["owner"][0]


def test_links_of_another_workspace_are_unknown(api, other_workspace, outsider):
    person = PersonFactory(workspace=other_workspace)
    base = {"subject": "x", "process": "support", "starts_at": "2025-03-12T14:30"}
    assert_invalid(api.post("/interactions", {**base, "person": person.pk}), "person")
    assert_invalid(api.post("/interactions", {**base, "owner": outsider.pk}), "owner")
    other_stage = Stage.objects.filter(workspace=other_workspace, process__code="support").first()
    assert_invalid(api.post("/interactions", {**base, "stage": other_stage.pk}), "stage")
    assert not Interaction.objects.exists()


def test_bad_patch_changes_nothing(api, agent):
    task = InteractionFactory(owner=agent, subject="Avant")
    response = api.patch(
        f"/interactions/{task.pk}",
        {"subject": "Après", "deadline": (task.starts_at - dt.timedelta(days=1)).isoformat()},
    )
    assert_invalid(response, "deadline")
    task.refresh_from_db()
    assert task.subject == "Avant"


def test_null_on_a_required_field_is_refused(api, agent):
    task = InteractionFactory(owner=agent)
    assert_invalid(api.patch(f"/interactions/{task.pk}", {"starts_at": None}), "starts_at")
    assert_invalid(api.patch(f"/interactions/{task.pk}", {"process": None}), "process")


# --- List, filters, privacy -------------------------------------------------------------


def _ids(api, **params):
    response = api.get("/interactions", params)
    assert response.status_code == 200, response.content
    return [i["id"] for i in response.json()["items"]]


def test_filters(api, agent, technician, workspace):
    paris = timezone.get_current_timezone()
    person = PersonFactory(workspace=workspace)
    company = CompanyFactory(workspace=workspace)
    a = InteractionFactory(
        owner=agent, starts_at=dt.datetime(2025, 3, 10, 9, tzinfo=paris), person=person
    )
    b = AppointmentFactory(
        owner=technician, starts_at=dt.datetime(2025, 3, 12, 23, 30, tzinfo=paris), company=company
    )
    c = InteractionFactory(
        owner=agent,
        starts_at=dt.datetime(2025, 3, 13, 0, 30, tzinfo=paris),
        process=Process.objects.get(workspace=workspace, code="vente"),
        state="done",
    )
    assert _ids(api) == [c.pk, b.pk, a.pk]
    assert _ids(api, owner=agent.pk) == [c.pk, a.pk]
    assert _ids(api, owner=technician.email) == [b.pk]
    assert _ids(api, owner="personne@nulle.part") == []
    assert _ids(api, process="vente") == [c.pk]
    assert _ids(api, state="done") == [c.pk]
    assert _ids(api, kind="appointment") == [b.pk]
    assert _ids(api, person=person.pk) == [a.pk]
    assert _ids(api, company=company.pk) == [b.pk]
    assert _ids(api, date_from="2025-03-12") == [c.pk, b.pk]
    assert _ids(api, date_to="2025-03-12") == [b.pk, a.pk]
    assert _ids(api, date_from="2025-03-12", date_to="2025-03-12") == [b.pk]


def test_dates_in_the_wrong_order_are_422(api):
    errors = assert_invalid(
        api.get("/interactions", {"date_from": "2025-03-12", "date_to": "2025-03-01"}), "date_to"
    )
    assert errors["date_to"] == ["La date de fin doit suivre la date de début."]
    assert_invalid(api.get("/interactions", {"date_from": "12/03/2025"}), "date_from")
    assert_invalid(api.get("/interactions", {"state": "fini"}), "state")


def test_colleagues_private_interactions_stay_hidden(api, agent, technician, workspace):
    private = Process.objects.get(workspace=workspace, code="prive")
    mine = InteractionFactory(owner=agent, process=private)
    theirs = InteractionFactory(owner=technician, process=private)
    assert _ids(api) == [mine.pk]
    assert api.get(f"/interactions/{theirs.pk}").status_code == 404
    assert api.patch(f"/interactions/{theirs.pk}", {"state": "done"}).status_code == 404
    assert api.post(f"/interactions/{theirs.pk}/notes", {"body": "x"}).status_code == 404


def test_restricted_processes_stay_hidden_and_cannot_be_used(api, agent, workspace):
    vente = Process.objects.get(workspace=workspace, code="vente")
    ProcessAccess.objects.create(workspace=workspace, user=agent, process=vente)
    hidden = InteractionFactory(owner=agent)  # support
    assert _ids(api) == []
    assert api.get(f"/interactions/{hidden.pk}").status_code == 404
    body = {"subject": "x", "process": "support", "starts_at": "2025-03-12T14:30"}
    errors = assert_invalid(api.post("/interactions", body), "process")
    assert errors["process"] == ["Processus introuvable ou non autorisé."]


def test_list_query_count_is_pinned(api, agent, workspace, django_assert_num_queries):
    person = PersonFactory(workspace=workspace)
    for _ in range(4):
        InteractionFactory(owner=agent, person=person)
    # token, process restrictions, count, rows with everything they show
    with django_assert_num_queries(4):
        assert api.get("/interactions").json()["count"] == 4


def test_pagination(api, agent):
    for _ in range(5):
        InteractionFactory(owner=agent)
    page = api.get("/interactions", {"page": 3, "page_size": 2}).json()
    assert page["count"] == 5 and len(page["items"]) == 1
