"""kill -9 in the middle of an import: no half-written rows, and the job resumes where the
last committed batch left it, ending with the counts of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from comptoir.contacts.models import Person
from comptoir.imports.tests.helpers import csv_bytes, run_import

ROOT = Path(__file__).resolve().parents[3]


def _file() -> bytes:
    lines = ["Réf client|Nom|Prénom|CP|Ville|Portable|E-mail"]
    for n in range(230):
        lines.append(
            f"C{n:04d}|DURAND{n}|Élodie|74000|Annecy|06 {n // 100:02d} {n % 100:02d} 11 22|"
            f"e{n}@exemple.fr"
        )
    lines.append("C9999||Sans nom|74000|Annecy||")  # an error: no last name
    return csv_bytes(lines)


def _step(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COMPTOIR_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "comptoir.imports.tests.killable_settings",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "comptoir.imports.tests.killable", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_killed_import_resumes_without_twins(tmp_path, agent):
    source = tmp_path / "clients.csv"
    source.write_bytes(_file())
    var = tmp_path / "var"
    _step(var, "setup", str(source))

    marker = tmp_path / "stalled"
    env = {
        **os.environ,
        "COMPTOIR_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "comptoir.imports.tests.killable_settings",
    }
    env.pop("DATABASE_URL", None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "comptoir.imports.tests.killable",
            "run",
            "--stall-at",
            "3",
            "--marker",
            str(marker),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert worker.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()

    interrupted, resumed = (json.loads(line) for line in _step(var, "resume").stdout.splitlines())
    assert interrupted["status"] == "running"
    assert interrupted["rows_done"] == 100  # two batches of 50 committed, the third lost
    assert interrupted["people"] == 100 == interrupted["records"]

    clean = run_import(agent, _file(), source="ERP MDE", batch_size=50)
    expected = {
        "status": clean.status,
        "rows_done": clean.rows_done,
        "created": clean.created_count,
        "updated": clean.updated_count,
        "skipped": clean.skipped_count,
        "errors": clean.error_count,
        "people": Person.objects.filter(workspace=agent.workspace).count(),
    }
    assert (
        {k: resumed[k] for k in expected}
        == expected
        == {
            "status": "done",
            "rows_done": 231,
            "created": 230,
            "updated": 0,
            "skipped": 0,
            "errors": 1,
            "people": 230,
        }
    )
    assert resumed["distinct_people"] == 230  # no twin
    assert resumed["points"] == 460 and resumed["records"] == 230
