"""Background work of tickets: warn before a due time passes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.tickets.services import tickets_warn_due


@db_periodic_task(crontab(minute="*"))
def tickets_warn_due_task() -> int:
    """Every minute: warn assignees of first-response or resolution due times about to pass."""
    return tickets_warn_due()
