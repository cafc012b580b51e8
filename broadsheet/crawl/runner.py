"""One crawl pass in this process: poll due feeds, fetch new articles, process them.

Used by `broadsheet crawl --once` (and the benchmarks). A pipeline, not phases: a feed's
new entries go to page fetching as soon as that feed is stored, pages are extracted in a
process pool while others are fetched, and stored articles are processed in batches by
one thread while fetching goes on.

    feed polls ─┐                      ┌─> extraction (processes)
                ├─> HostQueue ─> workers ─┤
    page fetches┘  (per host)           └─> stored ids ─> processing thread (batches)

Work waits in one queue per host (see hosts.py) and a worker only takes the job of a
host with a free slot (lib.http allows two requests in flight per host), so the pool
never sits on one host's semaphore while other hosts' work waits. A worker stuck in one
fetch for a second (a server that hangs) stops counting towards the pool, and another
thread takes its place, so a few dead hosts cannot hold up the live ones.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import close_old_connections, connection

from broadsheet.crawl import pipeline
from broadsheet.crawl.hosts import PAGE, Deferred, FeedLanes, HostQueue

log = logging.getLogger("broadsheet.crawl")

STALLED_AFTER = 1.0  # seconds in one fetch (or a retry's wait) before a worker no longer counts towards the pool
MAX_POOL_FACTOR = 8  # at most CRAWL_WORKERS x this many threads, stalled ones included
BATCH = 32  # stored articles handed to processing at once
EXTRACT_IN_PROCESSES_FROM = 20  # pages in a pass before extraction moves to a process pool


@dataclass
class CrawlSummary:
    feeds_ok: int = 0
    feeds_warned: int = 0  # read, but ill-formed (truncated, garbage inside): not counted in feeds_ok
    feeds_failed: int = 0
    feeds_not_modified: int = 0
    entries: int = 0
    new: int = 0
    known: int = 0
    skipped_entries: int = 0
    entries_waiting: int = 0  # left in their feeds for a later poll by the caps per poll and per source
    articles_ok: int = 0
    duplicates: int = 0
    articles_failed: int = 0
    retry_later: int = 0
    processed: int = 0
    errors: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"feeds: {self.feeds_ok} ok ({self.feeds_not_modified} unchanged), {self.feeds_warned} read with warnings, "
            f"{self.feeds_failed} failed",
            f"entries: {self.entries} seen, {self.new} new, {self.known} already known, {self.skipped_entries} without link, "
            f"{self.entries_waiting} left for later polls",
            f"articles: {self.articles_ok} stored, {self.duplicates} duplicates, {self.articles_failed} failed, "
            f"{self.retry_later} to retry later, {self.processed} processed",
        ]
        if self.errors:
            out.append("errors: " + ", ".join(f"{kind} {n}" for kind, n in self.errors.most_common()))
        return out

    def add_poll(self, result: pipeline.PollResult) -> None:
        if result.ok and result.warning:
            self.feeds_warned += 1
        elif result.ok:
            self.feeds_ok += 1
            self.feeds_not_modified += result.not_modified
        else:
            self.feeds_failed += 1
            self.errors[f"feed:{result.error_kind}"] += 1
        self.entries += result.entries
        self.new += len(result.new_ids)
        self.known += result.known
        self.skipped_entries += result.skipped
        self.entries_waiting += result.waiting

    def add_outcome(self, outcome: str) -> None:
        if outcome == "ok":
            self.articles_ok += 1
        elif outcome == "duplicate":
            self.duplicates += 1
        elif outcome == "retry":
            self.retry_later += 1
        elif outcome == "failed":
            self.articles_failed += 1


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""  # the key lib.http counts its per-host slots by


# --- extraction ------------------------------------------------------------------------


class Extractor:
    """`extract` in the calling thread for a small pass; in a process pool once the pass
    has EXTRACT_IN_PROCESSES_FROM pages (extraction is CPU-bound and holds the GIL)."""

    def __init__(self, workers: Workers):
        from broadsheet.extract import extract

        self.extract, self.workers = extract, workers
        self.pages, self.pool, self.lock = 0, None, threading.Lock()

    def expect(self, count: int) -> None:
        self.pages += count
        processes = settings.CRAWL_EXTRACT_PROCESSES
        with self.lock:
            if self.pool is None and processes > 1 and self.pages >= EXTRACT_IN_PROCESSES_FROM:
                # spawn, not fork: this process has threads (and maybe locks held) now
                self.pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"))

    def __call__(self, html: str, url: str, **kwargs):
        self.workers.release_host()  # the page is fetched: its host's slot can serve another job
        if self.pool is None:
            return self.extract(html, url, **kwargs)
        with self.workers.waiting():  # waiting on a busy pool is not a stalled fetch
            return self.pool.submit(self.extract, html, url, **kwargs).result()

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


# --- fetching workers --------------------------------------------------------------------


class Workers:
    """Threads that take jobs from the HostQueue; more are started while some are stalled."""

    def __init__(self, jobs: HostQueue, results: queue.Queue, size: int):
        self.jobs, self.results, self.size = jobs, results, size
        self.busy_since: dict[int, float | None] = {}  # thread id -> when its current fetch began
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.local = threading.local()  # the host of this thread's job, until released

    def start(self) -> None:
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        thread = threading.Thread(target=self._run, name=f"crawl-{len(self.threads)}", daemon=True)
        self.threads.append(thread)
        thread.start()

    def _run(self) -> None:
        me = threading.get_ident()
        try:
            while (taken := self.jobs.take()) is not None:
                host, lane, (kind, fn, arg) = taken
                self.local.host = host
                with self.lock:
                    self.busy_since[me] = time.monotonic()
                try:
                    self.results.put((kind, arg, fn(arg), None))
                except Exception as exc:  # a bug or a database error costs one job, not the pass
                    self.results.put((kind, arg, None, exc))
                finally:
                    with self.lock:
                        self.busy_since[me] = None
                    self.jobs.done(host, lane, released=self.local.host is None)
                    close_old_connections()  # drops a broken connection; keeps a healthy one
        finally:
            connection.close()  # this thread's own connection: only it can close it

    def release_host(self) -> None:
        """Called from a job once it needs its host no more (before a long extraction)."""
        host = getattr(self.local, "host", None)
        if host is not None:
            self.local.host = None
            self.jobs.release(host)

    class _Waiting:
        def __init__(self, workers: Workers):
            self.workers, self.me = workers, threading.get_ident()

        def __enter__(self):
            with self.workers.lock:
                self.since = self.workers.busy_since.get(self.me)
                self.workers.busy_since[self.me] = None

        def __exit__(self, *exc):
            with self.workers.lock:
                if self.since is not None:
                    self.workers.busy_since[self.me] = time.monotonic()

    def waiting(self) -> _Waiting:
        return self._Waiting(self)

    def top_up(self) -> None:
        """Start a thread for each stalled one, so `size` threads keep making progress."""
        now = time.monotonic()
        with self.lock:
            stalled = sum(1 for since in self.busy_since.values() if since is not None and now - since > STALLED_AFTER)
        alive = sum(t.is_alive() for t in self.threads)
        wanted = min(self.size + stalled, self.size * MAX_POOL_FACTOR)
        for _ in range(wanted - alive):
            self._spawn()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()


# --- processing -----------------------------------------------------------------------------


def process_batch(ids: list[int]) -> tuple[int, int]:
    """Run the enrichment pipeline on stored articles: (processed, left unprocessed).

    The one place `crawl --once` processes. An article a step failed on is logged and left
    unprocessed by `process_articles`; requeue_stale hands it to a task worker later.
    """
    done = pipeline.process_articles(ids)
    return len(done), len(ids) - len(done)


class Processor:
    """One thread that processes stored articles in batches while fetching goes on.

    One thread, not a pool: story assignment reads the stories of the time window and
    then joins or opens one, so two articles of the same event placed at once could
    open two stories (and SQLite takes one writer at a time anyway)."""

    def __init__(self, results: queue.Queue):
        self.inbox: queue.Queue = queue.Queue()
        self.results = results
        self.thread = threading.Thread(target=self._run, name="crawl-process", daemon=True)
        self.thread.start()

    def add(self, pk: int) -> None:
        self.inbox.put(pk)

    def finish(self) -> None:
        self.inbox.put(None)

    def _run(self) -> None:
        finishing = False
        try:
            while not finishing:
                batch = []
                item = self.inbox.get()
                while item is not None:
                    batch.append(item)
                    if len(batch) >= BATCH:
                        break
                    try:
                        item = self.inbox.get_nowait()
                    except queue.Empty:
                        break
                finishing = item is None
                if batch:
                    try:
                        done, crashed = process_batch(batch)
                    except Exception:
                        log.exception("processing a batch crashed")
                        done, crashed = 0, len(batch)
                    self.results.put(("processed", batch, (done, crashed), None))
                    close_old_connections()
        finally:
            connection.close()


# --- the pass --------------------------------------------------------------------------------


def _grow(bar, count: int) -> None:
    if bar is not None and count:
        bar.total = (bar.total or 0) + count
        if hasattr(bar, "refresh"):
            bar.refresh()


def crawl_once(*, all_feeds: bool = False, process: bool = True, progress=None) -> CrawlSummary:
    """progress: a callable(total, desc) returning an object with .update() and .close() (tqdm);
    the totals of the "pages" and "processed" bars grow as feeds and pages come in."""
    summary = CrawlSummary()
    feeds = pipeline.claim_feeds(all_feeds)
    if not feeds:
        return summary
    workers_wanted = max(1, settings.CRAWL_WORKERS)
    results: queue.Queue = queue.Queue()
    # Pages may take up to two workers per extraction process even while feeds wait, so
    # extraction (the CPU-bound step) is busy from the first parsed feed on.
    # The pool has that many threads more, so feed polls keep CRAWL_WORKERS of their own.
    page_floor = 2 * max(1, settings.CRAWL_EXTRACT_PROCESSES)
    jobs = HostQueue(settings.FETCH["per_host"], page_floor=page_floor)
    workers = Workers(jobs, results, workers_wanted + page_floor)
    extractor = Extractor(workers)
    processor = Processor(results) if process else None
    bars = {name: progress(total, name) if progress else None
            for name, total in (("feeds", len(feeds)), ("pages", 0), ("processed", 0)) if name != "processed" or process}

    def fetch_page(pk: int) -> str:
        return pipeline.fetch_article(pk, extractor)

    lanes = FeedLanes()

    def poll(feed) -> pipeline.PollResult:
        return pipeline.poll_feed(feed, lambda *args, **kwargs: lanes.fetch(feed, *args, **kwargs))

    for feed in feeds:
        jobs.put(lanes.lane(feed), host_of(feed.url), ("feed", poll, feed))
    pending = len(feeds)  # feed and page jobs not yet answered
    to_process = 0
    new_ids: list[int] = []
    workers.start()
    next_top_up = 0.0
    try:
        while pending or to_process:
            if time.monotonic() >= next_top_up:  # on a clock: results may never stop coming
                workers.top_up()
                next_top_up = time.monotonic() + STALLED_AFTER / 4
            try:
                kind, arg, value, error = results.get(timeout=STALLED_AFTER / 4)
            except queue.Empty:
                continue
            if kind == "feed":
                if isinstance(error, Deferred):
                    log.info("%s; polled again after the host's other feeds", error)
                    lanes.defer(arg)
                    jobs.put(lanes.lane(arg), host_of(arg.url), ("feed", poll, arg))
                    continue
                pending -= 1
                if error is not None:
                    log.error("polling feed %s crashed", arg.url, exc_info=error)
                    summary.feeds_failed += 1
                    summary.errors["feed:crash"] += 1
                else:
                    summary.add_poll(value)
                    if value.new_ids:
                        new_ids.extend(value.new_ids)
                        _grow(bars["pages"], len(value.new_ids))
                        extractor.expect(len(value.new_ids))
                        for pk, url in _urls(value.new_ids):
                            jobs.put(PAGE, host_of(url), ("page", fetch_page, pk))
                            pending += 1
                _tick(bars["feeds"])
            elif kind == "page":
                pending -= 1
                if error is not None:
                    log.error("storing article %s crashed", arg, exc_info=error)
                    summary.errors["article:crash"] += 1
                    value = "failed"
                summary.add_outcome(value)
                if value == "ok":
                    if processor is not None:
                        processor.add(arg)
                        to_process += 1
                        _grow(bars.get("processed"), 1)
                    else:
                        _queue_for_workers(arg)
                _tick(bars["pages"])
            elif kind == "processed":
                to_process -= len(arg)
                done, crashed = value
                summary.processed += done
                if crashed:
                    summary.errors["process:failed"] += crashed
                _tick(bars.get("processed"), len(arg))
            if not pending:
                jobs.close()  # no feed left to bring pages: idle workers may go
    finally:
        jobs.close()
        if processor is not None:
            processor.finish()
        workers.join()
        if processor is not None:
            processor.thread.join()
        extractor.shutdown()
        for bar in bars.values():
            if bar is not None:
                bar.close()
    if summary.articles_failed or summary.retry_later:
        from broadsheet.articles.models import Article

        kinds = Article.objects.filter(pk__in=new_ids).exclude(error_kind="").values_list("error_kind", flat=True)
        summary.errors.update(f"article:{kind}" for kind in kinds)
    return summary


def _urls(ids: list[int]) -> list[tuple[int, str]]:
    from broadsheet.articles.models import Article

    return list(Article.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "url"))


def _tick(bar, count: int = 1) -> None:
    if bar is not None:
        bar.update(count)


def _queue_for_workers(pk: int) -> None:
    """--no-process: the task worker processes the article."""
    from broadsheet.crawl.tasks import processing

    pipeline.mark_queued([pk])
    processing().enqueue(pk)
