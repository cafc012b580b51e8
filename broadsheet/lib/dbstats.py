"""Planner statistics for the embedded SQLite database, kept fresh by the scheduler.

SQLite plans from `sqlite_stat1`, which only ANALYZE writes. A site that grows from nothing
never gets it (migrations don't analyze), so its plans would be guesses that no bench
measured; and the `PRAGMA optimize` of SQLite 3.40 (Debian bookworm's) leaves tables that
were never analyzed alone. So the scheduler runs a sampled ANALYZE of the models' tables
every hour: with `analysis_limit` each index is read for about a thousand rows (at a
million articles 0.1-0.2 s, where a full ANALYZE takes a minute and holds the write lock).
PostgreSQL's autovacuum analyzes on its own: nothing to do there.
"""

from __future__ import annotations

from django.db import connection

ROWS_SAMPLED = 1000


def refresh() -> bool:
    """Refresh the planner's statistics when the database is SQLite; True when it ran."""
    if connection.vendor != "sqlite":
        return False
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ROWS_SAMPLED}")
        for table in tables:  # not the search index's tables: nothing plans from them, and
            # ANALYZE counts the rows of a table without an index by reading it whole
            # (3.7 s of the 3.8 at a million articles)
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return True
