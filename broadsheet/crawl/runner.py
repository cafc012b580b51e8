"""One crawl pass in this process: poll due feeds, fetch new articles, process them.

Used by `broadsheet crawl --once` (and the ingest benchmark). Fetches run in a thread
pool; the per-host limit in lib.http keeps each publisher at two requests at a time.
"""

from __future__ import annotations

from collections import Counter
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection

from broadsheet.crawl import pipeline
from broadsheet.sources.models import Feed

log = logging.getLogger("broadsheet.crawl")


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


def _in_thread(fn, *args):
    try:
        return fn(*args)
    finally:
        close_old_connections()  # drops a connection that broke; keeps a healthy one for the next task


def _close_connections(pool: ThreadPoolExecutor, workers: int) -> None:
    """Close the database connection of every pool thread.

    Connections are per thread and can only be closed by their own thread; a barrier
    makes `workers` distinct threads each run one close. Reconnecting per task instead
    cost SQLite a third of the crawl (each connect sets up WAL again).
    """
    barrier = threading.Barrier(workers)

    def close(_):
        connection.close()
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass

    list(pool.map(close, range(workers)))


def _extractor(count: int):
    """Extraction is CPU-bound and holds the GIL: spread a large batch over processes."""
    from broadsheet.extract import extract

    n = settings.CRAWL_EXTRACT_PROCESSES
    if n <= 1 or count < 20:
        return extract, None
    # spawn, not fork: this process has threads (and maybe locks held) at this point
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))

    def in_pool(html: str, url: str, **kwargs):
        return pool.submit(extract, html, url, **kwargs).result()

    return in_pool, pool


def crawl_once(*, all_feeds: bool = False, process: bool = True, progress=None) -> CrawlSummary:
    """progress: a callable(total, desc) returning an object with .update() and .close() (tqdm)."""
    summary = CrawlSummary()
    feeds = Feed.objects.filter(active=True) if all_feeds else pipeline.due_feeds()
    feeds = [f for f in feeds.select_related("source") if pipeline.claim(f.pk)]
    workers = max(1, settings.CRAWL_WORKERS)
    new_ids: list[int] = []

    bar = progress(len(feeds), "feeds") if progress else None
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(_in_thread, pipeline.poll_feed, f) for f in feeds]):
            try:
                result = future.result()
            except Exception:  # a bug or a database error costs one feed, not the pass
                log.exception("polling a feed crashed")
                summary.feeds_failed += 1
                summary.errors["feed:crash"] += 1
                continue
            if result.ok and result.warning:
                summary.feeds_warned += 1
            elif result.ok:
                summary.feeds_ok += 1
                summary.feeds_not_modified += result.not_modified
            else:
                summary.feeds_failed += 1
                summary.errors[f"feed:{result.error_kind}"] += 1
            summary.entries += result.entries
            summary.new += len(result.new_ids)
            summary.known += result.known
            summary.skipped_entries += result.skipped
            summary.entries_waiting += result.waiting
            new_ids.extend(result.new_ids)
            if bar:
                bar.update()
        _close_connections(pool, workers)
    if bar:
        bar.close()

    stored: list[int] = []
    bar = progress(len(new_ids), "articles") if progress and new_ids else None
    extractor, processes = _extractor(len(new_ids))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_in_thread, pipeline.fetch_article, pk, extractor): pk for pk in new_ids}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception:
                log.exception("storing article %s crashed", futures[future])
                outcome = "failed"
                summary.errors["article:crash"] += 1
            if outcome == "ok":
                summary.articles_ok += 1
                stored.append(futures[future])
            elif outcome == "duplicate":
                summary.duplicates += 1
            elif outcome == "retry":
                summary.retry_later += 1
            elif outcome == "failed":
                summary.articles_failed += 1
            if bar:
                bar.update()
        _close_connections(pool, workers)
    if bar:
        bar.close()
    if processes:
        processes.shutdown()
    if summary.articles_failed or summary.retry_later:
        from broadsheet.articles.models import Article

        kinds = Article.objects.filter(pk__in=new_ids).exclude(error_kind="").values_list("error_kind", flat=True)
        summary.errors.update(f"article:{kind}" for kind in kinds)

    if not process:
        from broadsheet.crawl.tasks import process_article

        pipeline.mark_queued(stored)
        for pk in stored:
            process_article.enqueue(pk)
    elif stored:
        bar = progress(len(stored), "processing") if progress else None
        for pk in stored:
            summary.processed += pipeline.process_article(pk)
            if bar:
                bar.update()
        if bar:
            bar.close()
    return summary
