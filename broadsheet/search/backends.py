"""The two ways to find candidate articles: FTS5 on SQLite, tsvector on PostgreSQL.

Each returns at most CANDIDATES matches as (article id, relevance, published, story id),
newest rows first, with the filters applied in the same query. Bounding the candidates
bounds the work for a word that half the archive contains; ranking and grouping by story
happen on that set (engine.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.core.cache import cache
from django.db import connection
from django.utils.dateparse import parse_datetime

from broadsheet.search.schema import CONFIGS
from broadsheet.search.terms import fts5_match

CANDIDATES = 1000


@dataclass(frozen=True)
class Filters:
    section: str | None = None
    source: int | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None


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
    if filters.since:
        sql.append("a.published >= %s")
        params.append(filters.since)
    if filters.until:
        sql.append("a.published < %s")
        params.append(filters.until)
    return "".join(" AND " + part for part in sql), params


def _published(value) -> datetime:
    # SQLite hands raw SQL a naive UTC text timestamp; PostgreSQL an aware datetime.
    value = parse_datetime(value) if isinstance(value, str) else value
    return value.replace(tzinfo=dt_timezone.utc) if value.tzinfo is None else value


def sqlite_candidates(terms: list[str], filters: Filters) -> list[tuple]:
    where, params = _where(filters)
    # bm25 is lower for better matches; the weights favour the headline, then tags, the source, the text.
    sql = f"""
        SELECT f.rowid, -bm25(search_fts, 10.0, 1.0, 2.0, 4.0), a.published, m.story_id
        FROM search_fts f
        JOIN articles_article a ON a.id = f.rowid
        LEFT JOIN stories_member m ON m.article_id = a.id
        WHERE search_fts MATCH %s{where}
        ORDER BY f.rowid DESC LIMIT {CANDIDATES}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [fts5_match(terms), *params])
        return [(pk, rel, _published(when), story) for pk, rel, when, story in cursor.fetchall()]


def _languages() -> list[str]:
    """Language codes of the stored articles (cached: a distinct over the table)."""
    found = cache.get("search:languages")
    if found is None:
        with connection.cursor() as cursor:
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
    with connection.cursor() as cursor:
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


def postgres_candidates(terms: list[str], filters: Filters) -> list[tuple]:
    tsquery = pg_tsquery(terms, filters)
    if tsquery is None:
        return []
    where, params = _where(filters)
    sql = f"""
        SELECT a.id, ts_rank(d.document, q.query, 32), a.published, m.story_id
        FROM search_document d CROSS JOIN (SELECT %s::tsquery AS query) q
        JOIN articles_article a ON a.id = d.article_id
        LEFT JOIN stories_member m ON m.article_id = a.id
        WHERE d.document @@ q.query{where}
        ORDER BY d.article_id DESC LIMIT {CANDIDATES}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, *params])
        return cursor.fetchall()


def candidates(terms: list[str], filters: Filters) -> list[tuple]:
    if connection.vendor == "postgresql":
        return postgres_candidates(terms, filters)
    return sqlite_candidates(terms, filters)
