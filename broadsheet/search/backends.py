"""The two ways to find candidate articles: FTS5 on SQLite, tsvector on PostgreSQL.

Each ranks two bounded sets of candidates, with the filters applied in the same query,
in one SQL statement, keeps each story's best member, and returns one page of
(article id, story id, score) with the number of stories found:

- the newest RECENT matches of the words anywhere (bounding them bounds the work for a
  word that half the archive contains: a query with fewer matches has them all ranked);
- the newest HEADS articles holding every word in their headline, tags or source name,
  from an index of those columns alone (search_heads; `heads` on PostgreSQL), however old:
  a reader looking for a story from months ago types the words of its headline, and
  those words are in far fewer headlines than texts, so this walk is short where a walk
  of the whole index back to that story would not be. Such an article's relevance counts
  COMPLETE times.
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

RECENT = 400
HEADS = 100
CANDIDATES = RECENT + HEADS  # the most a query ranks: the deepest a cursor reaches
COMPLETE = 2.0  # every word in the headline, tags or source name: relevance times this
FILTER_DEPTH = 10_000  # SQLite: matches a filtered search looks through, newest first (see sqlite_ranked)
HEADS_FILTER_DEPTH = 300  # the same for the older headline matches (read at random, not side by side)


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


def _marked(table: str, column: int) -> str:
    return f"coalesce(highlight({table}, {column}, char(1), ''), '')"


def _floor(table: str, depth: int, older: str = "") -> str:
    """SQL: the rowid of the `depth`-th newest match in `table` (below `older` if given), 0 if fewer:
    found in the index alone, no row read."""
    below = f" AND rowid < {older}" if older else ""
    return (f"coalesce((SELECT rowid FROM {table} WHERE {table} MATCH %s{below} "
            f"ORDER BY rowid DESC LIMIT 1 OFFSET {depth - 1}), 0)")


def _sqlite_tier(table: str, columns: tuple[int, int, int], where: str, limit: int, lower: str = "",
                 upper: str = "") -> str:
    """SQL: the newest `limit` matches in `table` (search_fts or search_heads) with the filters
    `where`, each with its headline, tags and source name as highlight() marks them (at
    `columns` in that table: the same text, so the same marks, in either); rowids from
    `lower` and below `upper` (SQL) if given: bounds FTS5 applies in its own walk."""
    if lower:
        where += f" AND f.rowid >= {lower}"
    if upper:
        where += f" AND f.rowid < {upper}"
    title, tags, source = (_marked(table, column) for column in columns)
    return f"""
            SELECT f.rowid AS id, {title} AS t, {tags} AS g, {source} AS o, a.published AS published,
                   m.story_id AS story
            FROM {table} f
            JOIN articles_article a ON a.id = f.rowid
            LEFT JOIN stories_member m ON m.article_id = a.id
            WHERE {table} MATCH %s{where}
            ORDER BY f.rowid DESC LIMIT {limit}"""


def sqlite_ranked(terms: list[str], filters: Filters, limit: int, offset: int, now: datetime) -> tuple[list, int]:
    """The newest RECENT matches and the newest HEADS older than those with every word in
    their headline, tags or source name (FTS5 walks each index by rowid, newest first, and
    stops there), each scored by where its words are: headline, tags, source name or text only.

    Not bm25(): it weighs each word by how many rows hold it, which FTS5 counts by reading
    the word's whole index entry on every query: at a million articles a common word costs
    a hundred milliseconds before one row is ranked. highlight() on the short columns reads
    only the candidate rows, so the work is bounded by CANDIDATES, not by the table."""
    where, params = _where(filters)
    match = fts5_match(terms)
    n = len(terms)
    rel = (f"(1.0 + {TITLE_WEIGHT} * {_hits('t', n)} + {TAGS_WEIGHT} * {_hits('g', n)} "
           f"+ {SOURCE_WEIGHT} * {_hits('o', n)}) * (1 + {COMPLETE - 1} * complete)")
    # A filter drops rows after FTS5 found them: a word in every article with one source's filter
    # (1 in 300) would walk a third of the table for 400 candidates. So with a filter `r` looks
    # through the newest FILTER_DEPTH matches only (`reach`, the rowid of the last), and `old`
    # through HEADS_FILTER_DEPTH headline matches below `r` (`heads_reach`: read at random, not
    # side by side as the newest are). Each bound is found once, in the index alone.
    # `old` begins below `bound`: the oldest of `r` if it is full, else what `r` looked through.
    # highlight() once per column and row: `r` and `old` are MATERIALIZED, as SQLite would otherwise
    # copy each column's expression into `rel` where it is named twice (six highlight() calls a
    # row). (The keyword is SQLite 3.35's; an older one computes the same scores the slower way.)
    # Which of `r` have every word in the short columns is read from search_heads' index alone.
    filtered = bool(where)
    sql = f"""
        WITH {f"reach AS {MATERIALIZED}(SELECT {_floor('search_fts', FILTER_DEPTH)} AS v)," if filtered else ""}
        r AS {MATERIALIZED}({_sqlite_tier("search_fts", (0, 3, 2), where, RECENT,
                                          lower="(SELECT v FROM reach)" if filtered else "")}),
        bound AS {MATERIALIZED}(
            SELECT CASE WHEN count(*) = {RECENT} THEN min(id) ELSE {"(SELECT v FROM reach)" if filtered else 0} END AS v
            FROM r),
        {f"heads_reach AS {MATERIALIZED}(SELECT {_floor('search_heads', HEADS_FILTER_DEPTH, '(SELECT v FROM bound)')} AS v),"
         if filtered else ""}
        old AS {MATERIALIZED}({_sqlite_tier("search_heads", (0, 1, 2), where, HEADS, upper="(SELECT v FROM bound)",
                                            lower="(SELECT v FROM heads_reach)" if filtered else "")}),
        whole AS {MATERIALIZED}(
            SELECT rowid AS id FROM search_heads WHERE search_heads MATCH %s AND rowid >= (SELECT min(id) FROM r)),
        k AS (
            SELECT id, t, g, o, published, story, id IN whole AS complete FROM r
            UNION ALL
            SELECT id, t, g, o, published, story, 1 AS complete FROM old),
        c AS (SELECT id, {rel} AS rel, published, story FROM k)""" + RANKED.format(
        age="max((julianday(%s) - julianday(published)) * 24, 0)")
    reach = [match] if filtered else []
    tier = [match, *params]
    stamp = now.astimezone(dt_timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return _ranked(sql, [*reach, *tier, *reach, *tier, match, stamp], limit, offset)


def _languages() -> list[str]:
    """Language codes of the stored articles (cached: a distinct over the table)."""
    found = cache.get("search:languages")
    if found is None:
        with reading().cursor() as cursor:
            cursor.execute("SELECT DISTINCT language FROM articles_article WHERE status = 'ok'")
            found = sorted({(row[0] or "").split("-")[0].lower() for row in cursor.fetchall()})
        cache.set("search:languages", found, 3600)
    return found


def pg_tsquery(terms: list[str], filters: Filters) -> list[str]:
    """A tsquery (as text) for each term, any configuration an article may be stemmed with:
    all of them together (joined by &) require each term.

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
    return ["(" + " | ".join(f"({alt})" for alt in sorted(alts)) + ")"
            for i, alts in sorted(alternatives.items()) if i not in dropped]


