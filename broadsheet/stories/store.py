"""Stories in the database: the Index that `cluster.place()` works on in the pipeline,
and the two database vector stores (pgvector HNSW; exact numpy over a time window)."""

from __future__ import annotations

from collections import Counter
import json
from datetime import datetime, timedelta
import threading
from functools import lru_cache
from typing import Hashable

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, Count, Max, Min, Q, Value, When
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.enrich.embeddings import from_bytes
from broadsheet.lib.language import in_language, site_language
from broadsheet.stories.cluster import Doc, Neighbour, Params
from broadsheet.stories.models import Member, Story
from broadsheet.stories.vectors import MemoryVectors
from broadsheet.web.pagecache import bump_version


class _VectorCache:
    """This process's copy of member vectors (a vector never changes once written), in day
    buckets: a query then reads from the database only the ids of its window (an index
    scan on `published`) and the few vectors it has not seen yet."""

    # Vectors kept (≈ 1.6 KB each with their key and time; a day's array may have up to
    # twice its rows allocated): 50,000 is 80-160 MB of a task worker's 500 MB budget. Past
    # it, the copy keeps only the window being asked for (and grows to twice the window
    # when the window alone is larger, so a busy site does not prune on every query).
    LIMIT = 50_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.vectors, self.known = MemoryVectors(), set()

    def load(self, ids: set[int]) -> None:
        missing = sorted(ids - self.known)
        if len(self.known) + len(missing) > max(self.LIMIT, 2 * len(ids)):
            self.vectors.retain(ids)
            self.known &= ids
        for lo in range(0, len(missing), 2000):
            chunk = missing[lo : lo + 2000]
            rows = Member.objects.filter(article_id__in=chunk).values_list("article_id", "published", "article__embedding")
            for pk, published, blob in rows:
                vector = from_bytes(blob)
                if vector is not None:
                    self.vectors.add(pk, vector, published)
            self.known.update(chunk)


_cache = _VectorCache()


def reset_cache() -> None:
    with _cache.lock:
        _cache.reset()


class DatabaseVectors:
    """Exact numpy search over the members published within the window."""

    def nearest(self, vector: np.ndarray, around: datetime | None, window: timedelta, k: int) -> list[tuple[Hashable, float]]:
        rows = Member.objects.all()
        if around is not None:
            rows = rows.filter(published__range=(around - window, around + window))
        sql, params = rows.values_list("article_id").query.sql_with_params()
        with connection.cursor() as cursor:  # thousands of ids: plain rows, no model layer
            cursor.execute(sql, params)
            live = {row[0] for row in cursor.fetchall()}
        with _cache.lock:
            _cache.load(live)
            hits = _cache.vectors.nearest(vector, around, window, k + 16)
        return [(pk, sim) for pk, sim in hits if pk in live][:k]  # members gone since are dropped

    def add(self, key: int, vector: np.ndarray) -> None:
        """Nothing to do: the next query reads the new member's vector."""


