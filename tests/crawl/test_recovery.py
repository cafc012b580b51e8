"""Tasks stopped at their deadline and tasks whose worker died: recorded, and their work handed on."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.articles.models import Article
from broadsheet.crawl import pipeline, tasks, workers
from broadsheet.crawl.models import TaskWorker
from broadsheet.crawl.process import claim_batch
from broadsheet.lib.deadline import DeadlineExceeded
from broadsheet.sources.services import add_feed
from tests.crawl.pages import rss, when

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_queue(settings):
    """These look at the rows of the database queue; the same hand-on on Redis is covered end to
    end by test_worker_kill.py."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["process", "default"]}}


@pytest.fixture
def feed():
    return add_feed("https://example.org/feed.xml", section="News", name="Example Gazette")


def stored(feed, n: int = 0, **fields) -> Article:
    return Article.objects.create(source=feed.source, feed=feed, url=f"https://example.org/news/{n}",
                                  title=f"Story {n}", **fields)


def slow(*args, **kwargs):
    time.sleep(5)


def rows(task, status=None):
    found = DBTaskResult.objects.filter(task_path=f"broadsheet.crawl.tasks.{task}")
    return found.filter(status=status) if status else found


def dead_worker(task: str, arg: int, name: str = "gone-1") -> TaskWorker:
    return TaskWorker.objects.create(name=name, host="elsewhere", pid=1, queue="database", task=task, task_arg=arg,
                                     beat_at=timezone.now() - timedelta(minutes=5))


# --- the deadline ----------------------------------------------------------------------


def test_a_fetch_past_its_deadline_is_stopped_and_counted_as_an_attempt(feed, settings, monkeypatch):
    settings.TASK_DEADLINE = 0.3
    article = stored(feed)
    monkeypatch.setattr(pipeline, "fetch_article", slow)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        tasks.fetch_article.call(article.pk)
    assert time.monotonic() - started < 0.3 + 1
    article.refresh_from_db()
    assert (article.status, article.attempts, article.error_kind) == (Article.Status.PENDING, 1, "deadline")
    assert "deadline" in article.error
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # nothing left armed for the next task


def test_processing_past_its_deadline_is_stopped_and_recorded(feed, settings):
    settings.TASK_DEADLINE = 0.3
    settings.ARTICLE_PIPELINE = ["tests.crawl.test_recovery.slow"]
    article = stored(feed, status=Article.Status.OK)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        tasks.process_article.call(article.pk)
    assert time.monotonic() - started < 0.3 + 1
    article.refresh_from_db()
    assert article.processed_at is None and article.error_kind == "deadline"


def test_a_poll_past_its_deadline_releases_its_feed_with_a_stored_error(feed, settings, monkeypatch):
    settings.TASK_DEADLINE = 0.3
    assert pipeline.claim(feed.pk)
    monkeypatch.setattr(pipeline, "poll_feed", slow)
    with pytest.raises(DeadlineExceeded):
        tasks.poll_feed.call(feed.pk)
    feed.refresh_from_db()
    assert feed.claimed_until is None and feed.last_error_kind == "deadline" and feed.consecutive_failures == 1
    assert feed.next_check_at > timezone.now()  # backs off like any failure


def test_a_task_within_its_deadline_is_left_alone(feed, settings):
    settings.TASK_DEADLINE = 5
    settings.ARTICLE_PIPELINE = []
    article = stored(feed, status=Article.Status.OK)
    assert tasks.process_article.call(article.pk) is True
    article.refresh_from_db()
    assert article.processed_at is not None and article.error_kind == ""
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


# --- dead workers ----------------------------------------------------------------------


def test_a_dead_workers_fetch_is_queued_again_and_its_running_row_marked_failed(feed):
    article = stored(feed)
    dead_worker("fetch_article", article.pk)
    running = DBTaskResult.objects.get(id=tasks.fetch_article.enqueue(article.pk).id)
    running.claim("gone-1")
    assert tasks.recover_dead_workers() == 1
    running.refresh_from_db()
    assert running.status == "FAILED" and running.exception_class_path.endswith("WorkerDied")
    assert "gone-1" in running.traceback
    assert rows("fetch_article", "READY").count() == 1  # queued again, once
    article.refresh_from_db()
    assert (article.attempts, article.error_kind) == (1, "worker_died")
    assert not TaskWorker.objects.exists()
    assert tasks.recover_dead_workers() == 0  # handed on once, not at every tick


def test_a_page_that_kills_its_worker_every_time_ends_failed(feed):
    article = stored(feed, attempts=pipeline.MAX_ATTEMPTS - 1)
    dead_worker("fetch_article", article.pk)
    tasks.recover_dead_workers()
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and article.error_kind == "worker_died"
    assert not rows("fetch_article").exists()


