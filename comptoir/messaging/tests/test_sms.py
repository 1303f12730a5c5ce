import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from comptoir.messaging.models import MessageStatus
from comptoir.messaging.services import message_send, messages_deliver_due
from comptoir.messaging.sms import ConsoleBackend, FileBackend, HttpJsonBackend, SmsError
from comptoir.messaging.tests.helpers import booking_context


class FakeProvider:
    """A local HTTP endpoint standing in for an SMS provider."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.delay = 0.0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.requests.append(
                    {"headers": dict(self.headers), "json": json.loads(body), "path": self.path}
                )
                if provider.delay:
                    time.sleep(provider.delay)
                reply = b'{"id": "abc"}' if provider.status < 300 else b'{"error": "quota depasse"}'
                try:
                    self.send_response(provider.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    fake = FakeProvider()
    settings.COMPTOIR_SMS_BACKEND = "comptoir.messaging.sms.HttpJsonBackend"
    settings.COMPTOIR_SMS_HTTP_URL = fake.url
    settings.COMPTOIR_SMS_HTTP_TOKEN = "secret-token"
    yield fake
    fake.close()


def send(workspace):
    return message_send(
        workspace=workspace,
        channel="sms",
        to="06 12 34 56 78",
        template_code="booking_confirmed",
        context=booking_context(workspace),
    )


def test_http_provider_receives_json_with_the_bearer_token(
    workspace, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(workspace)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    [request] = provider.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"]["to"] == "+33612345678"
    assert request["json"]["from"] == "Duret Elect"
    assert request["json"]["text"].startswith("Duret Électricité : RDV confirmé")


def test_http_provider_error_is_kept_on_the_message_then_it_fails(
    workspace, provider, settings, django_capture_on_commit_callbacks
):
    settings.COMPTOIR_MESSAGE_MAX_ATTEMPTS = 2
    provider.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        message = send(workspace)
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.last_error == (
        'Le fournisseur SMS a refusé l\'envoi (HTTP 500) : {"error": "quota depasse"}'
    )
    message.next_attempt_at = message.created_at
    message.save()
    messages_deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "HTTP 500" in message.last_error
    assert len(provider.requests) == 2


def test_http_provider_that_hangs_times_out_with_a_clear_error(provider, monkeypatch):
    monkeypatch.setattr(HttpJsonBackend, "timeout", 0.3)
    provider.delay = 1.5
    with pytest.raises(SmsError) as caught:
        HttpJsonBackend().send(to="+33612345678", text="Bonjour", sender="Duret")
    assert str(caught.value) == "Le fournisseur SMS ne répond pas (délai de 0.3 s dépassé)."


def test_http_provider_unreachable_or_not_configured():
    with pytest.raises(SmsError, match="injoignable"):
        HttpJsonBackend(url="http://127.0.0.1:9/sms", token="").send(to="+33612345678", text="x")
    with pytest.raises(SmsError, match="non configuré"):
        HttpJsonBackend(url="", token="").send(to="+33612345678", text="x")


def test_file_backend_appends_one_json_line_per_sms(settings, tmp_path):
    settings.COMPTOIR_SMS_FILE_PATH = str(tmp_path / "sms" / "sms.log")
    FileBackend().send(to="+33612345678", text="Premier", sender="Duret")
    FileBackend().send(to="+33698765432", text="Deuxième ✓", sender="Duret")
    lines = (tmp_path / "sms" / "sms.log").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["Premier", "Deuxième ✓"]
    assert json.loads(lines[1])["to"] == "+33698765432"


def test_console_backend_prints_the_sms(capsys):
    ConsoleBackend().send(to="+33612345678", text="Votre RDV est confirmé", sender="Duret")
    out = capsys.readouterr().out
    assert "+33612345678" in out and "Votre RDV est confirmé" in out
