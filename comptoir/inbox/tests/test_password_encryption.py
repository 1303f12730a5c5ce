"""The IMAP password: encrypted in the database, never shown back, never in the history."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comptoir.accounts.tests.factories import WorkspaceFactory
from comptoir.audit.models import Action, AuditEntry
from comptoir.audit.services import audit_record
from comptoir.inbox.models import Mailbox
from comptoir.inbox.services import mailbox_for
from comptoir.inbox.tests.test_views import SETTINGS, form_data
from comptoir.lib.crypto import TOKEN_PREFIX, DecryptionError, decrypt_text

KEY_A = "clé-a-de-chiffrement-des-champs-assez-longue-0001"
KEY_B = "clé-b-de-chiffrement-des-champs-assez-longue-0002"


def stored_password(mailbox_id):
    """The column as a reader of the database sees it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM inbox_mailbox WHERE id = %s", [mailbox_id])
        return cursor.fetchone()[0]


def test_the_password_typed_is_stored_encrypted_and_used_in_clear(manager_client, workspace):
    assert manager_client.post(SETTINGS, form_data()).status_code == 302

    mailbox = Mailbox.objects.get(workspace=workspace)
    raw = stored_password(mailbox.pk)
    assert raw.startswith(TOKEN_PREFIX) and "secret-imap" not in raw
    assert decrypt_text(raw) == "secret-imap"
    assert mailbox.password == "secret-imap"  # what the IMAP sign-in uses


def test_an_update_query_encrypts_too_and_an_empty_password_stays_empty(workspace):
    mailbox = mailbox_for(workspace.pk)
    assert stored_password(mailbox.pk) == ""
    Mailbox.objects.filter(pk=mailbox.pk).update(password="par-requête")

    assert stored_password(mailbox.pk).startswith(TOKEN_PREFIX)
    assert Mailbox.objects.get(pk=mailbox.pk).password == "par-requête"


def test_the_settings_page_never_shows_the_password_back(manager_client, workspace):
    manager_client.post(SETTINGS, form_data())
    raw = stored_password(Mailbox.objects.get(workspace=workspace).pk)

    page = manager_client.get(SETTINGS).content.decode()
    assert "secret-imap" not in page and raw not in page
    assert 'type="password" name="password"' in page and "Un mot de passe est enregistré." in page
    # Refused, the form comes back without the password just typed either.
    refused = manager_client.post(SETTINGS, form_data(host="", password="nouveau-secret"))
    assert refused.status_code == 422
    assert "nouveau-secret" not in refused.content.decode()
    assert Mailbox.objects.get(workspace=workspace).password == "secret-imap"


def test_the_history_never_holds_the_password(manager_client, workspace, manager):
    manager_client.post(SETTINGS, form_data())
    manager_client.post(SETTINGS, form_data(password="deuxième-secret", folder="Support"))
    mailbox = Mailbox.objects.get(workspace=workspace)
    # Any other way of recording the mailbox masks it as well.
    audit_record(actor=manager, instance=mailbox, action=Action.CREATE)
    audit_record(actor=manager, instance=mailbox, action=Action.DELETE)

    entries = AuditEntry.objects.filter(object_id=mailbox.pk, content_type__model="mailbox")
    assert entries.count() == 4
    history = json.dumps([e.changes for e in entries], ensure_ascii=False)
    assert "secret-imap" not in history and "deuxième-secret" not in history
    assert TOKEN_PREFIX not in history
    assert entries.filter(action=Action.CREATE).get().changes["password"] == ["", "••••••"]
    page = manager_client.get(SETTINGS).content.decode()
    assert "deuxième-secret" not in page


def test_a_wrong_key_names_the_setting_and_rotation_keeps_values_readable(workspace, settings):
    settings.COMPTOIR_FIELD_KEYS = [KEY_A]
    mailbox = mailbox_for(workspace.pk)
    mailbox.password = "secret-imap"
    mailbox.save()

    settings.COMPTOIR_FIELD_KEYS = [KEY_B]
    with pytest.raises(DecryptionError, match="COMPTOIR_FIELD_KEYS") as error:
        Mailbox.objects.get(pk=mailbox.pk)
    assert "secret-imap" not in str(error.value)

    settings.COMPTOIR_FIELD_KEYS = [KEY_B, KEY_A]  # new key first, old one kept
    reread = Mailbox.objects.get(pk=mailbox.pk)
    assert reread.password == "secret-imap"
    reread.save()  # written again: with the new key
    settings.COMPTOIR_FIELD_KEYS = [KEY_B]
    assert Mailbox.objects.get(pk=mailbox.pk).password == "secret-imap"


def test_the_rotation_command_moves_every_value_to_the_new_key(workspace, settings):
    settings.COMPTOIR_FIELD_KEYS = [KEY_A]
    mailbox = mailbox_for(workspace.pk)
    mailbox.password = "secret-imap"
    mailbox.save()
    settings.COMPTOIR_FIELD_KEYS = [KEY_B, KEY_A]
    out = StringIO()

    call_command("ops_rotate_field_keys", stdout=out)

    assert "1 valeur chiffrée de nouveau" in out.getvalue()
    settings.COMPTOIR_FIELD_KEYS = [KEY_B]  # the old key can go
    assert Mailbox.objects.get(pk=mailbox.pk).password == "secret-imap"
    # Run with a key that opens nothing: a clear refusal, nothing rewritten.
    settings.COMPTOIR_FIELD_KEYS = [KEY_A]
    with pytest.raises(CommandError, match="COMPTOIR_FIELD_KEYS"):
        call_command("ops_rotate_field_keys", stdout=StringIO())
    settings.COMPTOIR_FIELD_KEYS = [KEY_B]
    assert Mailbox.objects.get(pk=mailbox.pk).password == "secret-imap"


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_stored_passwords_and_its_reverse_decrypts():
    workspace = WorkspaceFactory(slug="migration")
    before = [("inbox", "0001_mailbox_inbound_messages")]
    after = [("inbox", "0003_encrypt_mailbox_passwords")]
    try:
        old_apps = _migrate(before)
        old = old_apps.get_model("inbox", "Mailbox").objects.create(
            workspace_id=workspace.pk, password="en clair"
        )
        empty = old_apps.get_model("inbox", "Mailbox").objects.create(
            workspace_id=WorkspaceFactory(slug="vide").pk, password=""
        )
        assert stored_password(old.pk) == "en clair"

        _migrate(after)
        assert stored_password(old.pk).startswith(TOKEN_PREFIX)
        assert decrypt_text(stored_password(old.pk)) == "en clair"
        assert stored_password(empty.pk) == ""
        assert Mailbox.objects.get(pk=old.pk).password == "en clair"

        _migrate(before)
        assert stored_password(old.pk) == "en clair"
        assert stored_password(empty.pk) == ""
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
