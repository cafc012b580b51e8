"""The two ways to find candidate articles: FTS5 on SQLite, tsvector on PostgreSQL.

Each takes at most CANDIDATES matches, newest rows first, with the filters applied in
the same query (bounding the candidates bounds the work for a word that half the archive
contains), ranks them and keeps each story's best member, all in one SQL statement, and
returns one page of (article id, story id, score) with the number of stories found.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.core.cache import cache
from django.db import connections, router

from broadsheet.search.schema import CONFIGS
from broadsheet.search.terms import fts5_match
from broadsheet.web.languages import Allowed

CANDIDATES = 1000
FILTER_DEPTH = 10_000  # SQLite: matches a filtered search looks through, newest first (see sqlite_ranked)


@dataclass(frozen=True)
class Filters:
    section: str | None = None
    source: int | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    allowed: Allowed | None = None  # the site's languages and the reader's pick (web/languages.py)


def _where(filters: Filters) -> tuple[str, list]:
    sql, params = [], []
    if filters.section:
        sql.append("a.section = %s")
        params.append(filters.section)
    if filters.source:
        sql.append("a.source_id = %s")
        params.append(filters.source)
    if filters.language:
        sql.append("(a.language = %s OR a.language LIKE %s)")
        params += [filters.language, filters.language + "-%"]
    if filters.allowed is not None:
        condition, values = filters.allowed.sql("a.language")
        if condition:
            sql.append(condition)
            params += values
    if filters.since:
        sql.append("a.published >= %s")
        params.append(filters.since)
    if filters.until:
        sql.append("a.published < %s")
        params.append(filters.until)
    return "".join(" AND " + part for part in sql), params


RECENCY_HALF_LIFE_HOURS = 72  # the recent share of the score halves at this age
RECENCY_SHARE = 0.6  # the part of the score that fades with age

# Ranked in the database, on the bounded candidate set `c` (id, rel, published, story):
# relevance scaled to the best candidate's, times 1 - SHARE + SHARE / (1 + age / HALF_LIFE),
# so a close match from last month still outranks a passing mention from this morning;
# then each story's best member only (an article outside any story stands alone).
RANKED = f"""
, s AS (
    SELECT id, story, coalesce(rel / nullif(max(rel) OVER (), 0), 0)
           * ({1 - RECENCY_SHARE} + {RECENCY_SHARE} / (1 + {{age}} / {RECENCY_HALF_LIFE_HOURS})) AS score
    FROM c),
b AS (
    SELECT id, story, score,
           row_number() OVER (PARTITION BY coalesce(story, -id) ORDER BY score DESC, id DESC) AS n
    FROM s)
SELECT id, story, score, count(*) OVER () FROM b WHERE n = 1 ORDER BY score DESC, id DESC LIMIT %s OFFSET %s"""


def reading():
    """The connection a search reads from: the replica in a reader's page view when one is
    configured (lib/replica.py), as the ORM's reads of the results are; else the primary."""
    from broadsheet.articles.models import Article

    return connections[router.db_for_read(Article)]


def _ranked(sql: str, params: list, limit: int, offset: int) -> tuple[list[tuple], int]:
    """([(article id, story id, score)], number of stories among the candidates)."""
    with reading().cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        rows = cursor.fetchall()
    return [(pk, story, float(score)) for pk, story, score, _ in rows], (rows[0][3] if rows else 0)


# Weights of a match in the headline, the tags and the source name over one in the text alone.
TITLE_WEIGHT, TAGS_WEIGHT, SOURCE_WEIGHT = 10.0, 4.0, 2.0


MATERIALIZED = "MATERIALIZED " if sqlite3.sqlite_version_info >= (3, 35) else ""


def _hits(marked: str, n: int) -> str:
    """SQL: the share of the n terms found in a column, from `marked`, the column as highlight()
    returned it with each match marked by char(1) (capped at n, repeats counted)."""
    return f"min(length({marked}) - length(replace({marked}, char(1), '')), {n}) * 1.0 / {n}"


def _marked(column: int) -> str:
    return f"coalesce(highlight(search_fts, {column}, char(1), ''), '')"


