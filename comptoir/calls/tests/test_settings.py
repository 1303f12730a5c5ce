"""Réglages › Téléphonie: managers choose who calls back after a missed call and how soon; the
page tells the PBX integrator where to send events; everyone else is turned away."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction
from comptoir.audit.models import AuditEntry
from comptoir.calls.models import CallSettings
from comptoir.calls.services import call_settings_update
from comptoir.calls.tests.factories import receive_call

URL = reverse("calls:settings")


@pytest.fixture
def reception(workspace):
    return UserFactory(workspace=workspace, email="accueil@duret.example", first_name="Lucie")


def _settings(workspace):
    return CallSettings.objects.filter(workspace=workspace).first()


def test_the_page_shows_the_current_settings_and_what_the_pbx_needs(manager_client):
    response = manager_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Rappels après un appel manqué" in html
    assert 'value="30"' in html
    assert "le rappel va au collègue sur qui l'appel a sonné" in html
    assert "http://testserver/api/v1/calls/events" in html
    assert "http://testserver/api/v1/calls/3cx/lookup?number=[Number]" in html
    assert f'href="{reverse("accounts:account")}#tokens-title"' in html
    assert "Authorization: Bearer" in html


def test_a_manager_who_is_not_admin_may_change_them_too(client, workspace, reception):
    client.force_login(UserFactory(workspace=workspace, role=Role.MANAGER))

    response = client.post(URL, {"callback_owner": reception.pk, "callback_minutes": "15"})

    assert response.status_code == 302
    assert _settings(workspace).callback_owner == reception


def test_saving_gives_the_callbacks_to_the_chosen_colleague_with_the_new_delay(
    manager_client, manager, workspace, agent, reception
):
    response = manager_client.post(URL, {"callback_owner": reception.pk, "callback_minutes": "45"})

    assert response.status_code == 302
    assert response.url == URL
    found = _settings(workspace)
    assert (found.callback_owner, found.callback_minutes) == (reception, 45)
    page = manager_client.get(URL).content.decode()
    assert "Réglages de téléphonie enregistrés." in page
    assert "les rappels vont à Lucie" in page
    # The next missed call is Lucie's to call back, within 45 minutes.
    call = receive_call(by=manager, agent=agent, call_id="m-1", missed=True)
    task = Interaction.objects.get(pk=call.callback_task_id)
    assert task.owner == reception
    assert abs(task.deadline - timezone.now() - dt.timedelta(minutes=45)) < dt.timedelta(minutes=1)


def test_an_empty_owner_gives_the_callback_back_to_the_colleague_the_call_rang_on(
    manager_client, manager, workspace, agent, reception
):
    CallSettings.objects.create(workspace=workspace, callback_owner=reception)

    response = manager_client.post(URL, {"callback_owner": "", "callback_minutes": "30"})

    assert response.status_code == 302
    assert _settings(workspace).callback_owner is None
    call = receive_call(by=manager, agent=agent, call_id="m-2", missed=True)
    assert Interaction.objects.get(pk=call.callback_task_id).owner == agent


def test_a_change_is_audited_and_saving_the_same_values_again_records_nothing(
    manager_client, manager, workspace, reception
):
    manager_client.post(URL, {"callback_owner": reception.pk, "callback_minutes": "20"})
    manager_client.post(URL, {"callback_owner": reception.pk, "callback_minutes": "20"})

    entries = AuditEntry.objects.filter(workspace=workspace, object_repr=str(workspace))
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == manager
    assert entry.changes["callback_minutes"] == ["30", "20"]
    assert entry.changes["callback_owner"] == ["", str(reception)]


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "Le délai de rappel va de 1 à 1 440 minutes (24 heures)."),
        ("1441", "Le délai de rappel va de 1 à 1 440 minutes (24 heures)."),
        ("-5", "Le délai de rappel va de 1 à 1 440 minutes (24 heures)."),
        ("vite", "Le délai de rappel est un nombre entier de minutes."),
        ("", "Indiquez le délai de rappel, en minutes."),
    ],
)
def test_a_wrong_delay_is_refused_in_french_and_nothing_changes(
    manager_client, workspace, reception, minutes, message
):
    response = manager_client.post(
        URL, {"callback_owner": reception.pk, "callback_minutes": minutes}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Rien n'a été enregistré" in html
    assert message.replace("'", "&#x27;") in html
    assert _settings(workspace) is None


def test_the_delay_bounds_themselves_are_accepted(manager_client, workspace):
    for minutes in (1, 1440):
        response = manager_client.post(URL, {"callback_owner": "", "callback_minutes": minutes})
        assert response.status_code == 302
        assert _settings(workspace).callback_minutes == minutes


@pytest.mark.parametrize("who", ["outsider", "asleep", "read_only", "unknown"])
def test_the_owner_must_be_an_active_colleague_of_this_workspace(
    manager_client, workspace, outsider, who
):
    owner_pk = {
        "outsider": lambda: outsider.pk,
        "asleep": lambda: UserFactory(workspace=workspace, is_active=False).pk,
        "read_only": lambda: UserFactory(workspace=workspace, role=Role.READ_ONLY).pk,
        "unknown": lambda: 999999,
    }[who]()

    response = manager_client.post(URL, {"callback_owner": owner_pk, "callback_minutes": "30"})

    assert response.status_code == 422
    assert "Choisissez un collègue actif de cet espace" in response.content.decode()
    assert _settings(workspace) is None


@pytest.mark.parametrize("role", [Role.AGENT, Role.TECHNICIAN, Role.READ_ONLY])
def test_other_roles_may_neither_see_nor_change_the_settings(client, workspace, role):
    client.force_login(UserFactory(workspace=workspace, role=role))

    assert client.get(URL).status_code == 403
    response = client.post(URL, {"callback_owner": "", "callback_minutes": "5"})

    assert response.status_code == 403
    assert _settings(workspace) is None


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_each_workspace_keeps_its_own_settings(client, workspace, outsider, other_workspace):
    outsider.role = Role.ADMIN
    outsider.save(update_fields=["role"])
    CallSettings.objects.create(workspace=workspace, callback_minutes=90)
    client.force_login(outsider)

    response = client.post(URL, {"callback_owner": "", "callback_minutes": "10"})

    assert response.status_code == 302
    assert _settings(other_workspace).callback_minutes == 10
    assert _settings(workspace).callback_minutes == 90


def test_the_settings_home_links_to_the_page(manager_client):
    html = manager_client.get(reverse("accounts:settings")).content.decode()

    assert f'href="{URL}"' in html


# --- the service, for callers other than the page --------------------------------------------


def test_the_service_refuses_anyone_but_a_manager(agent, workspace):
    with pytest.raises(PermissionDenied):
        call_settings_update(by=agent, callback_owner=None, callback_minutes=10)
    assert _settings(workspace) is None


@pytest.mark.parametrize("minutes", [0, 1441, True, "30"])
def test_the_service_checks_the_delay(manager, workspace, minutes):
    with pytest.raises(ValidationError) as caught:
        call_settings_update(by=manager, callback_owner=None, callback_minutes=minutes)

    assert "callback_minutes" in caught.value.message_dict
    assert _settings(workspace) is None


def test_the_service_refuses_a_colleague_of_another_workspace(manager, workspace, outsider):
    with pytest.raises(ValidationError) as caught:
        call_settings_update(by=manager, callback_owner=outsider, callback_minutes=10)

    assert "callback_owner" in caught.value.message_dict
    assert _settings(workspace) is None
