"""Periodic jobs: surveys whose delay has passed, and forgetting expired codes and sessions."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.portal.services import portal_cleanup, surveys_send_due


@db_periodic_task(crontab(minute="*/5"))
def surveys_send_due_task() -> int:
    return surveys_send_due()


@db_periodic_task(crontab(minute="17", hour="3"))
def portal_cleanup_task() -> int:
    return portal_cleanup()
