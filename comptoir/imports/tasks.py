"""Background work of imports: process a job, resume the ones a restart interrupted."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from comptoir.imports import services


@db_task()
def import_job_process_task(job_id: int) -> None:
    services.job_process(job_id)


@db_periodic_task(crontab(minute="*"))
def imports_resume_task() -> None:
    """A worker killed mid-import leaves its job "running": pick it up again."""
    for job_id in services.jobs_to_resume():
        services.job_process(job_id)
