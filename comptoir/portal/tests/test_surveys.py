"""Satisfaction: one survey per resolved ticket or completed visit, one click, on the timeline."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comptoir.activities.models import Interaction, State
from comptoir.activities.services import interaction_update
from comptoir.messaging.models import Message
from comptoir.portal.models import Survey
from comptoir.portal.selectors import satisfaction_figures
from comptoir.portal.services import portal_settings_update, surveys_send_due
from comptoir.tickets.models import Status
from comptoir.tickets.services import ticket_update


def resolve(ticket, by, capture):
    with capture(execute=True):
        ticket_update(ticket=ticket, by=by, status=Status.RESOLVED)


def survey_path(message_body, note=None):
    link = re.search(r"(/avis/[\w-]+/)", message_body).group(1)
    return f"{link}?note={note}" if note else link


def test_resolving_a_ticket_emails_a_one_click_survey(
    client, agent, dupont_ticket, django_capture_on_commit_callbacks
):
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    survey = Survey.objects.get()
    assert survey.ticket == dupont_ticket and survey.sent_via == "email"
    sent = mail.outbox[-1]
    assert sent.to == ["p.dupont@gmail.com"] and dupont_ticket.reference in sent.subject
    for note in range(1, 6):
        assert f"/avis/{survey.token}/?note={note}" in sent.body

    response = client.get(survey_path(sent.body, note=4))
    assert response.status_code == 200
    assert "Votre note de 4/5 est enregistrée" in response.content.decode()
    survey.refresh_from_db()
    assert survey.csat == 4 and survey.answered_at is not None


def test_resolving_twice_or_the_signal_twice_sends_one_survey(
    agent, dupont_ticket, django_capture_on_commit_callbacks
):
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=dupont_ticket, by=agent, status=Status.IN_PROGRESS)
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    assert Survey.objects.count() == 1
    assert Message.objects.filter(template_code="survey_request").count() == 1


def test_the_full_answer_is_on_the_customers_timeline_and_editable_7_days(
    client, agent, dupont, dupont_ticket, django_capture_on_commit_callbacks
):
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    survey = Survey.objects.get()
    path = reverse("portal:survey", args=[survey.token])
    response = client.post(path, {"csat": "5", "nps": "9", "comment": "Rapide et soigneux"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.csat, survey.nps, survey.comment) == (5, 9, "Rapide et soigneux")
    entry = Interaction.objects.get(pk=survey.interaction_id)
    assert entry.person == dupont and entry.state == State.DONE
    assert "satisfaction 5/5" in entry.subject and "recommandation 9/10" in entry.subject
    assert "Rapide et soigneux" in entry.subject

    agent_client = type(client)()
    agent_client.force_login(agent)
    timeline = agent_client.get(reverse("activities:timeline") + f"?person={dupont.pk}")
    assert "satisfaction 5/5" in timeline.content.decode()

    client.post(path, {"csat": "3", "nps": "6", "comment": "Finalement, facture trop chère"})
    entry.refresh_from_db()
    assert "satisfaction 3/5" in entry.subject
    assert Interaction.objects.filter(subject__startswith="Avis client").count() == 1

    Survey.objects.filter(pk=survey.pk).update(
        answered_at=timezone.now() - dt.timedelta(days=7, minutes=1)
    )
    closed = client.post(path, {"csat": "5"})
    assert "Cette enquête est close" in closed.content.decode()
    survey.refresh_from_db()
    assert survey.csat == 3


def test_invalid_answers_are_refused(
    client, agent, dupont_ticket, django_capture_on_commit_callbacks
):
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    survey = Survey.objects.get()
    path = reverse("portal:survey", args=[survey.token])
    assert client.post(path, {"csat": "9"}).status_code == 400
    assert client.post(path, {"nps": "11"}).status_code == 400
    response = client.post(path, {"comment": "Rien à dire"})
    assert "Choisissez au moins une note." in response.content.decode()
    # A note out of range in the one-click link records nothing.
    client.get(path + "?note=7")
    client.head(path + "?note=2")  # link previews never answer
    survey.refresh_from_db()
    assert survey.csat is None and survey.answered_at is None


def test_unknown_tokens_and_unsent_surveys_are_not_found(client, dupont_ticket, agent):
    assert client.get("/avis/inexistant/").status_code == 404
    survey = Survey.objects.create(
        workspace=dupont_ticket.workspace,
        key="ticket:999",
        token="pas-encore-envoye",
        subject="x",
        send_after=timezone.now(),
    )
    assert client.get(f"/avis/{survey.token}/?note=5").status_code == 404
    survey.refresh_from_db()
    assert survey.csat is None


def test_a_completed_visit_is_surveyed_once_with_its_technician(
    gaetan, dupont, agent, dupont_ticket, django_capture_on_commit_callbacks
):
    from comptoir.field.tests import factories as field_factories

    visit = field_factories.visit(gaetan, person=dupont, request=dupont_ticket.interaction)
    with django_capture_on_commit_callbacks(execute=True):
        interaction_update(interaction=visit.interaction, by=gaetan.user, state=State.DONE)
    survey = Survey.objects.get()
    assert survey.visit == visit and survey.ticket == dupont_ticket
    assert survey.technician == gaetan.user
    # The ticket resolved afterwards is not surveyed a second time.
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    assert Survey.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        interaction_update(interaction=visit.interaction, by=gaetan.user, state=State.IN_PROGRESS)
        interaction_update(interaction=visit.interaction, by=gaetan.user, state=State.DONE)
    assert Survey.objects.count() == 1
    assert Message.objects.filter(template_code="survey_request").count() == 1


def test_settings_delay_channel_and_switch(
    manager, agent, dupont, dupont_ticket, durand_ticket, django_capture_on_commit_callbacks
):
    from comptoir.messaging.sms import LocmemBackend

    portal_settings_update(
        by=manager,
        portal_enabled=True,
        requests_owner=None,
        surveys_enabled=True,
        survey_delay_hours=2,
        survey_channel="sms",
    )
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    survey = Survey.objects.get()
    assert survey.sent_at is None
    assert surveys_send_due() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys_send_due(now=timezone.now() + dt.timedelta(hours=2, seconds=1)) == 1
    survey.refresh_from_db()
    assert survey.sent_via == "sms" and LocmemBackend.outbox[-1]["to"] == "+33612345678"

    portal_settings_update(
        by=manager,
        portal_enabled=True,
        requests_owner=None,
        surveys_enabled=False,
        survey_delay_hours=0,
        survey_channel="auto",
    )
    resolve(durand_ticket, agent, django_capture_on_commit_callbacks)
    assert Survey.objects.count() == 1


def test_a_ticket_reopened_before_the_delay_is_not_surveyed(
    manager, agent, dupont_ticket, django_capture_on_commit_callbacks
):
    portal_settings_update(
        by=manager,
        portal_enabled=True,
        requests_owner=None,
        surveys_enabled=True,
        survey_delay_hours=1,
        survey_channel="auto",
    )
    resolve(dupont_ticket, agent, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=dupont_ticket, by=agent, status=Status.IN_PROGRESS)
    assert surveys_send_due(now=timezone.now() + dt.timedelta(hours=2)) == 0
    assert not Message.objects.filter(template_code="survey_request").exists()


def test_agents_may_not_change_the_settings(agent_client):
    assert agent_client.get(reverse("portal:settings")).status_code == 200
    assert agent_client.post(reverse("portal:settings"), {}).status_code == 403


def test_managers_get_french_errors_in_the_settings(manager_client):
    response = manager_client.post(
        reverse("portal:settings"),
        {
            "portal_enabled": "on",
            "surveys_enabled": "on",
            "survey_delay_hours": "400",
            "survey_channel": "auto",
        },
    )
    assert response.status_code == 400
    assert (
        "Assurez-vous que cette valeur est inférieure ou égale à 336." in response.content.decode()
    )


def _answered(workspace, technician, csat, nps, when):
    return Survey.objects.create(
        workspace=workspace,
        key=f"visit:{Survey.objects.count() + 1000}",
        token=f"t{Survey.objects.count()}",
        subject="x",
        technician=technician,
        send_after=when,
        sent_at=when,
        answered_at=when,
        csat=csat,
        nps=nps,
    )


def test_satisfaction_figures(workspace, other_workspace, technician, agent):
    monday = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    _answered(workspace, technician, 5, 10, monday)
    _answered(workspace, technician, 4, 9, monday + dt.timedelta(days=1))
    _answered(workspace, agent, 2, 3, monday + dt.timedelta(days=7))
    _answered(workspace, agent, None, 8, monday + dt.timedelta(days=8))
    _answered(other_workspace, None, 1, 0, monday)
    _answered(workspace, technician, 1, 0, monday - dt.timedelta(days=30))  # before the period
    figures = satisfaction_figures(workspace, monday, monday + dt.timedelta(days=14))
    assert figures["answers"] == 4 and figures["sent"] == 4
    assert figures["csat_average"] == pytest.approx(11 / 3, abs=0.01)
    assert figures["csat_distribution"] == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    # 2 promoters, 1 passive, 1 detractor out of 4 → (2 - 1) / 4 = 25
    assert figures["nps"] == 25.0
    assert (figures["promoters"], figures["passives"], figures["detractors"]) == (2, 1, 1)
    gaetan = next(r for r in figures["per_technician"] if r["technician_id"] == technician.pk)
    assert gaetan["csat_average"] == 4.5 and gaetan["nps"] == 100.0
    weeks = figures["per_week"]
    assert [w["week_start"] for w in weeks] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert weeks[1]["nps"] == -50.0
    empty = satisfaction_figures(
        workspace, monday + dt.timedelta(days=60), monday + dt.timedelta(days=61)
    )
    assert empty["nps"] is None and empty["csat_average"] is None and empty["answers"] == 0
