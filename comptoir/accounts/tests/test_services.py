"""Services of accounts: the rules hold whoever calls them (views, API, scripts)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from comptoir.accounts import services
from comptoir.accounts.models import Role, User


def test_only_an_admin_of_the_workspace_invites(agent, manager, outsider):
    with pytest.raises(PermissionDenied):
        services.user_invite(by=agent, email="x@duret.example", password="Chaudiere-2025")
    user = services.user_invite(
        by=manager, email="X@Duret.example", password="Chaudiere-2025", role=Role.TECHNICIAN
    )
    assert (user.email, user.workspace_id, user.role) == (
        "x@duret.example",
        manager.workspace_id,
        Role.TECHNICIAN,
    )


def test_workspace_update_checks_everything_before_writing(manager, workspace, other_workspace):
    with pytest.raises(ValidationError) as exc:
        services.workspace_update(
            workspace=workspace, by=manager, name=" ", siren="123", phone="abc", locale="de"
        )
    assert exc.value.message_dict == {
        "name": ["Indiquez la raison sociale."],
        "siren": ["SIREN invalide : 9 chiffres avec une clé de contrôle juste."],
        "phone": ["« abc » n'est pas un numéro de téléphone valide."],
        "locale": ["Choisissez une langue de la liste."],
    }
    workspace.refresh_from_db()
    assert workspace.name == "Duret Électricité"
    with pytest.raises(PermissionDenied):
        services.workspace_update(workspace=other_workspace, by=manager, name="Pris")


def test_an_overseas_workspace_phone_takes_its_region_from_the_postcode(manager, workspace):
    services.workspace_update(
        workspace=workspace, by=manager, postcode="97110", phone="0590 12 34 56"
    )
    assert workspace.phone == "+590590123456"


def test_admin_of_another_workspace_cannot_touch_users(agent, outsider):
    other_admin = User.objects.create_user(
        email="chef@concurrent.example", workspace=outsider.workspace, role=Role.ADMIN
    )
    for action in (services.user_deactivate, services.user_reactivate):
        with pytest.raises(PermissionDenied):
            action(user=agent, by=other_admin)
    with pytest.raises(PermissionDenied):
        services.user_set_role(user=agent, role=Role.ADMIN, by=other_admin)


def test_a_sleeping_admin_can_do_nothing(manager, agent, workspace):
    second = User.objects.create_user(email="b@duret.example", workspace=workspace, role="admin")
    services.user_deactivate(user=manager, by=second)
    with pytest.raises(PermissionDenied):
        services.user_set_role(user=agent, role=Role.READ_ONLY, by=manager)


def test_token_revoke_only_own(agent, manager):
    services.api_token_issue(user=manager, label="Sophie")
    token = manager.api_tokens.get()
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=token, by=agent)
