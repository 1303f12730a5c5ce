"""Keep the database's query planner informed."""

from django.db import connection


def database_optimize() -> str:
    """Refresh planner statistics; returns what was run.

    SQLite keeps no statistics until ANALYZE runs: without them it picks the workspace index
    over the selective ones and searches scan the whole base. PostgreSQL's autovacuum
    already analyzes, an explicit ANALYZE only makes it current after a large import.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=2000")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
            return "ANALYZE (SQLite, analysis_limit=2000)"
        cursor.execute("ANALYZE")
        return "ANALYZE"
