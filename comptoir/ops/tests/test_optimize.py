import datetime as dt

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from comptoir.ops.tasks import database_optimize_task


def test_optimize_gives_sqlite_statistics_to_the_planner(db):
    # Looked up by name: ops sits beside accounts and does not import it.
    Workspace = apps.get_model("accounts", "Workspace")
    Workspace.objects.create(name="Duret Électricité", slug="duret")
    call_command("ops_optimize")
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'accounts_workspace'")
        assert cursor.fetchall()


def test_the_worker_runs_it_every_night_at_3_20():
    task = database_optimize_task.task_class()
    assert task.validate_datetime(dt.datetime(2026, 11, 23, 3, 20))
    assert not task.validate_datetime(dt.datetime(2026, 11, 23, 14, 20))
