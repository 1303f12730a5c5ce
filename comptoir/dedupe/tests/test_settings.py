"""Réglages › Doublons: managers set the thresholds, everyone else reads them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import PersonFactory
from comptoir.dedupe import services
from comptoir.dedupe.models import DedupeSettings

URL = reverse("dedupe:settings")


def _thresholds(workspace):
    found = services.settings_for(workspace)
    return found.auto_merge_threshold, found.review_threshold


def test_manager_changes_the_thresholds_and_imports_follow(manager_client, manager, workspace):
    page = manager_client.get(URL).content.decode()
    assert "Seuil de fusion automatique" in page and "Seuil de la file des doublons" in page
    assert "rattachée sans question" in page  # the help text says what each threshold does
    assert 'value="95"' in page and 'value="60"' in page
    assert "disabled" not in page

    pierre = PersonFactory(
        workspace=workspace, first_name="Pierre", last_name="Dupont", postcode="69003"
    )
    ContactPoint.objects.create(
        workspace=workspace, kind="phone", value="06", normalized="+33612345678", person=pierre
    )
    typed = {"first_name": "P.", "last_name": "DUPONT", "phone": "0612345678", "postcode": "69003"}
    assert services.best_match(workspace=workspace, kind="person", data=typed) is not None

    response = manager_client.post(URL, {"auto_merge_threshold": "100", "review_threshold": "70"})
    assert response.status_code == 302 and response.url == URL
    assert _thresholds(workspace) == (100, 70)
    assert "Réglages des doublons enregistrés" in manager_client.get(URL).content.decode()
    entry = AuditEntry.objects.filter(content_type__model="dedupesettings").get()
    assert entry.actor == manager
    # At 100 only near-identical records are attached: "P." for "Pierre" is not enough.
    assert services.best_match(workspace=workspace, kind="person", data=typed) is None


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"auto_merge_threshold": "50", "review_threshold": "40"}, "auto_merge_threshold", "80"),
        ({"auto_merge_threshold": "101", "review_threshold": "60"}, "auto_merge_threshold", "100"),
        ({"auto_merge_threshold": "95", "review_threshold": "10"}, "review_threshold", "40"),
        ({"auto_merge_threshold": "90", "review_threshold": "90"}, "review_threshold", "inférieur"),
        ({"auto_merge_threshold": "abc", "review_threshold": "60"}, "auto_merge_threshold", ""),
    ],
)
def test_bad_values_are_refused_in_french_and_nothing_changes(
    manager_client, workspace, posted, field, message
):
    response = manager_client.post(URL, posted)
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert "Rien n'a été enregistré" in response.content.decode()
    assert _thresholds(workspace) == (95, 60)


@pytest.mark.parametrize("role", [Role.AGENT, Role.READ_ONLY, Role.TECHNICIAN])
def test_other_roles_read_but_cannot_change(client, workspace, role):
    user = UserFactory(workspace=workspace, role=role)
    client.force_login(user)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lecture seule" in html and "<fieldset disabled" in html
    assert 'value="95"' in html
    response = client.post(URL, {"auto_merge_threshold": "80", "review_threshold": "40"})
    assert response.status_code == 403
    assert _thresholds(workspace) == (95, 60)
    with pytest.raises(PermissionDenied):
        services.settings_update(by=user, auto_merge_threshold=80)


def test_service_checks_ranges_and_workspace(manager, workspace, other_workspace):
    with pytest.raises(ValidationError) as caught:
        services.settings_update(by=manager, auto_merge_threshold=97, review_threshold=98)
    assert "review_threshold" in caught.value.message_dict
    services.settings_update(by=manager, auto_merge_threshold=85)
    assert _thresholds(workspace) == (85, 60)
    assert not DedupeSettings.objects.filter(workspace=other_workspace).exists()


def test_linked_from_the_settings_tabs_and_the_queue(manager_client, agent_client):
    tabs = manager_client.get(reverse("accounts:account")).content.decode()
    assert f'href="{URL}"' in tabs
    tabs = agent_client.get(reverse("accounts:account")).content.decode()
    assert f'href="{URL}"' in tabs
    queue = agent_client.get(reverse("dedupe:queue")).content.decode()
    assert f'href="{URL}"' in queue
