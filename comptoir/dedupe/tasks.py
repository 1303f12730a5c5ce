"""Background dedupe: a scan of the whole base, started from the review queue."""

from huey.contrib.djhuey import db_task

from comptoir.dedupe.services import scan_run


@db_task()
def scan_run_task(job_id: int) -> None:
    scan_run(job_id=job_id)
