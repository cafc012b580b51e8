"""The article's time on its tag rows (ArticleTag.published), kept by the database.

A tag's page lists its newest articles' stories; with the time on the tag rows that is one
index range read in order and cut after a page, whatever the tag's size. Triggers keep the
copy right on every write path (the pipeline, `reextract`, the admin, a QuerySet.update, a
bulk fill): a row inserted without a time takes its article's, and a change of an article's
time is written to its rows. After a migrate they are made again (apps.py): SQLite drops a
table's triggers when Django rebuilds the table.
"""

from __future__ import annotations

SQLITE_TRIGGERS = ("articletag_time_ai", "article_time_au")

SQLITE_SQL = [
    """CREATE TRIGGER articletag_time_ai AFTER INSERT ON enrich_articletag WHEN new.published IS NULL
        BEGIN
          UPDATE enrich_articletag SET published = (SELECT published FROM articles_article WHERE id = new.article_id)
          WHERE id = new.id;
        END""",
    """CREATE TRIGGER article_time_au AFTER UPDATE OF published ON articles_article
        WHEN old.published IS NOT new.published
        BEGIN UPDATE enrich_articletag SET published = new.published WHERE article_id = new.id; END""",
]

PG_SQL = [
    """CREATE OR REPLACE FUNCTION articletag_time() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.published := (SELECT published FROM articles_article WHERE id = NEW.article_id);
      RETURN NEW;
    END $$""",
    "DROP TRIGGER IF EXISTS articletag_time ON enrich_articletag",
    """CREATE TRIGGER articletag_time BEFORE INSERT ON enrich_articletag
        FOR EACH ROW WHEN (NEW.published IS NULL) EXECUTE FUNCTION articletag_time()""",
    """CREATE OR REPLACE FUNCTION article_time() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE enrich_articletag SET published = NEW.published WHERE article_id = NEW.id;
      RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS article_time ON articles_article",
    """CREATE TRIGGER article_time AFTER UPDATE OF published ON articles_article
        FOR EACH ROW WHEN (OLD.published IS DISTINCT FROM NEW.published) EXECUTE FUNCTION article_time()""",
]

# Every row's time in one set-based statement (the migration; ~3 rows an article). On SQLite the
# articles' (id, published) come from a scan of an index that holds both, not from the table's
# rows (body and vector: the database's largest), and the tag rows are updated in their order.
SQLITE_FILL = """UPDATE enrich_articletag SET published = a.published
    FROM (SELECT id, published FROM articles_article) AS a
    WHERE a.id = enrich_articletag.article_id AND enrich_articletag.published IS NULL"""
PG_FILL = """UPDATE enrich_articletag t SET published = a.published FROM articles_article a
    WHERE a.id = t.article_id AND t.published IS NULL"""


def install(connection) -> None:
    """Create (or recreate, so a changed definition takes effect) the triggers; none while the
    column is not there (a database migrated back before it)."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if not {"enrich_articletag", "articles_article"} <= tables:
            return
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "enrich_articletag")}
    if "published" not in columns:
        uninstall(connection)
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for statement in SQLITE_SQL:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            for statement in PG_SQL:
                cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS articletag_time ON enrich_articletag")
            cursor.execute("DROP TRIGGER IF EXISTS article_time ON articles_article")
            cursor.execute("DROP FUNCTION IF EXISTS articletag_time()")
            cursor.execute("DROP FUNCTION IF EXISTS article_time()")


def fill(connection) -> int:
    """Set the time of every tag row that has none; returns how many rows were set."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_FILL if connection.vendor == "sqlite" else PG_FILL)
        return cursor.rowcount
