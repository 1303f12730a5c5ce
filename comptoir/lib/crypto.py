"""Encryption of sensitive values at rest (Fernet, keys from COMPTOIR_FIELD_KEYS) and its field.

A stored value is a versioned token, ``enc1:`` followed by a Fernet token (AES-128-CBC and
HMAC-SHA256, with its time of encryption). The keys come from ``settings.COMPTOIR_FIELD_KEYS``:
the first one encrypts, every one decrypts, so a key is replaced by putting the new one first
and keeping the old one until the values are written again. Without that setting the key is
derived from ``SECRET_KEY`` (and ``SECRET_KEY_FALLBACKS`` still decrypt): the embedded mode
works without configuration. Each key goes through HKDF-SHA256, so any long random string is
a key; a key equal to an old ``SECRET_KEY`` reads what that ``SECRET_KEY`` encrypted.
"""

from __future__ import annotations

import base64
import functools
import operator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

__all__ = [
    "SETTING",
    "TOKEN_PREFIX",
    "DecryptionError",
    "EncryptedTextField",
    "decrypt_text",
    "encrypt_text",
    "is_token",
    "rewrite_encrypted_values",
]

SETTING = "COMPTOIR_FIELD_KEYS"
TOKEN_PREFIX = "enc1:"
MIN_KEY_LENGTH = 32
_HKDF_INFO = b"comptoir field encryption v1"


class DecryptionError(Exception):
    """A stored value that none of the configured keys opens (the value is never in the text)."""


def _configured_keys() -> tuple[str, ...]:
    keys = [str(k).strip() for k in getattr(settings, SETTING, None) or () if str(k).strip()]
    for key in keys:
        if len(key) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"{SETTING} : chaque clé doit compter au moins {MIN_KEY_LENGTH} caractères "
                "aléatoires (par exemple la sortie de `openssl rand -base64 32`)."
            )
    if keys:
        return tuple(keys)
    fallbacks = [str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", ()) or ()]
    return (str(settings.SECRET_KEY), *fallbacks)


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def _current_cipher() -> MultiFernet:
    return _cipher(_configured_keys())


def is_token(value: str) -> bool:
    """Whether ``value`` has the form of a stored (encrypted) value."""
    return value.startswith(TOKEN_PREFIX)


def encrypt_text(plaintext: str) -> str:
    """``enc1:<Fernet token>`` of ``plaintext``, with the first configured key."""
    token = _current_cipher().encrypt(plaintext.encode("utf-8"))
    return TOKEN_PREFIX + token.decode("ascii")


def decrypt_text(token: str) -> str:
    """The text of a stored value; DecryptionError if no configured key opens it."""
    if not is_token(token):
        raise DecryptionError(
            "Valeur non chiffrée trouvée dans un champ chiffré : la migration qui chiffre "
            "les valeurs existantes n'a pas été appliquée (manage.py migrate)."
        )
    try:
        return _current_cipher().decrypt(token[len(TOKEN_PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        raise DecryptionError(
            f"Une valeur chiffrée ne s'ouvre avec aucune clé de {SETTING} (ni SECRET_KEY quand "
            f"ce réglage est vide) : la clé qui l'a chiffrée a-t-elle été retirée ? Remettez-la "
            f"en fin de liste dans {SETTING}."
        ) from None


class EncryptedTextField(models.TextField):
    """Text encrypted in the database, in clear on the model; "" and None are stored as is.

    Not searchable: the same text encrypts differently each time (filter on it never
    matches, except ``""`` and ``isnull``). The error for an unreadable value names the
    setting, never the value.
    """

    description = "Texte chiffré"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(str(value))

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))


def rewrite_encrypted_values() -> int:
    """Encrypt every stored value again with the first key of COMPTOIR_FIELD_KEYS (after a
    new key was put first, so the old one can be retired); how many values were rewritten."""
    count = 0
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if not names:
            continue
        manager = model._base_manager
        stored = functools.reduce(
            operator.or_,
            (~models.Q(**{name: ""}) & models.Q(**{f"{name}__isnull": False}) for name in names),
        )
        for pk in list(manager.filter(stored).values_list("pk", flat=True)):
            with transaction.atomic():
                row = manager.select_for_update().filter(pk=pk).values(*names).first()
                values = {name: value for name, value in (row or {}).items() if value}
                if values:
                    manager.filter(pk=pk).update(**values)
                    count += len(values)
    return count
