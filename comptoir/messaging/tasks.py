"""Deliver messages in the background: once right after commit, then a sweep every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from comptoir.messaging.services import message_deliver, messages_deliver_due


@db_task()
def message_deliver_task(message_id: int) -> None:
    message_deliver(message_id)


@db_periodic_task(crontab(minute="*"))
def messages_deliver_due_task() -> None:
    messages_deliver_due()