def test_a_dead_workers_processing_is_retried_once_at_once(feed):
    article = stored(feed, status=Article.Status.OK, fetched_at=timezone.now())
    dead_worker("process_article", article.pk)
    tasks.recover_dead_workers()
    assert rows("process_article", "READY").count() == 1
    dead_worker("process_article", article.pk, name="gone-2")  # it died again: left to requeue_stale
    tasks.recover_dead_workers()
    assert rows("process_article").count() == 1


def test_a_fetch_that_stored_its_page_but_died_before_queueing_processing_is_processed(feed):
    queued = timezone.now() - timedelta(minutes=1)
    article = stored(feed, status=Article.Status.OK, queued_at=queued, fetched_at=queued + timedelta(seconds=5))
    dead_worker("fetch_article", article.pk)
    tasks.recover_dead_workers()
    assert rows("process_article", "READY").count() == 1 and not rows("fetch_article").exists()


def test_a_dead_workers_poll_queues_the_entries_it_stored_and_frees_the_feed(feed, server):
    items = [{"title": f"Story {i}", "link": f"https://example.org/news/{i}", "date": when(20)} for i in range(3)]
    server.expect_request("/feed.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    feed.url = server.url_for("/feed.xml")
    feed.save()
    assert pipeline.claim(feed.pk)
    pipeline.poll_feed(feed)  # entries stored, then the worker died before queueing them
    pipeline.claim(feed.pk)
    dead_worker("poll_feed", feed.pk)
    tasks.recover_dead_workers()
    assert rows("fetch_article", "READY").count() == 3
    feed.refresh_from_db()
    assert feed.claimed_until is None and feed.next_check_at <= timezone.now()  # polled again at the next tick
    assert feed.last_error_kind == "worker_died" and feed.consecutive_failures == 0
    dead_worker("poll_feed", feed.pk, name="gone-2")  # the feed killed a worker twice in a row: back off
    tasks.recover_dead_workers()
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1 and feed.next_check_at > timezone.now()


def test_a_live_worker_and_its_task_are_left_alone(feed):
    article = stored(feed)
    workers.register("alive-1", "database")
    workers.task_started("fetch_article", article.pk)
    running = DBTaskResult.objects.get(id=tasks.fetch_article.enqueue(article.pk).id)
    running.claim("alive-1")
    try:
        assert tasks.recover_dead_workers() == 0
        running.refresh_from_db()
        assert running.status == "RUNNING" and workers.beat()
    finally:
        workers.unregister()


def test_a_worker_declared_dead_learns_it_at_its_next_beat(feed):
    workers.register("frozen-1", "database")
    try:
        TaskWorker.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
        tasks.recover_dead_workers()
        assert workers.beat() is False  # its Heartbeat thread exits the process here
    finally:
        workers.unregister()


def test_a_running_row_of_a_worker_without_heartbeat_is_failed_once_past_the_deadline(feed, settings):
    settings.TASK_DEADLINE, settings.TASK_LEASE = 60, 30
    article = stored(feed)
    running = DBTaskResult.objects.get(id=tasks.fetch_article.enqueue(article.pk).id)
    running.claim("plain-db-worker")  # `db_worker` started by hand: no heartbeat row
    assert tasks.recover_dead_workers() == 0  # it may still be working
    DBTaskResult.objects.filter(pk=running.pk).update(started_at=timezone.now() - timedelta(seconds=91))
    assert tasks.recover_dead_workers() == 1
    running.refresh_from_db()
    assert running.status == "FAILED"


def test_the_admin_lists_the_workers_and_what_each_is_running(admin_client, feed):
    dead_worker("fetch_article", 42, name="box-7-abc")
    page = admin_client.get("/admin/crawl/taskworker/")
    assert page.status_code == 200
    assert b"box-7-abc" in page.content and b"fetch_article" in page.content


# --- processing before fetching ----------------------------------------------------------


def test_a_worker_takes_processing_before_fetches_queued_earlier(feed, settings):
    """A thousand new feeds queue thousands of fetches; what was fetched is processed first."""
    settings.PROCESS_WAIT = 0
    waiting = [stored(feed, n) for n in range(3)]
    fetched = stored(feed, 9)
    tasks.queue(tasks.fetch_article, [a.pk for a in waiting])
    tasks.queue(tasks.process_article, [fetched.pk])
    ready = DBTaskResult.objects.ready().filter(queue_name__in=["process", "default"])
    first = ready.get_locked()
    assert first.task_path == "broadsheet.crawl.tasks.process_article" and first.args_kwargs["args"] == [fetched.pk]


def test_processing_queued_by_crawl_once_for_the_workers_also_goes_first(feed, settings):
    from broadsheet.crawl import runner

    settings.PROCESS_WAIT = 0

    tasks.queue(tasks.fetch_article, [stored(feed, n).pk for n in range(3)])
    fetched = stored(feed, 9)
    runner._queue_for_workers(fetched.pk)  # `crawl --once --no-process`
    first = DBTaskResult.objects.ready().filter(queue_name__in=["process", "default"]).get_locked()
    assert first.task_path == "broadsheet.crawl.tasks.process_article" and first.args_kwargs["args"] == [fetched.pk]


def test_processing_waits_so_that_one_task_takes_the_articles_fetched_meanwhile(feed, settings):
    settings.PROCESS_WAIT = 5
    fetched = [stored(feed, n, status=Article.Status.OK, fetched_at=timezone.now() - timedelta(minutes=1)) for n in range(3)]
    tasks.queue(tasks.fetch_article, [stored(feed, 9).pk])
    tasks.queue(tasks.process_article, [fetched[0].pk])
    tasks.queue(tasks.process_article, [a.pk for a in fetched[1:]])  # queued while the first task waits
    ready = DBTaskResult.objects.ready().filter(queue_name__in=["process", "default"])
    assert [t.task_path for t in ready] == ["broadsheet.crawl.tasks.fetch_article"]  # the fetch goes on meanwhile
    # One task waits for all three: a task for each would find its article taken by the first.
    waiting = DBTaskResult.objects.filter(task_path="broadsheet.crawl.tasks.process_article")
    assert waiting.count() == 1
    assert all(4 < (t.run_after - t.enqueued_at).total_seconds() <= 6 for t in waiting)
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))  # the wait is over
    first = ready.order_by("-priority", "enqueued_at").first()
    assert first.task_path == "broadsheet.crawl.tasks.process_article"
    # Its task claims the three as one batch.
    assert sorted(claim_batch(first.args_kwargs["args"][0])) == sorted(a.pk for a in fetched)