def sqlite_ranked(terms: list[str], filters: Filters, limit: int, offset: int, now: datetime) -> tuple[list, int]:
    """The newest CANDIDATES matches (FTS5 walks its index by rowid, newest first, and stops
    there), each scored by where its words are: headline, tags, source name or text only.

    Not bm25(): it weighs each word by how many rows hold it, which FTS5 counts by reading
    the word's whole index entry on every query: at a million articles a common word costs
    a hundred milliseconds before one row is ranked. highlight() on the short columns reads
    only the candidate rows, so the work is bounded by CANDIDATES, not by the table."""
    where, params = _where(filters)
    match = fts5_match(terms)
    floor = []
    if where:
        # A filter drops rows after FTS5 found them: a word in every article with one source's
        # filter (1 in 300) would walk a third of the table for 1,000 candidates. So filters look
        # through the newest FILTER_DEPTH matches only: the rowid of the last is a lower bound
        # FTS5 applies in its own walk (found in the index alone, no row read).
        where += (" AND f.rowid >= coalesce((SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                  f"ORDER BY rowid DESC LIMIT 1 OFFSET {FILTER_DEPTH - 1}), 0)")
        floor = [match]
    n = len(terms)
    rel = (f"1.0 + {TITLE_WEIGHT} * {_hits('t', n)} + {TAGS_WEIGHT} * {_hits('g', n)} "
           f"+ {SOURCE_WEIGHT} * {_hits('o', n)}")
    # highlight() once per column and row: `h` is MATERIALIZED, as SQLite would otherwise copy
    # each column's expression into `rel` where it is named twice (six highlight() calls a row).
    # (The keyword is SQLite 3.35's; an older one computes the same scores the slower way.)
    sql = f"""
        WITH h AS {MATERIALIZED}(
            SELECT f.rowid AS id, {_marked(0)} AS t, {_marked(3)} AS g, {_marked(2)} AS o,
                   a.published AS published, m.story_id AS story
            FROM search_fts f
            JOIN articles_article a ON a.id = f.rowid
            LEFT JOIN stories_member m ON m.article_id = a.id
            WHERE search_fts MATCH %s{where}
            ORDER BY f.rowid DESC LIMIT {CANDIDATES}),
        c AS (SELECT id, {rel} AS rel, published, story FROM h)""" + RANKED.format(
        age="max((julianday(%s) - julianday(published)) * 24, 0)")
    stamp = now.astimezone(dt_timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return _ranked(sql, [match, *params, *floor, stamp], limit, offset)


def _languages() -> list[str]:
    """Language codes of the stored articles (cached: a distinct over the table)."""
    found = cache.get("search:languages")
    if found is None:
        with reading().cursor() as cursor:
            cursor.execute("SELECT DISTINCT language FROM articles_article WHERE status = 'ok'")
            found = sorted({(row[0] or "").split("-")[0].lower() for row in cursor.fetchall()})
        cache.set("search:languages", found, 3600)
    return found


def pg_tsquery(terms: list[str], filters: Filters) -> str | None:
    """One tsquery (as text) requiring each term in any configuration an article may be stemmed with.

    A term is tried with 'simple' and with the configuration of each language the
    articles are in (or only the filtered language). A term that some configuration drops
    as a stop word ('the', German 'die') is left out: the articles of that language
    would not hold it, and requiring it would hide them.
    """
    languages = [filters.language.split("-")[0]] if filters.language else _languages()
    configs = sorted({"simple"} | {CONFIGS[code] for code in languages if code in CONFIGS})
    rows = [(i, cfg, term) for i, term in enumerate(terms) for cfg in configs]
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    with reading().cursor() as cursor:
        cursor.execute(f"SELECT v.i, phraseto_tsquery(v.cfg::regconfig, search_fold(v.term))::text "
                       f"FROM (VALUES {values}) AS v(i, cfg, term)", [x for row in rows for x in row])
        found = cursor.fetchall()
    alternatives: dict[int, set[str]] = {}
    dropped = set()
    for i, text in found:
        if not text:
            dropped.add(i)
        else:
            alternatives.setdefault(i, set()).add(text)
    parts = ["(" + " | ".join(f"({alt})" for alt in sorted(alts)) + ")"
             for i, alts in sorted(alternatives.items()) if i not in dropped]
    return " & ".join(parts) or None


def postgres_ranked(terms: list[str], filters: Filters, limit: int, offset: int, now: datetime) -> tuple[list, int]:
    tsquery = pg_tsquery(terms, filters)
    if tsquery is None:
        return [], 0
    where, params = _where(filters)
    sql = f"""
        WITH c AS (
            SELECT a.id AS id, ts_rank(d.document, q.query, 32) AS rel, a.published AS published, m.story_id AS story
            FROM search_document d CROSS JOIN (SELECT %s::tsquery AS query) q
            JOIN articles_article a ON a.id = d.article_id
            LEFT JOIN stories_member m ON m.article_id = a.id
            WHERE d.document @@ q.query{where}
            ORDER BY d.article_id DESC LIMIT {CANDIDATES})""" + RANKED.format(
        age="greatest(extract(epoch FROM (%s - published)) / 3600, 0)")
    return _ranked(sql, [tsquery, *params, now], limit, offset)


def ranked(terms: list[str], filters: Filters, limit: int, offset: int, now: datetime) -> tuple[list, int]:
    if reading().vendor == "postgresql":
        return postgres_ranked(terms, filters, limit, offset, now)
    return sqlite_ranked(terms, filters, limit, offset, now)