class PgVectors:
    """pgvector on stories_member.vector (cosine).

    Within a time window (the pipeline's case: the few thousand members of ±3 days) the
    search is exact: the window's rows are read through the btree on `published` and sorted
    by distance, the answer the numpy path gives. The distance is computed in a fenced
    subquery (OFFSET 0) so the planner cannot answer the ORDER BY from the HNSW index,
    which it may choose as the table grows and which is approximate. Without a window
    (an undated article) the HNSW index answers, with iterative scans (pgvector >= 0.8) so a
    filtered scan does not come back short.

    The vector goes once, as a parameter in pgvector's binary form: inlined as text
    (Django's default client-side binding) its 384 numbers were parsed and planned with the
    statement, twice."""

    WINDOW = ("SELECT article_id, distance FROM (SELECT article_id, vector <=> %b::vector AS distance "
              "FROM stories_member WHERE published BETWEEN %s AND %s AND vector IS NOT NULL OFFSET 0) AS w "
              "ORDER BY distance LIMIT %s")
    ALL = ("SELECT article_id, vector <=> %b::vector AS distance FROM stories_member WHERE vector IS NOT NULL "
           "ORDER BY distance LIMIT %s")

    def nearest(self, vector: np.ndarray, around: datetime | None, window: timedelta, k: int) -> list[tuple[Hashable, float]]:
        with _bound_cursor() as cursor:
            if around is None:
                if _pg_iterative_scan():
                    cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
                cursor.execute(self.ALL, [vector, k])
            else:
                cursor.execute(self.WINDOW, [vector, around - window, around + window, k])
            return [(pk, 1.0 - float(distance)) for pk, distance in cursor.fetchall()]

    def members(self, vector: np.ndarray, around: datetime | None, window: timedelta,
                k: int) -> list[tuple[int, int, list, list, datetime, float]]:
        """What `DatabaseIndex.neighbours` needs of the k nearest, in the same round trip:
        (article id, story id, names, numbers, published, cosine) of those whose article is
        visible (status "ok"); the k are chosen among all members, as `nearest` chooses them."""
        nearest = self.ALL if around is None else self.WINDOW
        sql = (f"SELECT m.article_id, m.story_id, m.names, m.numbers, m.published, 1 - n.distance FROM ({nearest}) AS n "
               "JOIN stories_member m ON m.article_id = n.article_id JOIN articles_article a ON a.id = n.article_id "
               "WHERE a.status = %s ORDER BY n.distance")
        args = [vector, k] if around is None else [vector, around - window, around + window, k]
        with _bound_cursor() as cursor:
            if around is None and _pg_iterative_scan():
                cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            cursor.execute(sql, [*args, Article.Status.OK.value])
            return [(pk, story, _json(names), _json(numbers), published, float(sim))
                    for pk, story, names, numbers, published, sim in cursor.fetchall()]

    def add(self, key: int, vector: np.ndarray) -> None:
        with _bound_cursor() as cursor:
            cursor.execute("UPDATE stories_member SET vector = %b::vector WHERE article_id = %s", [vector, key])

    def write_member(self, member: Member, vector: np.ndarray) -> None:
        """The member's row with its vector in one INSERT … ON CONFLICT: written after the row,
        the vector's UPDATE made a second version of it, with an entry in each of its indexes."""
        columns = ["article_id", "story_id", "published", "source_id", "names", "numbers", "score", "created_at"]
        values = [member.article_id, member.story_id, member.published, member.source_id, json.dumps(member.names),
                  json.dumps(member.numbers), member.score, member.created_at]
        changed = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*columns[1:7], "vector"])
        with _bound_cursor() as cursor:
            cursor.execute(f"INSERT INTO stories_member ({', '.join(columns)}, vector) VALUES "
                           f"(%s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %b::vector) "
                           f"ON CONFLICT (article_id) DO UPDATE SET {changed}", [*values, vector])


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value  # Django loads jsonb as text


def _bound_cursor():
    """A cursor of this connection that binds parameters on the server (psycopg's Cursor, not
    the ClientCursor Django uses), with numpy vectors sent in pgvector's binary form, wrapped
    as Django wraps its own (errors translated, queries logged where Django logs them)."""
    import psycopg
    from pgvector.psycopg.vector import VectorBinaryDumper

    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    cursor.adapters.register_dumper(np.ndarray, VectorBinaryDumper)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


@lru_cache(maxsize=1)
def _pg_has_vector_column() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'stories_member' AND column_name = 'vector'")
        return cursor.fetchone() is not None


@lru_cache(maxsize=1)
def _pg_iterative_scan() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    return bool(row) and tuple(int(p) for p in row[0].split(".")[:2]) >= (0, 8)


def vector_store():
    if connection.vendor == "postgresql" and _pg_has_vector_column():
        return PgVectors()
    return DatabaseVectors()


def doc_for(article: Article, member: Member | None = None, signals: dict | None = None) -> Doc:
    names = member.names if member else (signals or {}).get("e", [])
    numbers = member.numbers if member else (signals or {}).get("n", [])
    return Doc(article.pk, from_bytes(article.embedding), frozenset(names), frozenset(numbers), article.published)


