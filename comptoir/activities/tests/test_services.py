import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comptoir.activities.models import Interaction, Kind, Process, State
from comptoir.activities.services import interaction_create, interaction_update, note_add
from comptoir.audit.models import AuditEntry


def test_new_workspace_has_french_processes(workspace):
    names = list(Process.objects.filter(workspace=workspace).values_list("name", flat=True))
    assert names[:2] == ["Vente", "Support"]
    vente = Process.objects.get(workspace=workspace, code="vente")
    assert vente.stages.order_by("position").first().name == "01 Prise de contact"


def test_deadline_before_start_is_refused_and_nothing_saved(agent):
    process = Process.objects.get(workspace=agent.workspace, code="vente")
    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        interaction_create(
            by=agent,
            process=process,
            subject="Devis",
            starts_at=start,
            deadline=start - dt.timedelta(hours=1),
        )
    assert "deadline" in exc.value.message_dict
    assert "L'échéance doit suivre le début." in exc.value.message_dict["deadline"]
    assert not Interaction.objects.exists()


def test_moving_an_appointment_keeps_its_history(agent):
    process = Process.objects.get(workspace=agent.workspace, code="support")
    start = timezone.now().replace(microsecond=0)
    rdv = interaction_create(
        by=agent,
        process=process,
        kind=Kind.APPOINTMENT,
        subject="Dépannage",
        starts_at=start,
        duration_minutes=90,
    )
    assert rdv.ends_at == start + dt.timedelta(minutes=90)
    interaction_update(interaction=rdv, by=agent, starts_at=start + dt.timedelta(days=1))
    interaction_update(interaction=rdv, by=agent, state=State.DONE)
    entries = list(AuditEntry.objects.filter(object_id=rdv.pk).order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert "starts_at" in entries[1].changes
    assert entries[2].changes["state"] == ["Ouvert", "Terminé"]
    rdv.refresh_from_db()
    assert rdv.completed_at is not None


def test_empty_note_is_refused(agent):
    process = Process.objects.get(workspace=agent.workspace, code="support")
    rdv = interaction_create(by=agent, process=process, subject="x", starts_at=timezone.now())
    with pytest.raises(ValidationError):
        note_add(interaction=rdv, body="   ", by=agent)
    note = note_add(interaction=rdv, body="Client absent", by=agent)
    assert note.author == agent
