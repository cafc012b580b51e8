"""The full-text index, in the database itself, kept in step with articles by triggers.

One row per article whose status is "ok": its headline, its text (the first
BODY_CHARS characters: a live blog must not weigh a hundred times a report), its
source's name and its tags. Triggers on articles, article tags and sources keep it
current whatever writes them (the pipeline, the admin, a bulk insert, a bench fill).

- SQLite: an FTS5 table `search_fts` (unicode61 tokenizer, diacritics folded, words
  reduced by the Porter stemmer so "winds" finds "wind": English rules, but applied alike
  to text and query, they only merge a few word forms in other languages). It keeps
  its own copy of the text: an external-content table would need the exact old values
  of the source name and tags to remove a row, which triggers on three tables cannot
  give reliably. A second, `search_heads`, holds the headline, tags and source name
  alone (see HEADS_SQL).
- PostgreSQL: a table `search_document` (article id, tsvector, and `heads`, the tsvector
  of the headline, tags and source name alone), each with a GIN index; each
  article's words are stemmed with the text search configuration of its language where
  the server has one, 'simple' otherwise (see `CONFIGS`).

An update that leaves the indexed columns as they were (the pipeline saving a timestamp)
does not touch the index.

`install()` is idempotent: the migration runs it, and so does every `migrate`
(post_migrate), because SQLite drops a table's triggers when Django rebuilds the table
to alter a column; when a trigger was missing the index is rebuilt from the articles.
"""

from __future__ import annotations

import logging

log = logging.getLogger("broadsheet.search")

BODY_CHARS = 20000

# ISO 639-1 code → PostgreSQL text search configuration (those shipped with PostgreSQL 15+).
CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}

SQLITE_TRIGGERS = ("search_article_ai", "search_article_au", "search_article_ad", "search_tag_ai",
                   "search_tag_ad", "search_source_au")

# The text of the visible articles matching `{where}`, as indexed: everything in search_fts,
# the short columns again in search_heads (see HEADS_SQL).
_SQLITE_ROW = """
INSERT INTO {table} (rowid, title, {body}source, tags)
SELECT a.id, a.title, {body_value}s.name,
       (SELECT group_concat(t.name, ' ') FROM enrich_articletag x JOIN enrich_tag t ON t.id = x.tag_id
        WHERE x.article_id = a.id)
FROM articles_article a JOIN sources_source s ON s.id = a.source_id
WHERE {where} AND a.status = 'ok';
"""


def _sqlite_rows(where: str) -> str:
    return (_SQLITE_ROW.format(table="search_fts", body="body, ", body_value=f"substr(a.body, 1, {BODY_CHARS}), ",
                               where=where)
            + _SQLITE_ROW.format(table="search_heads", body="", body_value="", where=where))


def _sqlite_delete(where: str) -> str:
    return f"DELETE FROM search_fts WHERE {where}; DELETE FROM search_heads WHERE {where};"


def _sqlite_reindex(article_id: str) -> str:
    return _sqlite_delete(f"rowid = {article_id}") + _sqlite_rows(f"a.id = {article_id}")


# search_heads: the headline, tags and source name alone, in an index of their own, so that
# "every word in the headline (or tags, or source)" is found newest first however far back
# it is (search/backends.py): in search_fts a word common in texts but rare in headlines
# has a long list of rows to walk through for the few whose headline holds it; here its
# list holds only those. The short columns' copy is small beside the texts'.
HEADS_SQL = ("CREATE VIRTUAL TABLE IF NOT EXISTS search_heads USING fts5("
             "title, tags, source, tokenize = 'porter unicode61 remove_diacritics 2')")


SQLITE_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, source, tags, tokenize = 'porter unicode61 remove_diacritics 2')",
    HEADS_SQL,
    f"""CREATE TRIGGER search_article_ai AFTER INSERT ON articles_article WHEN new.status = 'ok'
        BEGIN {_sqlite_rows("a.id = new.id")} END""",
    f"""CREATE TRIGGER search_article_au
        AFTER UPDATE OF title, body, status, source_id ON articles_article
        WHEN (old.status = 'ok' OR new.status = 'ok')
          AND (old.title IS NOT new.title OR old.body IS NOT new.body OR old.status IS NOT new.status
               OR old.source_id IS NOT new.source_id)
        BEGIN {_sqlite_delete("rowid = old.id")} {_sqlite_reindex("new.id")} END""",
    f"""CREATE TRIGGER search_article_ad AFTER DELETE ON articles_article WHEN old.status = 'ok'
        BEGIN {_sqlite_delete("rowid = old.id")} END""",
    f"""CREATE TRIGGER search_tag_ai AFTER INSERT ON enrich_articletag
        BEGIN {_sqlite_reindex("new.article_id")} END""",
    f"""CREATE TRIGGER search_tag_ad AFTER DELETE ON enrich_articletag
        BEGIN {_sqlite_reindex("old.article_id")} END""",
    f"""CREATE TRIGGER search_source_au AFTER UPDATE OF name ON sources_source
        BEGIN
          {_sqlite_delete("rowid IN (SELECT id FROM articles_article WHERE source_id = new.id AND status = 'ok')")}
          {_sqlite_rows("a.source_id = new.id")}
        END""",
]


