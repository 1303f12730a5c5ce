"""SMS providers, chosen by dotted path in ``settings.COMPTOIR_SMS_BACKEND``.

A backend has one method, ``send(to=..., text=..., sender=...)``; it raises ``SmsError`` with a
French message when the SMS did not leave.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider did not take the SMS; the message says why, in French."""


class BaseSmsBackend:
    def send(self, *, to: str, text: str, sender: str = "") -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Development default: the SMS is printed on the server's console."""

    def send(self, *, to: str, text: str, sender: str = "") -> None:
        sys.stdout.write(f"--- SMS {sender} → {to}\n{text}\n---\n")
        sys.stdout.flush()
        logger.info("SMS to %s: %s", to, text)


class FileBackend(BaseSmsBackend):
    """One JSON line per SMS appended to ``COMPTOIR_SMS_FILE_PATH``."""

    def send(self, *, to: str, text: str, sender: str = "") -> None:
        path = Path(settings.COMPTOIR_SMS_FILE_PATH)
        line = {"at": timezone.now().isoformat(), "to": to, "from": sender, "text": text}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise SmsError(
                _("Impossible d'écrire le SMS dans {path} : {error}").format(
                    path=path, error=exc.strerror or exc
                )
            ) from exc


class LocmemBackend(BaseSmsBackend):
    """For tests: SMS collected in ``LocmemBackend.outbox``."""

    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, *, to: str, text: str, sender: str = "") -> None:
        self.outbox.append({"to": to, "from": sender, "text": text})


class HttpJsonBackend(BaseSmsBackend):
    """Any provider that takes ``POST {"to", "from", "text"}`` as JSON (bearer token optional)."""

    timeout = 10

    def __init__(self, url: str | None = None, token: str | None = None) -> None:
        self.url = url if url is not None else settings.COMPTOIR_SMS_HTTP_URL
        self.token = token if token is not None else settings.COMPTOIR_SMS_HTTP_TOKEN

    def send(self, *, to: str, text: str, sender: str = "") -> None:
        if not self.url:
            raise SmsError(_("Fournisseur SMS non configuré (COMPTOIR_SMS_HTTP_URL est vide)."))
        payload = json.dumps({"to": to, "from": sender, "text": text}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=payload, headers=headers, method="POST")  # noqa: S310 - URL from settings
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            detail = _short(exc.read())
            raise SmsError(
                _("Le fournisseur SMS a refusé l'envoi (HTTP {status}){detail}").format(
                    status=exc.code, detail=f" : {detail}" if detail else "."
                )
            ) from exc
        except TimeoutError as exc:
            raise SmsError(
                _("Le fournisseur SMS ne répond pas (délai de {seconds} s dépassé).").format(
                    seconds=self.timeout
                )
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise SmsError(
                    _("Le fournisseur SMS ne répond pas (délai de {seconds} s dépassé).").format(
                        seconds=self.timeout
                    )
                ) from exc
            raise SmsError(
                _("Fournisseur SMS injoignable : {reason}").format(reason=exc.reason)
            ) from exc
        except OSError as exc:
            raise SmsError(_("Fournisseur SMS injoignable : {reason}").format(reason=exc)) from exc


def _short(raw: bytes, limit: int = 200) -> str:
    text = " ".join(raw.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sms_backend() -> BaseSmsBackend:
    """The provider named in settings."""
    backend: Any = import_string(settings.COMPTOIR_SMS_BACKEND)
    return backend()
