"""Every arrow of the flow as a task (django-tasks: database queue by default, RQ on Redis).

The task bodies are the pipeline functions; `broadsheet crawl --once` calls the same
functions directly. Each task enqueues the next one only after its own write commits.

Each task runs under a wall-clock deadline (TASK_DEADLINE, lib/deadline.py) and names
itself on its worker's heartbeat row (crawl/workers.py), so that a task stopped at its
deadline, or held by a worker that died, is recorded and handed on (`hand_on`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from broadsheet.crawl import pipeline, workers
from broadsheet.crawl import process
from broadsheet.crawl.process import batch_of, claim_batch, next_waiting
from broadsheet.lib.deadline import DeadlineExceeded, deadline
from broadsheet.sources.models import Feed

log = logging.getLogger("broadsheet.tasks")

# Processing before fetching: a worker takes an article's processing before the next fetch,
# so what was fetched reaches the site while thousands of fetches still wait (a thousand new
# feeds queue five thousand of them). The queues are named in settings.TASKS.
PROCESS_QUEUE = "process"
PROCESS_PRIORITY = 10


def _bounded(name: str, arg: int, body):
    workers.task_started(name, arg)
    try:
        with deadline(settings.TASK_DEADLINE, f"{name}({arg})"):
            return body()
    except DeadlineExceeded as exc:
        log.error("%s; recorded as failed", exc)
        # The id the task holds now: a processing task whose article another batch took holds
        # the first of the batch it took instead (its article belongs to the other batch).
        held = workers.HELD[1] if workers.HELD and workers.HELD[0] == name else arg
        hand_on(name, held, pipeline.DEADLINE, str(exc))
        raise
    finally:
        workers.task_finished()


@task()
def poll_feed(feed_id: int) -> int:
    """A poll as a task: what jobs queued by an earlier version (and a dead worker's poll being
    handed on) run. The scheduler polls in threads of its own (crawl/polls.py)."""

    def body():
        feed = Feed.objects.select_related("source").filter(pk=feed_id).first()
        return len(poll_and_queue(feed).new_ids) if feed is not None else 0

    return _bounded("poll_feed", feed_id, body)


def poll_and_queue(feed: Feed, fetcher=None) -> pipeline.PollResult:
    """Poll a claimed feed and queue its new entries for fetching at once."""
    result = pipeline.poll_feed(feed, fetcher)
    queue_pages(feed.pk, result.new_ids)
    return result


def queue_pages(feed_id: int, ids: list[int]) -> None:
    """Queue the fetches of a feed's new entries, PAGES_PER_TASK to a task (fetch_pages)."""
    if not ids:
        return
    chunks = [ids[i:i + PAGES_PER_TASK] for i in range(0, len(ids), PAGES_PER_TASK)]
    if _database_queue():
        with transaction.atomic():
            pipeline.mark_queued(ids)
            for chunk in chunks:
                fetch_pages.enqueue(feed_id, chunk)
    else:
        pipeline.mark_queued(ids)
        for chunk in chunks:
            transaction.on_commit(lambda chunk=chunk: fetch_pages.enqueue(feed_id, chunk))


@task()
def fetch_article(article_id: int) -> str:
    def body():
        outcome = pipeline.fetch_article(article_id)
        if outcome == "ok":
            queue(process_article, [article_id])
        return outcome

    return _bounded("fetch_article", article_id, body)


PAGES_PER_TASK = 10  # a feed's new pages fetched by one task (fetch_pages)


@task()
def fetch_pages(feed_id: int, article_ids: list[int]) -> int:
    """The pages of a feed's new entries (up to PAGES_PER_TASK), one task for them: each page is
    fetched while the one before it is extracted (pipeline.fetch_articles), and the queue is
    asked once, not once a page. Should it not finish, each article left PENDING is queued as
    a fetch_article of its own (hand_on), which counts its attempts."""

    def body():
        outcomes = pipeline.fetch_articles(article_ids)
        ok = [pk for pk, outcome in outcomes.items() if outcome == "ok"]
        queue(process_article, ok)
        return len(ok)

    return _bounded("fetch_pages", feed_id, body)


@task(queue_name=PROCESS_QUEUE)
def process_article(article_id: int) -> bool:
    """Process the article with a batch of others waiting (crawl/process.py claim_batch);
    False when another worker's batch holds it or it was processed already."""

    def body():
        batch = claim_batch(article_id)
        if not batch:
            return False
        if _database_queue() and len(batch) >= process.BATCH:
            # More than a batch waited: the next task now, so another worker processes the next
            # batch beside this one. Queued when this batch ended, processing ran on one worker
            # at a time and the other fetched (12.4-12.8 articles/s on bench/crawl.py, 1.1 cores).
            _more_processing()
        if batch[0] != article_id:
            # Another batch took this one; the task took the articles waiting instead, so the
            # heartbeat names one of those (hand_on finds the rest of the batch by it).
            workers.task_started("process_article", batch[0])
        try:
            if batch == [article_id]:
                return pipeline.process_article(article_id)
            # The others' errors are logged and leave them for a later try; this one's fails the task.
            done = pipeline.process_articles(batch)
            if batch[0] not in done:
                raise RuntimeError(f"processing article {batch[0]} failed (see the log above)")
            return article_id in done
        except Exception:
            # The worker runs quietly (-v0); say which article and step broke, then let the
            # task fail so it shows as FAILED in the admin; requeue_stale retries it later.
            log.exception("processing article %s failed", batch[0])
            raise

    return _bounded("process_article", article_id, body)


