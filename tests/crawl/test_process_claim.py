"""A task worker processes a batch: its task claims its article and others waiting, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.crawl import process, tasks
from broadsheet.sources.services import add_feed

pytestmark = pytest.mark.django_db
seen: list[list[int]] = []


def record(article: Article) -> None:
    seen[-1].append(article.pk)


def record_batch(articles: list[Article]) -> None:
    seen.append([a.pk for a in articles])


record.batch = record_batch


@pytest.fixture(autouse=True)
def pipeline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.ARTICLE_PIPELINE = ["tests.crawl.test_process_claim.record"]
    seen.clear()


@pytest.fixture
def feed():
    return add_feed("https://example.org/feed.xml", section="News", name="Example Gazette")


def waiting(feed, count: int, **fields) -> list[int]:
    """Articles fetched a minute ago and queued for processing since."""
    fetched = timezone.now() - timedelta(minutes=1)
    defaults = {"status": Article.Status.OK, "fetched_at": fetched, "queued_at": fetched + timedelta(seconds=1)} | fields
    return [Article.objects.create(source=feed.source, feed=feed, url=f"https://example.org/{n}-{id(fields)}",
                                   title=f"Story {n}", **defaults).pk for n in range(count)]


def test_one_task_processes_its_article_with_the_others_waiting(feed):
    ids = waiting(feed, 5)
    assert tasks.process_article.call(ids[2]) is True
    assert sorted(seen[0]) == sorted(ids) and seen[0][0] == ids[2]
    assert Article.objects.filter(pk__in=ids, processed_at__isnull=False).count() == 5


def test_the_others_tasks_then_do_nothing(feed):
    ids = waiting(feed, 3)
    tasks.process_article.call(ids[0])
    assert [tasks.process_article.call(pk) for pk in ids[1:]] == [False, False]
    assert len(seen) == 1


def test_a_batch_is_bounded(feed):
    ids = waiting(feed, 7)
    assert len(process.claim_batch(ids[0], limit=3)) == 3


def test_articles_another_worker_holds_are_not_claimed(feed):
    ids = waiting(feed, 4)
    held = process.claim_batch(ids[0], limit=2)
    assert len(held) == 2
    free = [pk for pk in ids if pk not in held]
    again = process.claim_batch(free[0], limit=10)
    assert sorted(again) == sorted(free)
    assert tasks.process_article.call(held[1]) is False  # its own task: another worker has it


def test_a_task_whose_article_is_held_claims_the_others_waiting(feed):
    """On the database queue one task waits for all the articles queued meanwhile: if a
    running batch took its own article, the others still need it."""
    ids = waiting(feed, 3)
    process.claim_batch(ids[0], limit=1)
    assert sorted(process.claim_batch(ids[0])) == sorted(ids[1:])
    assert process.claim_batch(ids[1]) == []  # nothing left


def test_its_task_processes_the_others_when_its_article_was_taken(feed):
    ids = waiting(feed, 3)
    process.claim_batch(ids[0], limit=1)
    assert tasks.process_article.call(ids[0]) is False  # not its own article
    assert sorted(seen[0]) == sorted(ids[1:])


def test_a_claim_lapses_so_a_dead_workers_batch_is_taken_up(feed, settings):
    ids = waiting(feed, 3)
    process.claim_batch(ids[0])
    lease_end = Article.objects.get(pk=ids[0]).queued_at
    assert lease_end > timezone.now() + timedelta(seconds=settings.TASK_DEADLINE)
    assert process.claim_batch(ids[1]) == []
    Article.objects.filter(pk__in=ids).update(queued_at=timezone.now() - timedelta(seconds=1))  # the lease ran out
    assert sorted(process.claim_batch(ids[1])) == sorted(ids)


def test_rows_not_queued_for_processing_are_left_to_whoever_holds_them(feed):
    mine = waiting(feed, 1)
    # A `crawl --once` run processes its own rows: fetched, never queued for processing.
    theirs = waiting(feed, 2, queued_at=None) + waiting(feed, 1, queued_at=timezone.now() - timedelta(hours=1))
    processed = waiting(feed, 1, processed_at=timezone.now())
    assert process.claim_batch(mine[0]) == mine
    assert not set(process.claim_batch(mine[0])) & set(theirs + processed)


def test_a_failing_article_fails_its_own_task_and_not_the_others(feed, settings):
    settings.ARTICLE_PIPELINE = ["tests.crawl.test_process_claim.refuse_story_1"]
    ids = waiting(feed, 3)
    bad = Article.objects.get(title="Story 1").pk
    good = next(pk for pk in ids if pk != bad)
    assert tasks.process_article.call(good) is True
    assert Article.objects.filter(processed_at__isnull=False).count() == 2
    Article.objects.filter(pk=bad).update(queued_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValueError):
        tasks.process_article.call(bad)


def refuse_story_1(article: Article) -> None:
    if article.title == "Story 1":
        raise ValueError("no")


def test_a_dead_workers_batch_is_queued_again_at_once(feed, settings):
    from broadsheet.crawl.models import TaskWorker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["process", "default"]}}
    ids = waiting(feed, 4)
    assert len(process.claim_batch(ids[0])) == 4
    TaskWorker.objects.create(name="gone", host="elsewhere", pid=1, queue="database", task="process_article",
                              task_arg=ids[0], beat_at=timezone.now() - timedelta(minutes=5))
    tasks.recover_dead_workers()
    queued = DBTaskResult.objects.filter(task_path="broadsheet.crawl.tasks.process_article")
    assert queued.count() == 1  # one task for the batch: it takes every article waiting
    assert sorted(process.claim_batch(ids[1])) == sorted(ids)  # claimable at once, not when the lease ends


def test_a_task_past_its_deadline_hands_on_the_batch_it_took_not_the_one_holding_its_article(feed, settings, monkeypatch):
    from broadsheet.crawl import pipeline
    from broadsheet.lib.deadline import DeadlineExceeded

    ids = waiting(feed, 3)
    theirs = process.claim_batch(ids[0], limit=2)  # another worker's batch, still running
    leases = dict(Article.objects.filter(pk__in=theirs).values_list("pk", "queued_at"))

    def stopped(batch, **kwargs):
        raise DeadlineExceeded("process_article: past its deadline")

    monkeypatch.setattr(pipeline, "process_articles", stopped)
    monkeypatch.setattr(pipeline, "process_article", stopped)
    with pytest.raises(DeadlineExceeded):
        tasks.process_article.call(ids[0])  # takes the third article, then is stopped
    # The other batch keeps its rows: none of them is queued again while it runs.
    assert dict(Article.objects.filter(pk__in=theirs).values_list("pk", "queued_at")) == leases


@pytest.mark.django_db(transaction=True)
def test_with_more_than_a_batch_waiting_the_next_task_is_due_while_this_batch_runs(feed, settings, monkeypatch):
    """So a second worker processes the next batch beside the first: queued only when the
    batch ended, processing ran on one worker at a time (docs/benchmarks.md, crawl)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["process", "default"]}}
    monkeypatch.setattr(process, "BATCH", 2)
    due = []

    def batch(articles):
        due.append(DBTaskResult.objects.ready().filter(task_path=tasks.process_article.module_path).count())

    monkeypatch.setattr(record, "batch", batch)
    ids = waiting(feed, 5)
    assert tasks.process_article.call(ids[0]) is True
    assert due == [1]  # the next batch's task, due at once, while this one was being processed
