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

    if connection.vendor == "postgresql":
        _copy(connection, model._meta.db_table, [f.column for f in fields], defaults, where, value, rows)
        return
    out = []
    for row in rows:
        values = defaults.copy()
        for name, found in row.items():
            values[where[name]] = value(name, found)
        out.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, out)


def _copy(connection, table: str, columns: list[str], defaults: list, where: dict, value, rows: list[dict]) -> None:
    """PostgreSQL: the same rows through one binary COPY (executemany sends a statement a row:
    at 100k articles the rows took 382 s). A key of a row that is not a field of the model is a
    column outside it, sent as is: `vector` of stories_member (a numpy array, in pgvector's
    binary form)."""
    import psycopg
    from pgvector.psycopg.vector import register_vector_info
    from psycopg.types import TypeInfo

    extra = [k for k in rows[0] if k not in where]
    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)  # its own adapters: the vector's dumper stays here
    if extra:
        register_vector_info(cursor, TypeInfo.fetch(connection.connection, "vector"))
    names = [*columns, *extra]
    cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                   [table])
    oids = dict(cursor.fetchall())
    quoted = ", ".join(connection.ops.quote_name(c) for c in names)
    with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([oids[c] for c in names])
        for row in rows:
            values = defaults.copy()
            for name, found in row.items():
                if name in where:
                    values[where[name]] = value(name, found)
            copy.write_row([*values, *(row[k] for k in extra)])


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


PG_MAINTENANCE_MEM = "3GB"


def _pg_sequences(cursor) -> None:
    """Identity sequences past the ids the fill wrote itself (COPY does not move them)."""
    cursor.execute("SELECT table_name, pg_get_serial_sequence(table_name, 'id') FROM information_schema.columns "
                   "WHERE column_name = 'id' AND table_schema = current_schema() AND table_name = ANY(%s)",
                   [[*BIG_TABLES, "sources_source", "enrich_tag"]])
    for table, sequence in cursor.fetchall():
        if sequence:
            cursor.execute(f"SELECT setval(%s, coalesce((SELECT max(id) FROM {table}), 0) + 1, false)", [sequence])


PG_TRIGGERS = (("search_article", "articles_article"), ("search_tag", "enrich_articletag"),
               ("search_source", "sources_source"))


def rebuild_pg_search(connection) -> int:
    """The PostgreSQL search index rebuilt in one INSERT … SELECT, each article's document
    made as `search_reindex()` makes it: `schema.rebuild()`'s statement (the tags of all
    articles gathered in one GROUP BY), with the bench's own shortcut below.
    tests/search/test_rebuild.py holds it to the triggers' documents.

    The body's part (weight D, most of the work: to_tsvector over up to BODY_CHARS) is made
    once per distinct (configuration, body) and looked up: the same expression of the same
    inputs, so the same document, and the bench's bodies repeat (at 100k the per-article
    rebuild took 455 s). The GIN index is built after the rows, not entry by entry."""
    from broadsheet.search.schema import BODY_CHARS, pg_rebuild_statement

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE search_document")
        # Statistics first: without them (a fresh fill) the planner guessed one row from the
        # bodies' join and re-ran the tags' GROUP BY for every article (20k: over 9 minutes).
        cursor.execute("ANALYZE articles_article, sources_source, enrich_articletag, enrich_tag")
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_document' "
                       "AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        # Distinct bodies found by their md5, one article standing for each, in a scratch table
        # that each article looks its body's part up in. ANALYZE keeps no statistics of values
        # over 1 kB, so the planner takes every body as distinct: grouped or joined on the text
        # (or as a join at all), it sorted or hashed the whole table's bodies on disk at 1M.
        cursor.execute(f"""
            CREATE TEMP TABLE search_bodies AS
            SELECT u.cfg, u.hash, setweight(to_tsvector(u.cfg, search_fold(left(a.body, {BODY_CHARS}))), 'D') AS document
            FROM (SELECT search_config(language) AS cfg, md5(body) AS hash, min(id) AS id
                  FROM articles_article WHERE status = 'ok' GROUP BY 1, 2) AS u
            JOIN articles_article a ON a.id = u.id""")
        cursor.execute("CREATE INDEX ON search_bodies (hash)")
        cursor.execute(pg_rebuild_statement(
            "(SELECT b.document FROM search_bodies b WHERE b.hash = md5(a.body) AND b.cfg = search_config(a.language))"))
        done = cursor.rowcount
        cursor.execute("DROP TABLE search_bodies")
        cursor.execute(f"SET maintenance_work_mem = '{PG_MAINTENANCE_MEM}'")
        for _, sql in indexes:
            cursor.execute(sql)
        cursor.execute("RESET maintenance_work_mem")
        return done


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
            # index one article at a time (a plpgsql call each); rebuild_pg_search() does it in one.
            for name, table in PG_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if not sqlite:
            # Enough for pgvector's HNSW graph of stories_member (1M × 384-d ≈ 1.5 GB of vectors):
            # when the graph outgrows it, the build goes on many times slower.
            cursor.execute(f"SET maintenance_work_mem = '{PG_MAINTENANCE_MEM}'")
        for name, sql in indexes:
            t1 = time.perf_counter()
            cursor.execute(sql)
            if time.perf_counter() - t1 > 10:
                print(f"    {name}: {time.perf_counter() - t1:.0f} s", file=sys.stderr, flush=True)
        if not sqlite:
            cursor.execute("RESET maintenance_work_mem")
            _pg_sequences(cursor)
    print(f"  {len(indexes)} indexes built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    schema.install(connection)  # triggers back (SQLite: and the search index rebuilt in one pass)
    if not sqlite:
        rebuild_pg_search(connection)
    print(f"  search index built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if sqlite:  # statistics from a sample of each index, as PRAGMA optimize takes them
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
        if sqlite:
            cursor.execute("PRAGMA foreign_keys=ON")
    print(f"  ANALYZE in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
