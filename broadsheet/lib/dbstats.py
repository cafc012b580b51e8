"""Planner statistics, kept fresh by the scheduler.

SQLite plans from `sqlite_stat1`, which only ANALYZE writes. A site that grows from nothing
never gets it (migrations don't analyze), so its plans would be guesses that no bench
measured; and the `PRAGMA optimize` of SQLite 3.40 (Debian bookworm's) leaves tables that
were never analyzed alone. So the scheduler runs a sampled ANALYZE of the models' tables
every hour: with `analysis_limit` each index is read for about a thousand rows (at a
million articles 0.1-0.2 s, where a full ANALYZE takes a minute and holds the write lock).

PostgreSQL's autovacuum analyzes on its own, unless it is turned off (as on some managed or
hand-tuned servers): then the same hourly step runs ANALYZE, which samples each table and
blocks neither readers nor writers.
"""

from __future__ import annotations

from django.db import connection

ROWS_SAMPLED = 1000


def refresh() -> bool:
    """Refresh the planner's statistics where nothing else does; True when it ran."""
    tables = [connection.ops.quote_name(t) for t in connection.introspection.django_table_names(only_existing=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW autovacuum")
            if cursor.fetchone()[0] == "on":
                return False
            cursor.execute(f"ANALYZE {', '.join(tables)}")
            return True
        if connection.vendor != "sqlite":
            return False
        cursor.execute(f"PRAGMA analysis_limit={ROWS_SAMPLED}")
        for table in tables:  # not the search index's tables: nothing plans from them, and
            # ANALYZE counts the rows of a table without an index by reading it whole
            # (3.7 s of the 3.8 at a million articles)
            cursor.execute(f"ANALYZE {table}")
    return True
