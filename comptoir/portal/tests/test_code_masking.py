"""Sign-in codes: delivered to the customer, shown as •••••• to the team and in the database."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.tests.factories import AppointmentFactory
from comptoir.lib.crypto import TOKEN_PREFIX
from comptoir.messaging.models import Message, MessageStatus
from comptoir.messaging.services import message_retry, message_send, templates_ensure
from comptoir.messaging.sms import LocmemBackend, SmsError
from comptoir.portal import defaults
from comptoir.portal.tests.test_signin import ask_code, code_in_mail, handle_of, type_code

MASK = "••••••"


class DownProvider:
    """An SMS provider that is down."""

    def send(self, *, to, text, sender=""):
        raise SmsError("Le fournisseur SMS a refusé l'envoi (HTTP 503).")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def stored(message_id):
    """The texts of a message as a reader of the database sees them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject, body, unmasked_subject, unmasked_body FROM messaging_message"
            " WHERE id = %s",
            [message_id],
        )
        return cursor.fetchone()


def test_the_code_reaches_the_customer_but_not_the_outbox_and_still_signs_in(
    client, dupont, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handle = handle_of(ask_code(client, "p.dupont@gmail.com"))
    code = code_in_mail()
    assert code in mail.outbox[-1].subject and code in mail.outbox[-1].alternatives[0][0]

    message = Message.objects.get(template_code=defaults.CODE_TEMPLATE)
    assert message.status == MessageStatus.SENT
    assert message.subject == f"Votre code de connexion : {MASK}"
    assert f"\n    {MASK}\n" in message.body and "Bonjour" in message.body
    subject, body, unmasked_subject, unmasked_body = stored(message.pk)
    assert code not in subject + body and (unmasked_subject, unmasked_body) == ("", "")

    response = type_code(client, handle, code)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:requests", args=["duret"])


def test_until_delivered_the_real_text_is_kept_encrypted(
    client, dupont, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        handle = handle_of(ask_code(client, "06 12 34 56 78"))
    message = Message.objects.get(template_code=defaults.CODE_TEMPLATE)
    assert message.status == MessageStatus.PENDING
    pending = stored(message.pk)
    assert pending[1].startswith(f"{MASK} est votre code Duret")
    assert pending[2] == "" and pending[3].startswith(TOKEN_PREFIX)

    for callback in callbacks:
        callback()
    code = re.search(r"\b(\d{6})\b", LocmemBackend.outbox[-1]["text"]).group(1)
    assert code not in "".join(pending)
    assert stored(message.pk)[3] == ""
    assert type_code(client, handle, code).status_code == 302


def test_a_failed_code_is_sent_again_with_the_real_code(
    client, dupont, agent, settings, django_capture_on_commit_callbacks
):
    settings.COMPTOIR_MESSAGE_MAX_ATTEMPTS = 1
    settings.COMPTOIR_SMS_BACKEND = "comptoir.portal.tests.test_code_masking.DownProvider"
    with django_capture_on_commit_callbacks(execute=True):
        handle = handle_of(ask_code(client, "06 12 34 56 78"))
    message = Message.objects.get(template_code=defaults.CODE_TEMPLATE)
    assert message.status == MessageStatus.FAILED
    assert stored(message.pk)[3].startswith(TOKEN_PREFIX)  # kept for « Renvoyer »

    settings.COMPTOIR_SMS_BACKEND = "comptoir.messaging.sms.LocmemBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=message, by=agent)
    code = re.search(r"\b(\d{6})\b", LocmemBackend.outbox[-1]["text"]).group(1)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and code not in message.body
    assert type_code(client, handle, code).status_code == 302


def test_the_team_sees_the_code_masked_on_an_interaction_and_in_the_admin(
    client, workspace, agent, agent_client, django_capture_on_commit_callbacks
):
    templates_ensure(
        workspace_id=workspace.pk,
        code=defaults.CODE_TEMPLATE,
        subject=defaults.CODE_SUBJECT,
        email=defaults.CODE_EMAIL,
        sms=defaults.CODE_SMS,
    )
    rdv = AppointmentFactory(owner=agent, subject="Dépannage Dupont")
    context = {"client": {"nom": "M. Dupont"}, "portail": {"code": "481516", "minutes": 10}}
    with django_capture_on_commit_callbacks(execute=True):
        email = message_send(
            workspace=workspace,
            channel="email",
            to="p.dupont@gmail.com",
            template_code=defaults.CODE_TEMPLATE,
            context=context,
            interaction=rdv,
        )
        message_send(
            workspace=workspace,
            channel="sms",
            to="06 12 34 56 78",
            template_code=defaults.CODE_TEMPLATE,
            context=context,
            interaction=rdv,
        )
    assert "481516" in mail.outbox[-1].body and "481516" in LocmemBackend.outbox[-1]["text"]

    panel = agent_client.get(reverse("messaging:interaction_messages", args=[rdv.pk]))
    html = panel.content.decode()
    assert panel.status_code == 200 and "481516" not in html
    assert f"Votre code de connexion : {MASK}" in html and f"{MASK} est votre code" in html

    admin = UserFactory(workspace=workspace, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:messaging_message_change", args=[email.pk]))
    assert page.status_code == 200
    assert "481516" not in page.content.decode() and MASK in page.content.decode()
