import socket

from icalendar import Calendar

from comptoir.messaging.models import MessageStatus
from comptoir.messaging.services import message_send
from comptoir.messaging.tests.helpers import booking_context, ics_bytes


def send_booking_email(workspace, **kwargs):
    return message_send(
        workspace=workspace,
        channel="email",
        to="jean.dupont@exemple.fr",
        template_code="booking_confirmed",
        context=booking_context(workspace),
        attachments=[("rendez-vous.ics", ics_bytes(), "text/calendar; method=REQUEST")],
        **kwargs,
    )


def test_booking_email_reaches_a_real_smtp_server_with_its_ics_intact(
    workspace, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_booking_email(workspace)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT, message.last_error
    [received] = smtp_server.messages
    assert smtp_server.envelopes[0][1] == ["jean.dupont@exemple.fr"]
    # Django folds a long encoded subject onto the next line; clients drop the fold's space.
    assert received["Subject"].strip() == "Rendez-vous confirmé le jeudi 20 mars 2025 à 8 h 30"
    assert received["From"].addresses[0].display_name == "Duret Électricité"
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert "Bonjour M. Jean Dupont," in text
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "rendez-vous.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "rdv-118@comptoir.example"
    assert str(event["SUMMARY"]) == "Dépannage électrique"
    assert event.decoded("DTSTART").isoformat() == "2025-03-20T08:30:00+01:00"


def test_smtp_server_down_leaves_the_message_waiting_with_the_reason(
    workspace, settings, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with django_capture_on_commit_callbacks(execute=True):
        message = send_booking_email(workspace)
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("Serveur d'e-mail injoignable")