def _pg_config_case(available: set[str]) -> str:
    """SQL mapping a language code (`lang`) to a configuration the server has, 'simple' otherwise."""
    arms = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in sorted(CONFIGS.items()) if name in available)
    return f"(CASE split_part(lower(coalesce(lang, '')), '-', 1) {arms} ELSE 'simple' END)::regconfig"


def _pg_sql(available: set[str], unaccent: bool) -> list[str]:
    fold = "unaccent($1)" if unaccent else "$1"
    return [
        # Accents folded (café = cafe) where the unaccent extension could be created.
        f"CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT {fold} $$",
        """CREATE TABLE IF NOT EXISTS search_document (
             article_id bigint PRIMARY KEY,
             document tsvector NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS search_document_gin ON search_document USING gin (document)",
        # The headline, tags and source name alone (the document less its text), as search_heads
        # on SQLite: "every word in the headline" found through its own GIN index.
        "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS heads tsvector",
        "CREATE INDEX IF NOT EXISTS search_document_heads_gin ON search_document USING gin (heads)",
        f"""CREATE OR REPLACE FUNCTION search_config(lang text) RETURNS regconfig
            LANGUAGE sql IMMUTABLE AS $$ SELECT {_pg_config_case(available)} $$""",
        f"""CREATE OR REPLACE FUNCTION search_reindex(aid bigint) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
              DELETE FROM search_document WHERE article_id = aid;
              INSERT INTO search_document (article_id, heads, document)
              SELECT id, heads, heads || body FROM (
                SELECT a.id,
                       setweight(to_tsvector(search_config(a.language), search_fold(coalesce(a.title, ''))), 'A')
                    || setweight(to_tsvector(search_config(a.language), coalesce(
                         (SELECT string_agg(t.name, ' ' ORDER BY x.id) FROM enrich_articletag x JOIN enrich_tag t ON t.id = x.tag_id
                          WHERE x.article_id = a.id), '')), 'B')
                    || setweight(to_tsvector('simple', search_fold(s.name)), 'C') AS heads,
                       setweight(to_tsvector(search_config(a.language), search_fold(left(a.body, {BODY_CHARS}))), 'D') AS body
                FROM articles_article a JOIN sources_source s ON s.id = a.source_id
                WHERE a.id = aid AND a.status = 'ok') AS x;
            END $$""",
        """CREATE OR REPLACE FUNCTION search_article_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN DELETE FROM search_document WHERE article_id = OLD.id; RETURN NULL; END IF;
              IF TG_OP = 'UPDATE' AND ((NEW.status <> 'ok' AND OLD.status <> 'ok')
                  OR (NEW.title IS NOT DISTINCT FROM OLD.title AND NEW.body IS NOT DISTINCT FROM OLD.body
                      AND NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.language IS NOT DISTINCT FROM OLD.language
                      AND NEW.source_id IS NOT DISTINCT FROM OLD.source_id)) THEN RETURN NULL; END IF;
              PERFORM search_reindex(NEW.id);
              RETURN NULL;
            END $$""",
        """CREATE OR REPLACE FUNCTION search_tag_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN PERFORM search_reindex(OLD.article_id);
              ELSE PERFORM search_reindex(NEW.article_id); END IF;
              RETURN NULL;
            END $$""",
        """CREATE OR REPLACE FUNCTION search_source_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM search_reindex(id) FROM articles_article WHERE source_id = NEW.id AND status = 'ok';
              RETURN NULL;
            END $$""",
        """CREATE OR REPLACE FUNCTION search_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN TRUNCATE search_document; RETURN NULL; END $$""",
        "DROP TRIGGER IF EXISTS search_article ON articles_article",
        """CREATE TRIGGER search_article AFTER INSERT OR DELETE OR UPDATE OF title, body, status, language, source_id
           ON articles_article FOR EACH ROW EXECUTE FUNCTION search_article_trigger()""",
        "DROP TRIGGER IF EXISTS search_article_truncate ON articles_article",
        """CREATE TRIGGER search_article_truncate AFTER TRUNCATE ON articles_article
           FOR EACH STATEMENT EXECUTE FUNCTION search_truncate_trigger()""",
        "DROP TRIGGER IF EXISTS search_tag ON enrich_articletag",
        """CREATE TRIGGER search_tag AFTER INSERT OR DELETE ON enrich_articletag
           FOR EACH ROW EXECUTE FUNCTION search_tag_trigger()""",
        "DROP TRIGGER IF EXISTS search_source ON sources_source",
        """CREATE TRIGGER search_source AFTER UPDATE OF name ON sources_source
           FOR EACH ROW EXECUTE FUNCTION search_source_trigger()""",
    ]


def _unaccent(cursor) -> bool:
    """Create the unaccent extension if the server has it (a trusted extension: no superuser needed)."""
    cursor.execute("SELECT installed_version FROM pg_available_extensions WHERE name = 'unaccent'")
    row = cursor.fetchone()
    if row is None:
        return False
    if row[0] is None:
        cursor.execute("SAVEPOINT search_unaccent")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        except Exception as error:  # a role that may not create it: accents are then kept
            cursor.execute("ROLLBACK TO SAVEPOINT search_unaccent")
            log.warning("search: could not create the unaccent extension (%s); accents are not folded", error)
            return False
    return True


def install(connection) -> bool:
    """Create what is missing; rebuild the index when its triggers were missing. True if rebuilt."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'")
            missing = set(SQLITE_TRIGGERS) - {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'search_heads'")
            heads_missing = not cursor.fetchone()[0]
            for name in SQLITE_TRIGGERS:  # recreated, so a changed definition takes effect
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for statement in SQLITE_SQL:
                cursor.execute(statement)
            if heads_missing and not missing:
                # An index made before search_heads: its short columns copied from search_fts
                # (the same text, no joins; about a minute at a million articles).
                cursor.execute("INSERT INTO search_heads (rowid, title, tags, source) "
                               "SELECT rowid, title, tags, source FROM search_fts")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'search_%'")
            missing = {"search_article", "search_tag", "search_source"} - {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'search_document' "
                           "AND column_name = 'heads' AND table_schema = current_schema()")
            if not cursor.fetchone()[0]:  # an index made before `heads`: made again with it
                missing.add("heads")
            cursor.execute("SELECT cfgname FROM pg_ts_config")
            available = {row[0] for row in cursor.fetchall()}
            for statement in _pg_sql(available, _unaccent(cursor)):
                cursor.execute(statement)
        else:
            return False
    if missing:
        rebuild(connection)
        return True
    return False


# Every visible article's document in one INSERT … SELECT, made as search_reindex() makes it,
# the tags of all articles gathered in one GROUP BY instead of a subquery each: calling
# search_reindex() once per article (a plpgsql call each) had not finished 100k articles in
# 30 minutes. tests/search/test_rebuild.py holds the two to the same documents.
PG_BODY_DOCUMENT = f"setweight(to_tsvector(search_config(a.language), search_fold(left(a.body, {BODY_CHARS}))), 'D')"


def pg_rebuild_statement(body_document: str = PG_BODY_DOCUMENT) -> str:
    """The INSERT … SELECT; `body_document` is the expression of an article's body part
    (bench/fill.py passes a lookup of bodies it made once each)."""
    return f"""
    INSERT INTO search_document (article_id, heads, document)
    SELECT id, heads, heads || body FROM (
    SELECT a.id,
           setweight(to_tsvector(search_config(a.language), search_fold(coalesce(a.title, ''))), 'A')
        || setweight(to_tsvector(search_config(a.language), coalesce(t.names, '')), 'B')
        || setweight(to_tsvector('simple', search_fold(s.name)), 'C') AS heads,
           {body_document} AS body
    FROM articles_article a
    JOIN sources_source s ON s.id = a.source_id
    LEFT JOIN (SELECT x.article_id, string_agg(g.name, ' ' ORDER BY x.id) AS names
               FROM enrich_articletag x JOIN enrich_tag g ON g.id = x.tag_id GROUP BY x.article_id) t
      ON t.article_id = a.id
    WHERE a.status = 'ok') AS x"""


def rebuild(connection) -> int:
    """Index every visible article afresh; returns how many rows the index holds."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("DELETE FROM search_heads")
            for statement in _sqlite_rows("1").split(";"):
                if statement.strip():
                    cursor.execute(statement)
            cursor.execute("SELECT count(*) FROM search_fts")
        else:
            cursor.execute("TRUNCATE search_document")
            cursor.execute(pg_rebuild_statement())
            cursor.execute("SELECT count(*) FROM search_document")
        count = cursor.fetchone()[0]
    if count:
        log.info("search index rebuilt: %d articles", count)
    return count