def postgres_ranked(terms: list[str], filters: Filters, limit: int, offset: int, now: datetime) -> tuple[list, int]:
    parts = pg_tsquery(terms, filters)
    if not parts:
        return [], 0
    tsquery = " & ".join(parts)
    where, params = _where(filters)

    def tier(column: str, size: int, complete: int) -> str:
        return f"""(SELECT a.id AS id, d.heads AS heads, a.published AS published, m.story_id AS story,
                   {complete} AS complete
            FROM search_document d
            JOIN articles_article a ON a.id = d.article_id
            LEFT JOIN stories_member m ON m.article_id = a.id
            WHERE d.{column} @@ %s::tsquery{where}
            ORDER BY d.article_id DESC LIMIT {size})"""

    def share(weight: str) -> str:
        """The share of the terms found in the part of weight `weight` (A headline, B tags, C source),
        from `heads`, the short columns' own tsvector (the document's text would be copied each time)."""
        found = " + ".join(f"(ts_filter(heads, '{{{weight}}}') @@ %s::tsquery)::int" for _ in parts)
        return f"({found}) * 1.0 / {len(parts)}"

    # The same two sets and the same relevance as on SQLite: the newest RECENT matches and the
    # newest HEADS with every word in the headline, tags or source name (`heads`, its own GIN
    # index), scored by where the words are. (ts_rank() was the score before: with
    # normalization 32 it gave a headline match and a passing mention in the text nearly the same.)
    sql = f"""
        WITH k AS (
            SELECT id, heads, published, story, max(complete) AS complete
            FROM ({tier("document", RECENT, 0)} UNION ALL {tier("heads", HEADS, 1)}) AS h
            GROUP BY id, heads, published, story),
        c AS (
            SELECT id, (1.0 + {TITLE_WEIGHT} * {share("a")} + {TAGS_WEIGHT} * {share("b")}
                        + {SOURCE_WEIGHT} * {share("c")}) * (1 + {COMPLETE - 1} * complete) AS rel, published, story
            FROM k)""" + RANKED.format(
        age="greatest(extract(epoch FROM (%s - published)) / 3600, 0)")
    return _ranked(sql, [tsquery, *params, tsquery, *params, *parts * 3, now], limit, offset)


def ranked(terms: list[str], filters: Filters, limit: int, offset: int, now: datetime) -> tuple[list, int]:
    if reading().vendor == "postgresql":
        return postgres_ranked(terms, filters, limit, offset, now)
    return sqlite_ranked(terms, filters, limit, offset, now)
