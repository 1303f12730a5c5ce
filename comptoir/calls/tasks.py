"""Background jobs of calls: close the calls whose end the PBX never sent."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from comptoir.calls.services import calls_close_stale


@db_periodic_task(crontab(minute="*/15"))
def calls_close_stale_task() -> int:
    """A call still ringing or answered four hours on is closed (missed if never answered)."""
    return calls_close_stale()
