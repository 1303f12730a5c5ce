"""Comptoir's settings on the benchmark's own database (never the dev or production one).

``bench/run.py`` puts the target in ``COMPTOIR_BENCH_DATABASE``: a SQLite file path or a
PostgreSQL URL. Everything else is production-like: DEBUG off, same SQLite pragmas.
"""

import os

import dj_database_url

from comptoir.settings import *  # noqa: F403
from comptoir.settings import VAR_DIR

DEBUG = False
_target = os.environ.get("COMPTOIR_BENCH_DATABASE", str(VAR_DIR / "bench" / "bench.sqlite3"))
if _target.startswith(("postgres://", "postgresql://")):
    DATABASES = {"default": dj_database_url.parse(_target, conn_max_age=600)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _target,
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
