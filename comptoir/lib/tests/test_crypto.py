"""Encrypted values: round trip, versioned tokens, key rotation, clear errors on a wrong key."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from comptoir.lib.crypto import TOKEN_PREFIX, DecryptionError, decrypt_text, encrypt_text

OLD = "ancienne-clé-de-chiffrement-de-32-caractères-au-moins"
NEW = "nouvelle-clé-de-chiffrement-de-32-caractères-au-moins"


def test_a_value_comes_back_as_typed_and_is_never_stored_in_clear(settings):
    settings.COMPTOIR_FIELD_KEYS = [NEW]
    token = encrypt_text("mot de passe IMAP « été » 🔑")

    assert token.startswith(TOKEN_PREFIX)
    assert "mot de passe" not in token
    assert decrypt_text(token) == "mot de passe IMAP « été » 🔑"
    assert encrypt_text("mot de passe IMAP « été » 🔑") != token  # random: nothing to compare


def test_without_keys_the_secret_key_encrypts_and_its_fallbacks_still_decrypt(settings):
    settings.COMPTOIR_FIELD_KEYS = []
    settings.SECRET_KEY = OLD
    token = encrypt_text("secret")

    settings.SECRET_KEY = NEW
    with pytest.raises(DecryptionError):
        decrypt_text(token)
    settings.SECRET_KEY_FALLBACKS = [OLD]
    assert decrypt_text(token) == "secret"
    # Or the old SECRET_KEY given as a field key.
    settings.SECRET_KEY_FALLBACKS = []
    settings.COMPTOIR_FIELD_KEYS = [NEW, OLD]
    assert decrypt_text(token) == "secret"


def test_rotation_the_first_key_encrypts_every_key_decrypts(settings):
    settings.COMPTOIR_FIELD_KEYS = [OLD]
    before = encrypt_text("avant")

    settings.COMPTOIR_FIELD_KEYS = [NEW, OLD]
    after = encrypt_text("après")
    assert (decrypt_text(before), decrypt_text(after)) == ("avant", "après")

    settings.COMPTOIR_FIELD_KEYS = [NEW]  # the old key retired: only new values open
    assert decrypt_text(after) == "après"
    with pytest.raises(DecryptionError):
        decrypt_text(before)


def test_a_wrong_key_gives_an_error_naming_the_setting_never_the_value(settings):
    settings.COMPTOIR_FIELD_KEYS = [OLD]
    token = encrypt_text("hunter2-imap")
    settings.COMPTOIR_FIELD_KEYS = [NEW]

    with pytest.raises(DecryptionError) as error:
        decrypt_text(token)
    assert "COMPTOIR_FIELD_KEYS" in str(error.value)
    assert "hunter2" not in str(error.value) and token not in str(error.value)


@pytest.mark.parametrize("stored", ["hunter2-imap", TOKEN_PREFIX + "abîmé", TOKEN_PREFIX])
def test_a_clear_or_damaged_value_is_refused_clearly(settings, stored):
    settings.COMPTOIR_FIELD_KEYS = [NEW]
    with pytest.raises(DecryptionError) as error:
        decrypt_text(stored)
    assert "hunter2" not in str(error.value)


def test_a_short_key_is_refused_with_the_setting_named(settings):
    settings.COMPTOIR_FIELD_KEYS = ["trop-courte"]
    with pytest.raises(ImproperlyConfigured, match="COMPTOIR_FIELD_KEYS"):
        encrypt_text("x")
