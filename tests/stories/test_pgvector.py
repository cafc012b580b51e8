"""The scale path's vector store: pgvector's HNSW index on PostgreSQL, checked against
exact search. Runs in the PostgreSQL pass of `make test` (.ci/run builds pgvector);
skips on SQLite and on a PostgreSQL server without the extension."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.db import connection

from broadsheet.stories import store
from broadsheet.stories.models import Member, Story
from broadsheet.stories.vectors import top_k

from .conftest import T0, article, source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _needs_pgvector(db):
    if connection.vendor != "postgresql":
        pytest.skip("pgvector is the PostgreSQL path; this run is on " + connection.vendor)
    store._pg_has_vector_column.cache_clear()
    if not store._pg_has_vector_column():
        pytest.skip("this PostgreSQL server has no pgvector (bash ../shared/vendor/install-pgvector.sh)")


def members(count: int, seed: int = 7) -> tuple[list[int], np.ndarray]:
    """`count` members on 12 topics with their vectors in the store, an hour apart."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((12, 384))
    vectors = centres[rng.integers(0, 12, count)] + 0.6 * rng.standard_normal((count, 384))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    publisher, story = source("Wire"), Story.objects.create()
    vectors_store, keys = store.vector_store(), []
    for i, v in enumerate(vectors):
        item = article(f"Report {i}", "Text.", topic=f"t{i}", publisher=publisher, at=T0 + timedelta(hours=i))
        Member.objects.create(article=item, story=story, published=item.published, source_id=publisher.pk)
        vectors_store.add(item.pk, v)
        keys.append(item.pk)
    return keys, vectors


def test_on_postgresql_with_pgvector_the_store_is_the_hnsw_index():
    assert isinstance(store.vector_store(), store.PgVectors)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'member_vector_hnsw'")
        assert "hnsw" in cursor.fetchone()[0]


def test_hnsw_finds_what_exact_search_finds():
    keys, vectors = members(400)
    queries = np.random.default_rng(3).choice(len(keys), 25, replace=False)
    found = wanted = 0
    for q in queries:
        exact, _ = top_k(vectors, vectors[q], 10)
        hits = store.PgVectors().nearest(vectors[q], None, timedelta(days=1), 10)
        wanted += 10
        found += len({keys[i] for i in exact} & {pk for pk, _ in hits})
    assert found / wanted >= 0.95  # recall@10 of the index against exact search


def test_the_time_window_filters_the_index():
    keys, vectors = members(60)
    around = T0 + timedelta(hours=30)
    hits = store.PgVectors().nearest(vectors[30], around, timedelta(hours=5), 20)
    assert hits and hits[0][0] == keys[30] and hits[0][1] == pytest.approx(1.0, abs=1e-4)
    assert {pk for pk, _ in hits} <= set(keys[25:36])


def test_within_a_window_the_search_is_exact_whatever_the_planner_would_prefer():
    keys, vectors = members(200)
    around, window = T0 + timedelta(hours=100), timedelta(hours=60)  # 121 members inside
    inside = [i for i in range(200) if abs(i - 100) <= 60]
    with connection.cursor() as cursor:  # tempt the planner towards the (approximate) HNSW index
        cursor.execute("SET enable_sort = off")
        cursor.execute("SET enable_seqscan = off")
        try:
            for q in (3, 100, 150, 199):
                want, sims = top_k(vectors[inside], vectors[q], 30)
                hits = store.PgVectors().nearest(vectors[q], around, window, 30)
                assert [pk for pk, _ in hits] == [keys[inside[i]] for i in want]
                assert [s for _, s in hits] == pytest.approx([float(s) for s in sims], abs=1e-5)
            with store._bound_cursor() as bound:
                bound.execute("EXPLAIN " + store.PgVectors.WINDOW, [vectors[3], around - window, around + window, 30])
                plan = "\n".join(row[0] for row in bound.fetchall())
            assert "member_vector_hnsw" not in plan
        finally:
            cursor.execute("RESET enable_sort")
            cursor.execute("RESET enable_seqscan")


def test_the_neighbours_rows_come_with_the_search_and_leave_out_hidden_articles():
    from broadsheet.articles.models import Article

    keys, vectors = members(40)
    hidden = keys[21]
    Article.objects.filter(pk=hidden).update(status=Article.Status.FAILED)
    Member.objects.filter(article_id=keys[20]).update(names=["qeshm"], numbers=["6.1"])
    around, window = T0 + timedelta(hours=20), timedelta(hours=5)
    nearest = store.PgVectors().nearest(vectors[20], around, window, 8)
    rows = store.PgVectors().members(vectors[20], around, window, 8)
    assert [r[0] for r in rows] == [pk for pk, _ in nearest if pk != hidden]  # the 8 chosen among all, then filtered
    first = rows[0]
    assert first[0] == keys[20] and first[2:4] == (["qeshm"], ["6.1"]) and first[5] == pytest.approx(1.0, abs=1e-5)
    assert first[1] == Member.objects.get(article_id=keys[20]).story_id and first[4] == T0 + timedelta(hours=20)


def test_a_members_row_and_its_vector_are_written_in_one_statement_and_can_be_rewritten():
    from django.test.utils import CaptureQueriesContext

    keys, vectors = members(3)
    item = article("Late report", "Text.", topic="late", publisher=source("Wire"), at=T0 + timedelta(hours=1))
    story = Story.objects.create()
    v = vectors[1]
    with CaptureQueriesContext(connection) as queries:
        store.PgVectors().write_member(Member(article_id=item.pk, story_id=story.pk, published=item.published,
                                              source_id=item.source_id, names=["wire"], numbers=[], score=0.5), v)
    assert len(queries) == 1
    hits = dict(store.PgVectors().nearest(v, None, timedelta(days=1), 5))
    assert hits[item.pk] == pytest.approx(1.0, abs=1e-5)
    store.PgVectors().write_member(Member(article_id=item.pk, story_id=story.pk, published=item.published,
                                          source_id=item.source_id, names=["again"], numbers=["2"], score=0.7),
                                   vectors[2])
    again = Member.objects.get(article_id=item.pk)
    assert (again.names, again.numbers, again.score) == (["again"], ["2"], 0.7)
    assert dict(store.PgVectors().nearest(vectors[2], None, timedelta(days=1), 5))[item.pk] == pytest.approx(1.0, abs=1e-5)
