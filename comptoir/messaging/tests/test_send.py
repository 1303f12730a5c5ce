import base64
import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from comptoir.activities.models import Interaction
from comptoir.activities.tests.factories import AppointmentFactory
from comptoir.messaging.models import Message, MessageStatus, MessageTemplate
from comptoir.messaging.services import (
    message_deliver,
    message_retry,
    message_send,
    messages_deliver_due,
)
from comptoir.messaging.sms import LocmemBackend, SmsError
from comptoir.messaging.tests.factories import MessageFactory
from comptoir.messaging.tests.helpers import booking_context, ics_bytes


class BrokenProvider:
    """An SMS provider that is down."""

    calls = 0

    def send(self, *, to, text, sender=""):
        BrokenProvider.calls += 1
        raise SmsError("Le fournisseur SMS a refusé l'envoi (HTTP 503).")


@pytest.fixture
def broken_sms(settings):
    BrokenProvider.calls = 0
    settings.COMPTOIR_SMS_BACKEND = "comptoir.messaging.tests.test_send.BrokenProvider"
    return BrokenProvider


def send_sms(workspace, **kwargs):
    values = {
        "workspace": workspace,
        "channel": "sms",
        "to": "06 12 34 56 78",
        "template_code": "booking_confirmed",
        "context": booking_context(workspace),
    }
    values.update(kwargs)
    return message_send(**values)


def test_booking_email_is_rendered_and_sent_after_commit_with_its_ics(
    workspace, agent, django_capture_on_commit_callbacks
):
    rdv = AppointmentFactory(owner=agent)
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            workspace=workspace,
            channel="email",
            to="Jean.Dupont@Exemple.fr",
            template_code="booking_confirmed",
            context=booking_context(workspace),
            interaction=rdv,
            attachments=[("rendez-vous.ics", ics_bytes(), "text/calendar; method=REQUEST")],
        )
        assert message.status == MessageStatus.PENDING
        assert mail.outbox == []  # nothing leaves before the booking is committed
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at and message.attempts == 1
    [sent] = mail.outbox
    assert sent.to == ["jean.dupont@exemple.fr"]
    assert sent.from_email == "Duret Électricité <noreply@comptoir.example>"
    assert sent.subject == "Rendez-vous confirmé le jeudi 20 mars 2025 à 8 h 30"
    assert "Bonjour M. Jean Dupont," in sent.body
    assert "https://comptoir.example/r/duret/rdv/k3P9xQ/" in sent.alternatives[0][0]
    filename, content, _mimetype = sent.attachments[0]
    assert filename == "rendez-vous.ics"
    assert "UID:rdv-118@comptoir.example" in content
    assert list(rdv.messages.all()) == [message]


def test_sms_goes_to_the_e164_number_through_the_configured_provider(
    workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(workspace)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    [sms] = LocmemBackend.outbox
    assert sms["to"] == "+33612345678"
    assert sms["from"] == "Duret Elect"  # 11 characters, no accents: what operators accept
    assert sms["text"].startswith("Duret Électricité : RDV confirmé le jeu. 20/03 à 8 h 30")


def test_no_message_without_recipient_or_with_a_switched_off_template(workspace):
    assert send_sms(workspace, to="  ") is None
    MessageTemplate.objects.filter(
        workspace=workspace, code="booking_confirmed", channel="sms"
    ).update(is_active=False)
    assert send_sms(workspace) is None
    assert send_sms(workspace, template_code="unknown_event") is None
    assert not Message.objects.exists()


def test_the_same_dedupe_key_never_sends_twice(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_sms(workspace, dedupe_key="rdv:118:confirmed")
        again = send_sms(workspace, dedupe_key="rdv:118:confirmed")
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert len(LocmemBackend.outbox) == 1


def test_the_same_key_in_another_workspace_is_another_message(workspace, other_workspace):
    send_sms(workspace, dedupe_key="rdv:1:confirmed")
    send_sms(other_workspace, dedupe_key="rdv:1:confirmed")
    assert Message.objects.count() == 2


def test_a_failing_provider_never_undoes_the_booking_and_shows_the_error(
    workspace, agent, broken_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rdv = AppointmentFactory(owner=agent, subject="Dépannage Dupont")
        send_sms(workspace, interaction=rdv)
    assert Interaction.objects.filter(subject="Dépannage Dupont").exists()
    message = rdv.messages.get()
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert message.last_error == "Le fournisseur SMS a refusé l'envoi (HTTP 503)."
    assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)


def test_failures_are_retried_with_growing_delays_then_marked_failed(
    workspace, broken_sms, django_capture_on_commit_callbacks, settings
):
    settings.COMPTOIR_MESSAGE_MAX_ATTEMPTS = 4
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(workspace)
    delays = []
    for _ in range(3):
        message.refresh_from_db()
        assert message.status == MessageStatus.PENDING
        delays.append(round((message.next_attempt_at - timezone.now()).total_seconds() / 60))
        assert messages_deliver_due() == 0  # not due yet
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert messages_deliver_due() == 1
    message.refresh_from_db()
    assert delays == [1, 5, 25]
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 4 and broken_sms.calls == 4
    assert message.next_attempt_at is None
    assert messages_deliver_due() == 0


def test_an_invalid_number_fails_at_once_without_retries(
    workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(workspace, to="12")
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == "Numéro de téléphone invalide : « 12 »."
    assert LocmemBackend.outbox == []


def test_renvoyer_puts_a_failed_message_back_and_sends_it(
    workspace, agent, broken_sms, settings, django_capture_on_commit_callbacks
):
    settings.COMPTOIR_MESSAGE_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(workspace)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    settings.COMPTOIR_SMS_BACKEND = "comptoir.messaging.sms.LocmemBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=message, by=agent)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.last_error == ""
    assert len(LocmemBackend.outbox) == 1


def test_only_failed_messages_can_be_sent_again(workspace, agent):
    from django.core.exceptions import ValidationError

    message = send_sms(workspace)
    with pytest.raises(ValidationError):
        message_retry(message=message, by=agent)


def test_delivering_a_sent_message_again_does_nothing(
    workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(workspace)
    assert message_deliver(message.pk) is None
    assert len(LocmemBackend.outbox) == 1


def test_attachments_are_kept_as_base64(workspace):
    message = message_send(
        workspace=workspace,
        channel="email",
        to="a@b.fr",
        template_code="booking_confirmed",
        context=booking_context(workspace),
        attachments=[
            {"filename": "x.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR"}
        ],
    )
    [item] = message.attachments
    assert base64.b64decode(item["content_b64"]) == b"BEGIN:VCALENDAR"


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_send_it_once(workspace):
    # The task queued at commit and the periodic sweep may pick the same message together.
    message = MessageFactory(workspace=workspace)  # pending and due, not yet delivered
    barrier = threading.Barrier(4)
    results = []

    def deliver():
        try:
            barrier.wait()
            results.append(message_deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(LocmemBackend.outbox) == 1
    assert sum(1 for r in results if r is not None) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