class DatabaseIndex:
    """cluster.Index over Story and Member rows. Run `place()` inside one transaction."""

    def __init__(self, article: Article, signals: dict) -> None:
        self.article, self.signals, self.vectors = article, signals, vector_store()

    def neighbours(self, doc: Doc, params: Params) -> list[Neighbour]:
        if isinstance(self.vectors, PgVectors):  # the search and the members' rows in one statement
            rows = self.vectors.members(doc.vector, doc.published, params.window, params.neighbours)
            return [Neighbour(Doc(pk, np.zeros(0), frozenset(names), frozenset(numbers), published), story, sim)
                    for pk, story, names, numbers, published, sim in rows]
        hits = dict(self.vectors.nearest(doc.vector, doc.published, params.window, params.neighbours))
        members = Member.objects.filter(article_id__in=hits, article__status=Article.Status.OK)
        return [Neighbour(Doc(m.article_id, np.zeros(0), frozenset(m.names), frozenset(m.numbers), m.published),
                          m.story_id, hits[m.article_id]) for m in members]

    def open_story(self, doc: Doc) -> int:
        return Story.objects.create(headline=self.article.title[:1000]).pk

    def add(self, doc: Doc, story: Hashable, score: float) -> None:
        member = Member(article_id=doc.key, story_id=story, published=self.article.published,
                        source_id=self.article.source_id, names=self.signals.get("e", []),
                        numbers=self.signals.get("n", []), score=score)
        if isinstance(self.vectors, PgVectors):
            self.vectors.write_member(member, doc.vector)
        else:  # one INSERT … ON CONFLICT: update_or_create took two savepoints, a SELECT and the INSERT
            Member.objects.bulk_create([member], update_conflicts=True, unique_fields=["article"],
                                       update_fields=["story", "published", "source_id", "names", "numbers", "score"])
            self.vectors.add(doc.key, doc.vector)
        refresh(story)

    def merge(self, story: Hashable, into: Hashable) -> None:
        Member.objects.filter(story_id=story).update(story_id=into)
        Story.objects.filter(pk=story).update(merged_into_id=into, article_count=0, source_count=0, country_count=0,
                                              listed=False)
        Story.objects.filter(merged_into_id=story).update(merged_into_id=into)

    def recent_members(self, story: Hashable, limit: int) -> list[Doc]:
        rows = (Member.objects.filter(story_id=story, article__status=Article.Status.OK)
                .order_by("-published", "-article_id")
                .values_list("article_id", "names", "numbers", "published", "article__embedding")[:limit])
        docs = [Doc(pk, from_bytes(blob), frozenset(names), frozenset(numbers), published)
                for pk, names, numbers, published, blob in rows]
        return [d for d in reversed(docs) if d.vector is not None]

    def split(self, story: Hashable, keys: list[Hashable]) -> int:
        """The members `keys` leave `story` for a new one; both are recounted."""
        new = Story.objects.create().pk
        Member.objects.filter(story_id=story, article_id__in=keys).update(story_id=new)
        refresh(story)
        refresh(new)
        return new


CARD_SOURCES = 3  # publishers named on a card
TEASER_CHARS = 300


def card_fields(rows: list[tuple], lead_text: str = "", lead: int = 0, icons: dict[str, str] | None = None,
                sizes: dict[int, list] | None = None) -> dict:
    """What a story's card shows, from its visible members as (article id, title, image, section,
    language, source name) in order of publication, the row of the lead (whose headline,
    text and language the card shows; see `lead_row`) and the lead's text (body, else
    teaser); `icons` by source name and the pictures' `sizes` by article id, where known.
    The bench's filler uses it too."""
    if not rows:
        return {"listed": False, "lead_id": None, "headline": "", "image": "", "image_sizes": [], "teaser": "",
                "section": "", "language": "", "source_names": [], "source_icons": []}
    lead = rows[lead if 0 <= lead < len(rows) else 0]
    names: list[str] = []
    for row in rows:
        if row[5] not in names and len(names) < CARD_SOURCES:
            names.append(row[5])
    sections = Counter(row[3] for row in rows if row[3])
    # the most common section; ties go to the earliest report's (Counter keeps first-seen order)
    section = sections.most_common(1)[0][0] if sections else ""
    opening = next((p.strip() for p in (lead_text or "").split("\n\n") if p.strip()), "")
    if len(opening) > TEASER_CHARS:
        opening = opening[:TEASER_CHARS].rsplit(" ", 1)[0] + "…"
    pictured = lead if lead[2] else next((row for row in rows if row[2]), None)  # the lead's picture first
    return {"listed": True, "lead_id": lead[0], "headline": (lead[1] or "")[:1000],
            "image": pictured[2] if pictured else "",
            "image_sizes": (sizes or {}).get(pictured[0], []) if pictured else [],
            "teaser": opening, "section": section, "language": lead[4] or "", "source_names": names,
            "source_icons": [(icons or {}).get(name) or "" for name in names]}


