"""Read the enabled mailboxes every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.inbox.services import mailboxes_poll


@db_periodic_task(crontab(minute="*"))
def inbox_poll_task() -> None:
    mailboxes_poll()