def test_an_article_queued_while_a_batch_runs_gets_a_task_of_its_own(feed, settings):
    settings.PROCESS_WAIT = 5
    one, two = (stored(feed, n, status=Article.Status.OK, fetched_at=timezone.now() - timedelta(minutes=1)) for n in range(2))
    tasks.queue(tasks.process_article, [one.pk])
    DBTaskResult.objects.update(status="RUNNING")  # a worker took it: it may have claimed its batch already
    tasks.queue(tasks.process_article, [two.pk])
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_full_batch_queues_the_next_task_at_once(feed, settings):
    from broadsheet.crawl import process

    settings.PROCESS_WAIT = 5
    settings.ARTICLE_PIPELINE = []
    process_batch = process.BATCH
    try:
        process.BATCH = 2
        ids = [stored(feed, n, status=Article.Status.OK, fetched_at=timezone.now() - timedelta(minutes=1)).pk for n in range(3)]
        tasks.queue(tasks.process_article, ids)
        Article.objects.filter(pk__in=ids).update(queued_at=timezone.now() - timedelta(seconds=1))
        DBTaskResult.objects.update(status="RUNNING")
        assert tasks.process_article.call(ids[0]) is True
        follow = DBTaskResult.objects.get(status="READY")
        assert DBTaskResult.objects.ready().filter(pk=follow.pk).exists() and follow.args_kwargs["args"] == list(
            Article.objects.filter(pk__in=ids, processed_at__isnull=True).values_list("pk", flat=True))
    finally:
        process.BATCH = process_batch


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="RQ's queues need Redis (REDIS_URL)")
def test_on_redis_processing_goes_to_the_queue_workers_listen_to_first(feed, settings, django_capture_on_commit_callbacks):
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["process", "default"]}}
    process, default = django_rq.get_queue("process"), django_rq.get_queue("default")
    process.empty()
    default.empty()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue(tasks.fetch_article, [stored(feed, 1).pk])
        tasks.queue(tasks.process_article, [stored(feed, 2).pk])
    assert (process.count, default.count) == (1, 1)
    from broadsheet.crawl.management.commands.worker import Command

    assert Command().create_parser("broadsheet", "worker").parse_args([]).queue == "process,default"
    process.empty()
    default.empty()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="RQ's queues need Redis (REDIS_URL)")
def test_on_redis_a_worker_takes_processing_before_the_fetches_queued_ahead_of_it(feed, settings, django_capture_on_commit_callbacks):
    """Not starved: a thousand new feeds queue thousands of fetches; an article fetched meanwhile
    is processed next, not after them."""
    import django_rq
    from rq import Queue

    from broadsheet.crawl.management.commands.worker import rq_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["process", "default"]}}
    for name in ("process", "default"):
        django_rq.get_queue(name).empty()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue(tasks.fetch_article, [stored(feed, n).pk for n in range(5)])
        fetched = stored(feed, 9)
        tasks.queue(tasks.process_article, [fetched.pk])
        tasks.queue(tasks.fetch_article, [stored(feed, 10).pk])
    worker = rq_worker("test-priority", "process,default")  # the command's default queues
    order = []
    while (taken := Queue.dequeue_any(worker.queues, None, connection=worker.connection, job_class=worker.job_class)):
        job, _ = taken
        order.append((job.func_name.rsplit(".", 1)[-1], job.args[0]))
    assert order[0] == ("process_article", fetched.pk)
    assert [name for name, _ in order[1:]] == ["fetch_article"] * 6
