"""Fast bulk fill for the scale benches (bench/serve.py): raw executemany of each model's
own column values, with the big tables' secondary indexes and the search triggers set
aside until the rows are in.

Why not bulk_create: on SQLite it caps a statement at the variable limit and builds one
INSERT per batch through the ORM's compiler; the search triggers then re-index an article
once per tag row (four FTS writes an article), and every secondary index is updated
row by row in random order. Building the indexes and the search index once at the end,
from sorted data, is what turns a 1M fill from an hour into minutes.

Rows are dicts of the columns the bench sets; every other column takes its model's
default (a blank instance's values, prepared by each field once), so a field another
branch adds with a default is filled too.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

BIG_TABLES = ("articles_article", "stories_member", "stories_related", "stories_story", "enrich_articletag",
              "enrich_articleenrichment")


_PLAIN = {str, int, float, bool, bytes, type(None)}


def insert(model, rows: list[dict]) -> None:
    """INSERT rows given as {attname: value} (primary key included) in one executemany; every
    other column takes the model's default, computed once from a blank instance."""
    from django.db import DEFAULT_DB_ALIAS, connections

    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy
    fields = model._meta.local_concrete_fields
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    blank = model()
    defaults = [f.get_db_prep_save(f.pre_save(blank, True), connection) for f in fields]
    where = {f.attname: i for i, f in enumerate(fields)}
    prep = {f.attname: f for f in fields}

    def value(name, found):
        # Plain values go as they are (the field's preparation returns them unchanged; doing it
        # anyway was most of the fill's time). Dates, JSON and the like go through the field.
        return found if type(found) in _PLAIN else prep[name].get_db_prep_save(found, connection)

    out = []
    for row in rows:
        values = defaults.copy()
        for name, found in row.items():
            values[where[name]] = value(name, found)
        out.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, out)


def _sqlite_indexes(cursor) -> list[tuple[str, str]]:
    marks = ", ".join("?" for _ in BIG_TABLES)
    cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                   f"AND tbl_name IN ({marks})", BIG_TABLES)
    return cursor.fetchall()


def _pg_indexes(cursor) -> list[tuple[str, str]]:
    # Not those behind a primary key or unique constraint (they cannot be dropped alone).
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
                   "(SELECT conname FROM pg_constraint)", [list(BIG_TABLES)])
    return cursor.fetchall()


PG_TRIGGERS = (("search_article", "articles_article"), ("search_tag", "enrich_articletag"),
               ("search_source", "sources_source"))


@contextmanager
def bulk_mode():
    """Secondary indexes and search triggers off while filling; rebuilt (and ANALYZEd) after."""
    from django.db import connection

    from broadsheet.search import schema

    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            # WAL stays the file's mode; a crash mid-fill leaves a half-filled bench database
            # that the next run refills, so durability is not needed here.
            for pragma in ("synchronous=OFF", "cache_size=-1000000", "foreign_keys=OFF", "temp_store=MEMORY"):
                cursor.execute(f"PRAGMA {pragma}")
            indexes = _sqlite_indexes(cursor)
            for name in schema.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            indexes = _pg_indexes(cursor)
            # Disabled, not dropped: install() below then finds them and does not rebuild the
            # index; schema.rebuild() below does, once, in one statement.
            for name, table in PG_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for _, sql in indexes:
            cursor.execute(sql)
    print(f"  {len(indexes)} indexes built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    schema.install(connection)  # triggers back (SQLite: and the search index rebuilt in one pass)
    if not sqlite:
        schema.rebuild(connection)
    print(f"  search index built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if sqlite:  # statistics from a sample of each index, as PRAGMA optimize takes them
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
        if sqlite:
            cursor.execute("PRAGMA foreign_keys=ON")
    print(f"  ANALYZE in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
