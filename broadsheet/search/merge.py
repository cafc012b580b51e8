"""Merging the SQLite full-text index's segments, a few pages at a time.

FTS5 keeps an index as segments (b-trees) that a query reads side by side; each write adds
a small one and FTS5 merges them as it goes (automerge), but a bulk fill or a long run
leaves ten or more, and a query on a million articles read them about 10% slower than one
merged segment. FTS5's 'merge' command does the work in steps of at most `pages` pages
written; each step here is its own transaction, so a writer (the pipeline storing an
article) waits at most one step, and the whole call stops after `seconds`, to go on at
the next call (a merge once started is continued by the next step, whoever makes it).

A merge of everything into one segment is started (a negative 'merge') only when more
than MAX_SEGMENTS are found, since it rewrites the whole index: at a million articles,
gigabytes. PostgreSQL's GIN index needs none of this (autovacuum folds its pending list).
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("broadsheet.search")

TABLES = ("search_fts", "search_heads")
MAX_SEGMENTS = 4  # more than this in one index and all of them are merged into one
PAGES = 200  # pages written in one step (of 4 KB: under a second of a writer's wait on a slow disk)
SECONDS = 20.0  # one call's budget


def segments(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx")
    return cursor.fetchone()[0]


def _step(connection, table: str, pages: int) -> bool:
    """One 'merge' of at most |pages| pages in its own transaction; False if there was nothing to do.
    (FTS5 says whether it worked only through the connection's change count: 2 or more if it did.)"""
    raw = connection.connection
    before = raw.total_changes
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('merge', %s)", [pages])
    return raw.total_changes - before >= 2


def merge(connection=None, seconds: float = SECONDS, pages: int = PAGES) -> int:
    """Merge steps taken on the full-text indexes within `seconds` (0 on PostgreSQL)."""
    from django.db import connection as default, transaction

    connection = connection or default
    if connection.vendor != "sqlite":
        return 0
    connection.ensure_connection()
    deadline = time.monotonic() + seconds
    steps = 0
    for table in TABLES:
        with connection.cursor() as cursor:
            many = segments(cursor, table) > MAX_SEGMENTS
        # A positive step continues a merge begun before (here or by the last call) and merges
        # a level of FTS5's own that holds `usermerge` (4) segments; a negative one first puts
        # every segment on one level, so that the steps after it merge them all into one.
        pages_now = -pages if many else pages
        while time.monotonic() < deadline:
            with transaction.atomic(using=connection.alias):
                worked = _step(connection, table, pages_now)
            if not worked:
                break
            steps += 1
            pages_now = pages
    if steps:
        log.info("search index: %d merge steps of up to %d pages", steps, pages)
    return steps
