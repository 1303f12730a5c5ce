"""PostgreSQL: no two confirmed visits of one technician overlap, enforced by the database.

An exclusion constraint over (technician, [starts_at, ends_at)) makes the loser of two
concurrent bookings fail at commit, whatever the application checked before. It needs the
btree_gist extension; where it cannot be created, bookings still serialise on a per-technician
advisory lock taken by the booking service. SQLite serialises writers with immediate
transactions, so the service's own overlap check is enough there.
"""

from django.db import migrations, transaction


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except Exception:  # noqa: BLE001 — no privilege: the advisory lock still serialises
        return
    schema_editor.execute(
        "ALTER TABLE scheduling_visit ADD CONSTRAINT visit_no_overlap EXCLUDE USING gist "
        "(technician_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status = 'confirmed')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE scheduling_visit DROP CONSTRAINT IF EXISTS visit_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
