"""The task worker's copy of member vectors (stories/store.py) stays within its bound."""

from __future__ import annotations

from datetime import timedelta

import pytest

from broadsheet.stories import pipeline, store
from broadsheet.stories.models import Member

from .conftest import QUAKE, article, reworded, source, vector

pytestmark = pytest.mark.django_db


def test_the_vector_copy_keeps_to_its_limit_and_answers_as_a_fresh_one(at, monkeypatch):
    for day in range(12):
        for n in range(2):
            item = article(f"Report {day}-{n}", reworded(QUAKE, day * 2 + n), topic=f"event {day}",
                           publisher=source(f"Paper {n}"), at=at(days=day), noise=f"{day}-{n}")
            pipeline.process_article(item)
    assert Member.objects.count() == 24
    monkeypatch.setattr(store._VectorCache, "LIMIT", 5)
    store.reset_cache()
    window = timedelta(days=1)
    for day in range(12):
        query = vector(f"event {day}", "query")
        cached = store.DatabaseVectors().nearest(query, at(days=day), window, 4)
        in_window = Member.objects.filter(published__range=(at(days=day) - window, at(days=day) + window)).count()
        assert len(store._cache.vectors) <= max(5, 2 * in_window)
        with store._cache.lock:
            kept = store._cache.vectors, store._cache.known
            store._cache.reset()
        fresh = store.DatabaseVectors().nearest(query, at(days=day), window, 4)
        with store._cache.lock:
            store._cache.vectors, store._cache.known = kept
        assert cached == fresh
        assert Member.objects.get(article_id=cached[0][0]).published.date() == at(days=day).date()