CARD_ROWS = 500  # members read for a card: a story's first reports decide it
CENTRAL_ROWS = 200  # of those, the first whose vectors make the centroid and compete for the headline


def lead_row(languages: list[str], vectors: list[np.ndarray | None], wanted: str) -> tuple[int, np.ndarray | None]:
    """The member whose headline the card shows, and the story's centroid.

    The most central report (closest to the centroid of the members' vectors) among those
    in the reader's language `wanted` (or of unknown language); the most central of all when
    none is; the first report when no vectors are known. Ties go to the earlier report."""
    known = [i for i, v in enumerate(vectors) if v is not None]
    if not known:
        return 0, None
    mean = np.mean(np.stack([vectors[i] for i in known]), axis=0)
    centroid = mean / (np.linalg.norm(mean) or 1.0)
    readable = [i for i in known if in_language(languages[i], wanted)] or known
    closeness = {i: float(vectors[i] @ centroid) for i in readable}
    best = max(closeness.values())
    return min(i for i, c in closeness.items() if c >= best - 1e-6), centroid


def refresh(story_id: Hashable) -> None:
    """Recompute a story's counts, times, card and centroid from its visible members."""
    members = Member.objects.filter(story_id=story_id, article__status=Article.Status.OK)
    rows = list(members.order_by("published", "article_id").values_list(
        "article_id", "article__title", "article__image", "article__section", "article__language",
        "article__source__name", "article__source__icon", "article__picture__sizes",
        "published", "source_id", "article__source__country")[:CARD_ROWS])
    if len(rows) < CARD_ROWS:  # all of them: the counts from the rows, without a query of their own
        stats = {"n": len(rows), "sources": len({r[9] for r in rows}), "first": rows[0][8] if rows else None,
                 "last": rows[-1][8] if rows else None, "countries": len({r[10] for r in rows if r[10]})}
    else:
        stats = members.aggregate(
            n=Count("article_id"), sources=Count("source_id", distinct=True), first=Min("published"),
            last=Max("published"),
            countries=Count("article__source__country", distinct=True, filter=~Q(article__source__country="")))
    blobs = dict(members.filter(article_id__in=[r[0] for r in rows[:CENTRAL_ROWS]])
                 .values_list("article_id", "article__embedding"))
    lead, mean = lead_row([r[4] for r in rows[:CENTRAL_ROWS]], [from_bytes(blobs.get(r[0])) for r in rows[:CENTRAL_ROWS]],
                          site_language())
    centroid = mean.astype(np.float32).tobytes() if mean is not None else None
    lead_text = ""
    if rows:
        body, teaser = Article.objects.filter(pk=rows[lead][0]).values_list("body", "teaser").get()
        lead_text = body or teaser
    card = card_fields(rows, lead_text, lead, icons={row[5]: row[6] for row in reversed(rows)},
                       sizes={row[0]: row[7] for row in rows if row[7]})
    # A story merged into another stays unlisted: checked in the UPDATE, not by a query before it.
    card["listed"] = Case(When(merged_into__isnull=True, then=Value(card["listed"])), default=Value(False))
    Story.objects.filter(pk=story_id).update(
        article_count=stats["n"], source_count=stats["sources"], country_count=stats["countries"],
        first_published=stats["first"], last_published=stats["last"], centroid=centroid,
        updated_at=timezone.now(), **card)
    # Now, and again once committed: a page rendered between the two holds the old story.
    bump_version()
    transaction.on_commit(bump_version)