def queue(next_task, ids: list[int]) -> None:
    """Mark the articles queued and enqueue `next_task` for each. On the database queue both
    writes are one transaction, so a worker killed between them loses nothing; Redis cannot
    join the transaction, so there the jobs go out once the mark has committed."""
    if not ids:
        return
    if next_task is process_article and _database_queue():
        with transaction.atomic():
            pipeline.mark_queued(ids)
            _one_processing_task(ids[0])
        return
    if next_task is process_article:
        next_task = processing()
    if _database_queue():
        with transaction.atomic():
            pipeline.mark_queued(ids)
            for pk in ids:
                next_task.enqueue(pk)
    else:
        pipeline.mark_queued(ids)
        for pk in ids:
            transaction.on_commit(lambda pk=pk: next_task.enqueue(pk))


def processing(wait: float | None = None):
    """`process_article` as it must be enqueued, ahead of fetches: the database worker takes
    tasks by priority, whatever their queue; RQ's backend refuses priorities, and its workers
    listen to the task's own queue (PROCESS_QUEUE) first instead.

    On the database queue it waits PROCESS_WAIT seconds first: run at once, ahead of the next
    fetch, each task found only its own article waiting and processed a batch of one (its
    story summarised again for every arrival); after the wait the first task takes every
    article fetched meanwhile (claim_batch) and the others' tasks find theirs taken. RQ would
    need its scheduler for a delayed job, which our workers do not run."""
    if not _database_queue():
        return process_article
    wait = settings.PROCESS_WAIT if wait is None else wait
    return process_article.using(priority=PROCESS_PRIORITY,
                                 run_after=timezone.now() + timedelta(seconds=wait) if wait > 0 else None)


def _one_processing_task(pk: int, wait: float | None = None) -> None:
    """On the database queue, one processing task waits at a time: its batch (claim_batch)
    takes every article queued before it runs, so a task for each of them would only find
    its article taken, each such no-op costing the queue a claim, a result row and two
    heartbeat writes. An article queued while a task is RUNNING gets a new waiting task
    (the running batch may have been claimed before it came), and a batch that was full
    queues the next at once (_more_processing)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=process_article.module_path)
    if not waiting.exists():
        processing(wait).enqueue(pk)


def _more_processing() -> None:
    pk = next_waiting()
    if pk is not None:
        with transaction.atomic():
            _one_processing_task(pk, wait=0)


def _database_queue() -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(poll_feed.get_backend(), DatabaseBackend)


def hand_on(name: str, arg: int, kind: str, message: str) -> None:
    """Record a task that did not finish and queue what is left of its work."""
    if name == "poll_feed":
        pipeline.abandon_poll(arg, kind, message)  # due again at once or after a backoff: the scheduler polls it
        queue(fetch_article, pipeline.lost_entries(arg))
    elif name == "fetch_pages":
        # Which page it was on is not known: each page left is fetched by a task of its own,
        # which counts its attempts (a page that kills its worker every time ends FAILED).
        queue(fetch_article, pipeline.pending_entries(arg))
    elif name == "fetch_article":
        step = pipeline.abandon_fetch(arg, kind, message)
        if step:
            queue(fetch_article if step == "fetch" else process_article, [arg])
    elif name == "process_article":
        # The rest of its batch is queued again now, not when the claim's lease runs out.
        rest = batch_of(arg)
        again = pipeline.abandon_process(arg, kind, message)
        queue(process_article, ([arg] if again else []) + rest)


def recover_dead_workers() -> int:
    """Hand on the tasks of workers that stopped beating; the number of tasks handed on."""
    lost = workers.reap()
    for name, arg, why in lost:
        try:
            hand_on(name, arg, pipeline.WORKER_DIED, why)
        except Exception:  # one odd row must not keep the rest waiting
            log.exception("could not hand on %s(%s)", name, arg)
    return len(lost)


def schedule_due(polls) -> int:
    """Claim every due feed and hand it to `polls` (the scheduler's poll threads,
    crawl/polls.py), healthy feeds first; requeue work a killed worker left."""
    recover_dead_workers()
    feeds = pipeline.claim_feeds()
    for feed in feeds:
        polls.add(feed)
    pending, unprocessed = pipeline.requeue_stale()
    for pk in pending:
        fetch_article.enqueue(pk)
    for pk in unprocessed:
        processing().enqueue(pk)
    return len(feeds)
