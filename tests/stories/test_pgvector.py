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
