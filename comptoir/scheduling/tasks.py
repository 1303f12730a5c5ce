"""Background jobs of scheduling: the reminders, checked every minute by the worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.scheduling.notify import reminders_send_due


@db_periodic_task(crontab(minute="*"))
def reminders_send_due_task() -> int:
    """Send the day-before and same-morning reminders that are due."""
    return reminders_send_due()
