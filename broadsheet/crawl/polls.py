"""The running scheduler's feed polls, in threads of its own: never on a task worker.

A poll is waiting on a network: as a task it held one of the few task workers for as long
as its feed took to answer, up to the whole fetch deadline for a host that hangs, while
pages waited to be fetched and articles to be processed. So `broadsheet run`'s scheduler
polls the feeds it claims itself, with the pieces `crawl --once` polls with: a HostQueue
(per-host politeness, hosts in turn) and its Workers (a thread stuck in one fetch for a
second stops counting, another takes its place, up to 8 x the pool). Each poll queues the
feed's new entries for the task workers as soon as it has stored them
(tasks.poll_and_queue), so fetching, extraction and processing go on meanwhile.

The threads live as long as polls wait (a pass): the scheduler hands each claimed feed to
`add`, calls `tick` a few times a second, and once every poll is answered the threads end;
the next due feed starts a new pass. What bounds a pass is the HTTP client's deadline per
fetch; a feed that failed its last poll gets one try, no inline retries.

A host's two slots are never both held by hanging feeds (the p99 of healthy feeds' delay
was one host whose two failing feeds hung for the whole 15 s deadline while its eight
healthy ones waited): see hosts.FeedLanes.

On SQLite the threads take turns writing (a lock from the end of a poll's fetch to its
queued entries): SQLite's busy timeout is not a queue, and with a dozen writers in one
process beside the task workers a poll could wait out its 30 s and crash ("database is
locked": 10 of 1,000 polls in one bench run at load 13). Fetches still run side by side.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading

from django.conf import settings
from django.db import connection

from broadsheet.crawl.hosts import Deferred, FeedLanes, HostQueue
from broadsheet.crawl.pipeline import PollResult
from broadsheet.crawl.runner import Workers, host_of
from broadsheet.crawl.tasks import poll_and_queue
from broadsheet.sources.models import Feed

log = logging.getLogger("broadsheet.crawl")


class Polls:
    def __init__(self, size: int | None = None):
        self.size = max(1, size or settings.CRAWL_WORKERS)
        self.results: queue.Queue = queue.Queue()
        self.jobs: HostQueue | None = None
        self.workers: Workers | None = None
        self.waiting: dict[int, Feed] = {}  # claimed feeds whose poll is not answered yet
        self.lanes = FeedLanes()  # of this pass
        self.writing = threading.Lock() if connection.vendor == "sqlite" else None

    def add(self, feed: Feed) -> None:
        """Poll a feed this process has claimed (pipeline.claim)."""
        if self.jobs is None:
            self.jobs = HostQueue(settings.FETCH["per_host"])
            self.workers = Workers(self.jobs, self.results, self.size)
            self.workers.start()
        self.waiting[feed.pk] = feed
        self._put(feed)

    def _put(self, feed: Feed) -> None:
        self.jobs.put(self.lanes.lane(feed), host_of(feed.url), ("feed", self._poll, feed))

    def _poll(self, feed: Feed) -> PollResult:
        with contextlib.ExitStack() as held:

            def fetch(*args, **kwargs):
                deferred = False
                try:
                    return self.lanes.fetch(feed, *args, **kwargs)
                except Deferred:
                    deferred = True
                    raise
                finally:  # a failure is written too; a deferred poll writes nothing
                    if self.writing is not None and not deferred:
                        self.writing.acquire()
                        held.callback(self.writing.release)

            return poll_and_queue(feed, fetch)

    def tick(self) -> list[PollResult]:
        """The polls answered since the last tick; replaces stalled threads; ends a pass
        once no poll waits."""
        answered = []
        while True:
            try:
                _, feed, result, error = self.results.get_nowait()
            except queue.Empty:
                break
            if isinstance(error, Deferred) and self.jobs is not None:
                log.info("%s; polled again after the host's other feeds", error)
                self.lanes.defer(feed)
                self._put(feed)
                continue
            self.waiting.pop(feed.pk, None)
            if error is not None:  # a bug or a database error: the claim's lease runs out, then it is due again
                log.error("polling feed %s crashed", feed.url, exc_info=error)
            else:
                answered.append(result)
        if self.jobs is not None:
            if self.waiting:
                self.workers.top_up()
            else:
                self.jobs.close()  # the threads see it and end
                self.jobs = self.workers = None
                self.lanes = FeedLanes()
        return answered

    def stop(self) -> int:
        """Give back the claims of the feeds not polled yet (due again at once for the next
        scheduler); polls in flight are cut when this process exits. How many were given back."""
        if self.jobs is not None:
            self.jobs.drop()
            self.jobs = self.workers = None
        self.lanes = FeedLanes()
        waiting, self.waiting = list(self.waiting), {}
        return Feed.objects.filter(pk__in=waiting).update(claimed_until=None) if waiting else 0
