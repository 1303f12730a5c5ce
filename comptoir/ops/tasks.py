"""Periodic upkeep run by the Huey worker that `make run` starts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.ops.services import database_optimize


@db_periodic_task(crontab(hour="3", minute="20"))
def database_optimize_task() -> None:
    database_optimize()
