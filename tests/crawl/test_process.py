"""The third crawl step over batches: the same stories as one by one, one model call a batch."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import numpy as np
import pytest

from broadsheet.articles.models import Article
from broadsheet.crawl import process
from broadsheet.enrich.embeddings import to_bytes
from broadsheet.stories import dedup, store
from broadsheet.stories.models import Member, Related, Signature, Story
from tests.stories.conftest import BUDGET, QUAKE, T0, article, reworded, source, vector

pytestmark = pytest.mark.django_db

KERMAN = ("A magnitude 5.2 earthquake shook Kerman province in the south-east of Iran on Thursday, injuring three "
          "people near Bam and Jiroft, where walls cracked and power failed for several hours. The Red Crescent sent "
          "rescuers and tents from Zahedan, and the provincial governor said the damage was light.")
calls: dict[str, int] = defaultdict(int)


def topic_vector(item: Article) -> np.ndarray:
    """Stands in for the model: a look-alike event (Kerman) close enough to chain into the Qeshm story."""
    if "Kerman" in item.title:
        v = 0.75 * vector("quake", "shared") + 0.66 * vector("other", item.title, weight=0.05)
        return (v / np.linalg.norm(v)).astype(np.float32)
    return vector("budget" if "Budget" in item.title else "quake", item.title)


def topic_embedding(item: Article) -> None:
    calls["one"] += 1
    if not item.embedding:
        item.embedding = to_bytes(topic_vector(item))
        Article.objects.filter(pk=item.pk).update(embedding=item.embedding)


def embed_batch(items: list[Article]) -> None:
    calls["batch"] += 1
    for a in items:
        if not a.embedding:
            a.embedding = to_bytes(topic_vector(a))
            Article.objects.filter(pk=a.pk).update(embedding=a.embedding)


topic_embedding.batch = embed_batch
STEPS = ["tests.crawl.test_process.topic_embedding", "broadsheet.stories.pipeline.process_article"]


@pytest.fixture
def arrivals():
    """Reports in arrival order: a copy before its original, a look-alike event that chains
    into a story and is split off once its own reports come in (order matters to both)."""
    def at(hours: float):
        return T0 + timedelta(hours=hours)

    items = [article("Budget cuts income tax", BUDGET, topic="budget", publisher=source("Courier"), at=at(1)),
             article("Qeshm quake kills ten", QUAKE.replace("said.", "reported.") + " (Wire)", topic="quake",
                     publisher=source("Partner"), at=at(2), noise="copy")]
    items += [article(f"Qeshm quake report {i}", reworded(QUAKE, 10 + i), topic="quake",
                      publisher=source(f"Paper {i}"), at=at(i)) for i in range(4)]
    items.append(article("Qeshm quake kills ten", QUAKE, topic="quake", publisher=source("Wire"), at=at(0.5)))
    items += [article(f"Kerman quake report {i}", reworded(KERMAN, 20 + i), topic="quake",
                      publisher=source(f"Other {i}"), at=at(60 + i)) for i in range(4)]
    items.append(article("Budget: markets calm", reworded(BUDGET, 3), topic="budget", publisher=source("Gazette"), at=at(5)))
    return [a.pk for a in items]


def start_over() -> None:
    """No processing result left, in the database or in this process's caches."""
    for model in (Related, Member, Signature):
        model.objects.all().delete()
    Story.objects.all().delete()
    Article.objects.update(status=Article.Status.OK, duplicate_of=None, embedding=None, processed_at=None)
    dedup.reset_cache()
    store.reset_cache()
    calls.clear()


def outcome() -> set[frozenset]:
    groups = defaultdict(set)
    for article_id, story_id in Member.objects.values_list("article_id", "story_id"):
        groups[story_id].add(article_id)
    copies = Article.objects.filter(status=Article.Status.DUPLICATE).values_list("pk", "duplicate_of_id")
    return {frozenset(g) for g in groups.values()} | {frozenset({"copy of", pk, of}) for pk, of in copies}


def test_a_batch_ends_in_the_same_stories_as_one_by_one(arrivals, settings, monkeypatch):
    settings.ARTICLE_PIPELINE = STEPS
    monkeypatch.setattr(process, "BATCH", 4)  # three batches
    start_over()
    processed = [pk for pk in arrivals if process.process_article(pk)]
    one_by_one = outcome()
    assert any(len(g) == 4 for g in one_by_one) and any("copy of" in g for g in one_by_one)

    start_over()
    done = process.process_articles(arrivals)
    assert outcome() == one_by_one
    assert done == processed
    assert calls == {"batch": 3}  # one model call a batch, never one an article
    assert not Article.objects.filter(pk__in=done, processed_at__isnull=True).exists()


def test_a_step_failing_on_one_article_costs_that_article_alone(arrivals, settings, monkeypatch):
    from broadsheet.stories import pipeline as stories

    settings.ARTICLE_PIPELINE = STEPS
    start_over()
    broken = arrivals[3]
    real = stories.process_article

    def fragile(item):
        if item.pk == broken:
            raise RuntimeError("a bug in one step")
        real(item)

    monkeypatch.setattr(stories, "process_article", fragile)
    done = process.process_articles(arrivals)
    assert done == [pk for pk in arrivals if pk != broken]
    assert Article.objects.get(pk=broken).processed_at is None  # offered again by requeue_stale
    assert not Member.objects.filter(article_id=broken).exists()
    placed = set(Member.objects.values_list("article_id", flat=True))
    assert all(pk in placed for pk in Article.objects.filter(pk__in=done, status=Article.Status.OK).values_list("pk", flat=True))
    with pytest.raises(RuntimeError, match="a bug in one step"):
        process.process_article(broken)


def test_ids_that_are_not_stored_articles_are_skipped(arrivals, settings):
    settings.ARTICLE_PIPELINE = STEPS
    start_over()
    Article.objects.filter(pk=arrivals[0]).update(status=Article.Status.PENDING)
    done = process.process_articles([arrivals[0], 10**9, arrivals[1], arrivals[1]])
    assert done == [arrivals[1]]
    assert process.process_articles([]) == []
