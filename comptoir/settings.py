"""Comptoir settings: one file, driven by the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from comptoir.lib.env import env_bool, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("COMPTOIR_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS").split(",") if o]
# Keys of the encrypted fields (IMAP password…), comma-separated: the first encrypts, all
# decrypt (rotation). Empty: derived from SECRET_KEY (see comptoir/lib/crypto.py).
COMPTOIR_FIELD_KEYS = [k.strip() for k in env_str("COMPTOIR_FIELD_KEYS").split(",") if k.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "allauth",
    "allauth.account",
    "axes",
    "huey.contrib.djhuey",
    "comptoir.accounts",
    "comptoir.audit",
    "comptoir.contacts",
    "comptoir.activities",
    "comptoir.messaging",
    "comptoir.tickets",
    "comptoir.scheduling",
    "comptoir.dedupe",
    "comptoir.receivables",
    "comptoir.imports",
    "comptoir.calls",
    "comptoir.field",
    "comptoir.inbox",
    "comptoir.portal",
    "comptoir.reports",
    "comptoir.search",
    "comptoir.api",
    "comptoir.demo",
    "comptoir.ops",
    "comptoir.live",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "comptoir.accounts.middleware.WorkspaceTimezoneMiddleware",
    # Last: turns a refused sign-in into the lockout page (or JSON for the API).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"
ASGI_APPLICATION = "comptoir.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "comptoir" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.accounts.context_processors.workspace",
            ],
        },
    },
]

# Embedded default: one SQLite file under var/, WAL journal, writers take the lock up front
# (IMMEDIATE) so concurrent writers queue instead of failing half-way.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "comptoir.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (address, e-mail) pair before any password is checked.
    "comptoir.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "activities:desk"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "comptoir.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
# Forgotten password for an unknown address: the same page, and no e-mail (sign-up is closed).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False

# Password guessing (django-axes): after COMPTOIR_LOGIN_FAILURE_LIMIT wrong passwords for one
# e-mail address from one IP address, that pair is refused for COMPTOIR_LOGIN_LOCKOUT_MINUTES,
# on the sign-in page, the API token endpoint and the admin alike. Never by address alone: an
# office shares one. A success forgets the failures; an administrator can unlock sooner.
AXES_FAILURE_LIMIT = env_int("COMPTOIR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("COMPTOIR_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out do not push the end of the lockout back.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_CALLABLE = "comptoir.accounts.lockout.attempted_email"
AXES_CLIENT_IP_CALLABLE = "comptoir.accounts.lockout.attempt_ip"
AXES_LOCKOUT_CALLABLE = "comptoir.accounts.lockout.lockout_response"
# allauth's own failed-login limit counts per e-mail alone and per address alone: axes
# replaces it. Its throttle of sign-in attempts per address (successes included) stays, at
# COMPTOIR_LOGIN_ATTEMPTS_PER_MINUTE (0 = none) — it only slows a flood down for a minute.
_LOGIN_PER_MINUTE = env_int("COMPTOIR_LOGIN_ATTEMPTS_PER_MINUTE", 30)
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "login": f"{_LOGIN_PER_MINUTE}/m/ip" if _LOGIN_PER_MINUTE > 0 else None,
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "comptoir" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Without collectstatic (tests, development), WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "comptoir" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
COMPTOIR_SERVE_MEDIA = env_bool("COMPTOIR_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "comptoir",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "comptoir",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# Cache (rate limits of the public booking pages, the API and the sign-in page): in memory,
# per process; shared between processes through Redis when set. Sign-in lockouts are in the
# database.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public booking pages and API: (requests, seconds) per client IP and workspace.
COMPTOIR_BOOKING_RATE_LIMITS = {"availability": (30, 60), "booking": (10, 60), "form": (60, 60)}
# API: failed attempts allowed per client IP, (failures, seconds), before a 429 — wrong e-mail
# or password at /api/v1/auth/token, unknown or revoked bearer tokens.
COMPTOIR_API_RATE_LIMITS = {"token_failed": (20, 900), "bearer_failed": (30, 60)}
# Behind a reverse proxy, take the client IP from X-Forwarded-For (only if the proxy sets it).
COMPTOIR_TRUST_X_FORWARDED_FOR = env_bool("COMPTOIR_TRUST_X_FORWARDED_FOR", False)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Comptoir <noreply@comptoir.example>")
# Domain of the inbound addresses when a mailbox has none of its own (<espace>@<domaine>).
COMPTOIR_INBOUND_DOMAIN = env_str("COMPTOIR_INBOUND_DOMAIN")
# SMS provider by dotted path: ConsoleBackend (default), FileBackend, HttpJsonBackend.
COMPTOIR_SMS_BACKEND = env_str("COMPTOIR_SMS_BACKEND", "comptoir.messaging.sms.ConsoleBackend")
COMPTOIR_SMS_FILE_PATH = env_str("COMPTOIR_SMS_FILE_PATH", str(VAR_DIR / "sms.log"))
COMPTOIR_SMS_HTTP_URL = env_str("COMPTOIR_SMS_HTTP_URL")
COMPTOIR_SMS_HTTP_TOKEN = env_str("COMPTOIR_SMS_HTTP_TOKEN")
# Sender shown on SMS; empty = the workspace name (11 characters at most).
COMPTOIR_SMS_SENDER = env_str("COMPTOIR_SMS_SENDER")
# E-mails and SMS are retried 1 min, 5 min, 25 min… after a failure, then marked failed.
COMPTOIR_MESSAGE_MAX_ATTEMPTS = env_int("COMPTOIR_MESSAGE_MAX_ATTEMPTS", 5)

# Phone numbers typed without an international prefix are read in this region unless the
# record's address says otherwise.
COMPTOIR_DEFAULT_REGION = "FR"
# Address customers reach Comptoir at: links in e-mails and SMS, calendar feed URLs.
COMPTOIR_PUBLIC_URL = env_str("COMPTOIR_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Name of the demo workspace loaded by `make run`.
COMPTOIR_DEMO_SLUG = "duret"
# Address → coordinates for travel times; the default needs no network (postcode centroids).
COMPTOIR_GEOCODER = env_str("COMPTOIR_GEOCODER", "comptoir.lib.geo.PostcodeCentroidGeocoder")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
