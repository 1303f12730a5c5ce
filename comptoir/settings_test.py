"""Test settings: fast hasher, tasks run inline, no outgoing mail."""

from comptoir.settings import *  # noqa: F403
from comptoir.settings import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
COMPTOIR_SMS_BACKEND = "comptoir.messaging.sms.LocmemBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory: concurrent writers then wait on the lock as in
    # production (busy timeout) instead of failing with "database table is locked".
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"comptoir-test-{os.getpid()}.sqlite3")
    }

# Sign-in lockouts stay on, as in production: client.force_login() does not count as an
# attempt, and every test starts with no failures recorded (they live in the database).
AXES_ENABLED = True
