"""Run one step of an import in its own process, on the database of ``COMPTOIR_VAR_DIR``.

Used by test_resume.py: ``setup <csv>`` creates the workspace and the job, ``run`` processes
it (with ``--stall-at N`` it stops inside batch N before committing, so that the test can
kill it with SIGKILL), ``resume`` prints the counts left by the killed process, takes the
interrupted job up again and prints the counts at the end.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.imports.tests.killable_settings"
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command

    from comptoir.accounts.models import Role
    from comptoir.accounts.services import user_create, workspace_create
    from comptoir.imports import engine, services
    from comptoir.imports.models import ImportJob

    step = argv[0]
    if step == "setup":
        call_command("migrate", run_syncdb=True, verbosity=0)
        workspace = workspace_create(name="Duret", slug="duret")
        user = user_create(
            workspace=workspace, email="claire@duret.example", password="x", role=Role.AGENT
        )
        job = services.job_create(
            by=user,
            file_name="clients.csv",
            content=Path(argv[1]).read_bytes(),
            kind="people",
            source="ERP MDE",
        )
        ImportJob.objects.filter(pk=job.pk).update(status="queued")
        print(job.pk)
        return
    job_id = ImportJob.objects.get().pk
    if step == "run":
        stall_at = int(argv[argv.index("--stall-at") + 1]) if "--stall-at" in argv else 0
        marker = Path(argv[argv.index("--marker") + 1]) if "--marker" in argv else None
        original = engine.Importer.process
        calls = {"n": 0}

        def process(self, batch, outcome):  # type: ignore[no-untyped-def]
            original(self, batch, outcome)
            calls["n"] += 1
            if calls["n"] == stall_at and marker is not None:
                marker.write_text("stalled")  # rows written, transaction still open
                time.sleep(120)

        engine.Importer.process = process  # type: ignore[method-assign]
        services.job_process(job_id, batch_size=50)
    elif step == "resume":
        print(json.dumps(_report(job_id)))
        services.job_process(job_id, batch_size=50, stale_after=dt.timedelta(0))
        print(json.dumps(_report(job_id)))


def _report(job_id: int) -> dict[str, object]:
    from comptoir.contacts.models import ContactPoint, Person
    from comptoir.imports.models import ImportedRecord, ImportJob

    job = ImportJob.objects.get(pk=job_id)
    return {
        "status": job.status,
        "rows_done": job.rows_done,
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "errors": job.error_count,
        "people": Person.objects.count(),
        "distinct_people": Person.objects.values("search_name", "postcode").distinct().count(),
        "points": ContactPoint.objects.count(),
        "records": ImportedRecord.objects.count(),
    }


if __name__ == "__main__":
    main(sys.argv[1:])
