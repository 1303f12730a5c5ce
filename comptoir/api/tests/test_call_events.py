"""PBX call events: the card pops up for the right colleague, every call lands on the timeline,
a missed call leaves a call-back task, and replays or disorder change nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction, State
from comptoir.api.tests.conftest import Api, assert_invalid
from comptoir.calls.models import Call, CallEvent, CallSettings, CallStatus
from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
)
from comptoir.live.models import LiveEvent

T0 = dt.datetime(2026, 3, 12, 9, 15, tzinfo=dt.UTC)


@pytest.fixture
def pbx(workspace):
    """The token the PBX uses: an integration account of the workspace."""
    return Api(UserFactory(workspace=workspace, email="standard@duret.example"))


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Jean", last_name="Dupont"
    )
    AffiliationFactory(
        person=person,
        workspace=workspace,
        company=CompanyFactory(workspace=workspace, name="SCI Tilleuls"),
    )
    PhoneFactory(person=person, workspace=workspace)
    return person


def _event(pbx, event, call_id="c-1", **extra):
    body = {"event": event, "call_id": call_id, "from": "06 12 34 56 78", "to": "04 50 00 00 00"}
    body.update(extra)
    return pbx.post("/calls/events", body)


def _at(seconds):
    return (T0 + dt.timedelta(seconds=seconds)).isoformat()


def test_ringing_answered_ended_leaves_one_appel_interaction_with_its_duration(
    pbx, agent, dupont, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ringing = _event(pbx, "ringing", agent=agent.email, at=_at(0))
    assert ringing.status_code == 200, ringing.content
    assert ringing.json()["call"]["status"] == "ringing"
    assert ringing.json()["call"]["customer"]["name"] == "M. Jean Dupont"
    assert Interaction.objects.filter(process__code="appel").count() == 0

    _event(pbx, "answered", agent=agent.email, at=_at(7))
    ended = _event(pbx, "ended", agent=agent.email, at=_at(199))

    body = ended.json()["call"]
    assert body["status"] == "ended"
    assert body["duration"] == 192
    assert body["agent"] == agent.email
    appel = Interaction.objects.get(process__code="appel")
    assert body["interaction_id"] == appel.pk
    assert appel.person == dupont
    assert appel.owner == agent
    assert appel.state == State.DONE
    assert appel.subject == "Appel entrant · M. Jean Dupont"
    assert "durée 03:12" in appel.outcome
    assert "Entrant" in appel.outcome
    assert appel.starts_at == T0
    assert body["callback_task_id"] is None


def test_ringing_reaches_the_agents_topic_only(
    pbx, agent, manager, dupont, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _event(pbx, "ringing", agent=agent.email)

    events = list(LiveEvent.objects.filter(kind="call"))
    assert [e.topic for e in events] == [f"user:{agent.pk}"]
    payload = events[0].payload
    call = Call.objects.get()
    assert payload["id"] == call.pk
    assert payload["event"] == "ringing"
    assert payload["name"] == "M. Jean Dupont"
    assert payload["announce"] == "Appel entrant : M. Jean Dupont"


def test_an_extension_names_the_agent(pbx, agent, dupont, django_capture_on_commit_callbacks):
    agent.extension = "201"
    agent.save(update_fields=["extension"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _event(pbx, "ringing", agent="201")
    assert response.json()["call"]["agent"] == agent.email
    assert LiveEvent.objects.filter(kind="call", topic=f"user:{agent.pk}").exists()


def test_a_missed_call_creates_a_callback_task_due_in_30_minutes(pbx, agent, dupont):
    _event(pbx, "ringing", agent=agent.email)
    before = timezone.now()
    response = _event(pbx, "missed", agent=agent.email)

    body = response.json()["call"]
    assert body["status"] == "missed"
    task = Interaction.objects.get(pk=body["callback_task_id"])
    assert task.state == State.OPEN
    assert task.owner == agent
    assert task.person == dupont
    assert task.subject == "Rappeler M. Jean Dupont · 06 12 34 56 78"
    assert (
        before + dt.timedelta(minutes=29)
        < task.deadline
        <= timezone.now() + dt.timedelta(minutes=30)
    )
    missed = Interaction.objects.get(pk=body["interaction_id"])
    assert missed.subject == "Appel manqué · M. Jean Dupont"
    assert missed.state == State.DONE


def test_callbacks_go_to_the_reception_colleague_when_set(pbx, agent, manager, workspace):
    CallSettings.objects.create(workspace=workspace, callback_owner=manager, callback_minutes=60)
    response = _event(pbx, "missed", call_id="m-1", agent=agent.email, **{"from": "04 78 12 34 56"})
    task = Interaction.objects.get(pk=response.json()["call"]["callback_task_id"])
    assert task.owner == manager
    assert task.subject == "Rappeler le 04 78 12 34 56"
    assert task.person is None
    assert dt.timedelta(minutes=59) < task.deadline - task.starts_at <= dt.timedelta(minutes=60)


def test_a_duplicate_delivery_is_a_no_op(pbx, agent, dupont, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _event(pbx, "ringing", agent=agent.email)
        again = _event(pbx, "ringing", agent=agent.email)
    assert again.status_code == 200
    assert first.json()["duplicate"] is False
    assert again.json()["duplicate"] is True
    assert LiveEvent.objects.filter(kind="call").count() == 1

    _event(pbx, "missed", agent=agent.email)
    replay = _event(pbx, "missed", agent=agent.email)
    assert replay.json()["duplicate"] is True
    assert Call.objects.count() == 1
    assert CallEvent.objects.count() == 2
    assert (
        Interaction.objects.filter(process__code="appel").count() == 2
    )  # the call + one call-back


def test_ended_before_answered_still_ends_answered_with_the_right_duration(pbx, agent, dupont):
    _event(pbx, "ringing", agent=agent.email, at=_at(0))
    early_end = _event(pbx, "ended", agent=agent.email, at=_at(130))
    # Without "answered" yet, the call looks missed: a call-back task is planned...
    assert early_end.json()["call"]["status"] == "missed"
    task_id = early_end.json()["call"]["callback_task_id"]
    assert task_id is not None

    late = _event(pbx, "answered", agent=agent.email, at=_at(10))

    body = late.json()["call"]
    assert body["status"] == "ended"
    assert body["duration"] == 120
    # ...and closed once "answered" arrives: nobody calls back a customer already served.
    task = Interaction.objects.get(pk=task_id)
    assert task.state == State.DONE
    appel = Interaction.objects.get(pk=body["interaction_id"])
    assert appel.subject == "Appel entrant · M. Jean Dupont"
    assert "durée 02:00" in appel.outcome
    assert Interaction.objects.filter(process__code="appel").count() == 2


def test_an_unknown_call_id_on_ended_creates_the_call(pbx, agent, dupont):
    response = _event(pbx, "ended", call_id="never-rang", agent=agent.email, duration=95)
    body = response.json()["call"]
    assert response.status_code == 200
    assert body["status"] == "ended"
    assert body["duration"] == 95
    assert Interaction.objects.get(pk=body["interaction_id"]).person == dupont


def test_a_missed_after_answered_does_not_undo_the_answer(pbx, agent, dupont):
    _event(pbx, "answered", agent=agent.email, at=_at(0))
    _event(pbx, "missed", agent=agent.email, at=_at(5))
    assert Call.objects.get().status == CallStatus.ANSWERED
    assert Interaction.objects.count() == 0


def test_an_outgoing_call_is_traced_on_the_callee(pbx, agent, dupont):
    body = {"direction": "out", "from": "201", "to": "+33 6 12 34 56 78", "agent": agent.email}
    pbx.post("/calls/events", {"event": "answered", "call_id": "o-1", "at": _at(0), **body})
    response = pbx.post(
        "/calls/events", {"event": "ended", "call_id": "o-1", "at": _at(61), **body}
    )
    call = response.json()["call"]
    assert call["number"] == "+33612345678"
    appel = Interaction.objects.get(pk=call["interaction_id"])
    assert appel.subject == "Appel sortant · M. Jean Dupont"
    assert call["callback_task_id"] is None


def test_an_unanswered_outgoing_call_plans_no_callback(pbx, agent, dupont):
    response = pbx.post(
        "/calls/events",
        {
            "event": "ended",
            "call_id": "o-2",
            "direction": "out",
            "to": "0612345678",
            "agent": agent.email,
        },
    )
    call = response.json()["call"]
    assert call["status"] == "ended"
    assert call["callback_task_id"] is None
    assert Interaction.objects.get(pk=call["interaction_id"]).subject.startswith(
        "Appel sortant sans réponse"
    )


def test_an_unknown_agent_is_refused_in_french_and_nothing_is_kept(pbx):
    errors = assert_invalid(_event(pbx, "ringing", agent="999"), "agent")
    assert errors["agent"] == ["Aucun collègue actif de l'espace n'a l'e-mail ou le poste « 999 »."]
    assert Call.objects.count() == 0


def test_a_call_without_agent_is_recorded_for_the_token_user(pbx, dupont):
    response = _event(pbx, "missed", call_id="queue-1")
    task = Interaction.objects.get(pk=response.json()["call"]["callback_task_id"])
    assert task.owner == pbx.user


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"event": "hangup", "call_id": "x"}, {"event"}),
        ({"event": "ringing"}, {"call_id"}),
        ({"event": "ringing", "call_id": "   "}, {"call_id"}),
        ({"event": "ended", "call_id": "x", "duration": -3}, {"duration"}),
        ({"event": "ended", "call_id": "x", "at": "hier"}, {"at"}),
        ({"event": "ringing", "call_id": "x", "direction": "sideways"}, {"direction"}),
        ({"event": "ringing", "call_id": "x", "caller": "0612345678"}, {"caller"}),
    ],
)
def test_bad_input_is_a_french_422(pbx, body, fields):
    assert_invalid(pbx.post("/calls/events", body), *fields)
    assert Call.objects.count() == 0


def test_a_hidden_number_is_recorded_without_callback(pbx, agent):
    response = _event(pbx, "missed", call_id="h-1", agent=agent.email, **{"from": "anonymous"})
    call = response.json()["call"]
    assert call["status"] == "missed"
    assert call["callback_task_id"] is None
    assert Interaction.objects.get(pk=call["interaction_id"]).subject == "Appel manqué · anonymous"


def test_another_workspace_cannot_touch_our_calls(pbx, agent, outsider, dupont):
    _event(pbx, "ringing", call_id="shared-id", agent=agent.email)
    intruder = Api(outsider)

    # Our colleague is unknown over there...
    assert_invalid(_event(intruder, "ended", call_id="shared-id", agent=agent.email), "agent")
    # ...and the same call id is another call of their own: ours keeps ringing.
    theirs = _event(intruder, "ended", call_id="shared-id")
    assert theirs.status_code == 200
    assert theirs.json()["call"]["customer"] is None
    ours = Call.objects.get(workspace=agent.workspace)
    assert ours.status == CallStatus.RINGING
    assert Call.objects.filter(workspace=outsider.workspace).count() == 1


def test_without_a_token_nothing_happens(anonymous_api):
    assert _event(anonymous_api, "ringing").status_code == 401
    assert Call.objects.count() == 0


def test_a_read_only_token_cannot_push_calls(reader_api):
    assert _event(reader_api, "ringing").status_code == 403
    assert Call.objects.count() == 0


# --- 3CX lookup -------------------------------------------------------------------------------


def test_3cx_lookup_answers_in_the_template_shape(api, dupont):
    response = api.get("/calls/3cx/lookup", {"number": "+33612345678"})
    assert response.status_code == 200
    assert response.json() == {
        "contacts": [
            {
                "id": f"p{dupont.pk}",
                "type": "person",
                "first_name": "Jean",
                "last_name": "Dupont",
                "company": "SCI Tilleuls",
                "email": "",
                "phone_business": "",
                "phone_mobile": "+33612345678",
                "phone_other": "",
                "contact_url": f"http://testserver{dupont.get_absolute_url()}",
            }
        ]
    }


def test_3cx_lookup_of_a_company_and_of_nobody(api, workspace):
    company = CompanyFactory(workspace=workspace, name="Boulangerie Martin")
    PhoneFactory(
        person=None,
        company=company,
        workspace=workspace,
        label="work",
        value="04 50 11 22 33",
        normalized="+33450112233",
    )
    found = api.get("/calls/3cx/lookup", {"number": "0450112233"}).json()["contacts"]
    assert [(c["id"], c["last_name"], c["phone_business"]) for c in found] == [
        (f"c{company.pk}", "Boulangerie Martin", "+33450112233")
    ]
    assert api.get("/calls/3cx/lookup", {"number": "0699999999"}).json() == {"contacts": []}
    assert api.get("/calls/3cx/lookup", {"number": "pas un numéro"}).json() == {"contacts": []}


def test_3cx_lookup_never_shows_another_workspace(outsider_api, dupont):
    assert outsider_api.get("/calls/3cx/lookup", {"number": "0612345678"}).json() == {
        "contacts": []
    }
