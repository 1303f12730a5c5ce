"""Periodic upkeep of live events."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.live.services import live_events_prune


@db_periodic_task(crontab(minute="*/5"))
def live_events_prune_task() -> None:
    live_events_prune()
