"""Work waiting per host, handed out only where the host has a free slot.

lib.http lets `per_host` requests be in flight to one host and makes any further one
wait on a semaphore. A pool that took jobs in arrival order would fill with threads
asleep on the semaphore of one busy (or hanging) host while every other host's work
waited behind them. Here a worker takes the next job of a host that has a free slot,
hosts in turn (round robin), feed polls before page fetches (a poll brings the pages),
except that up to `page_floor` page fetches may run while feeds wait, so extraction
always has pages to work on.

Feeds that are failing (or that were cut as the second fetch hanging on their host,
lib.http's hang_after) wait in a third lane, SLOW: a host runs them after its queued
healthy feeds and one at a time, so a host's second slot is never held by a feed known
to hang while its healthy feeds wait.

The standard library's queues hand out in one order only; this is the little that is
needed on top (a dict of deques and a condition), so it is written here.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from broadsheet.lib import http

FEED, PAGE, SLOW = 0, 1, 2  # lanes, in the order they are served
LANES = (FEED, PAGE, SLOW)


class HostQueue:
    def __init__(self, per_host: int, page_floor: int = 0):
        self.per_host, self.page_floor = max(1, per_host), page_floor
        self.running = [0, 0, 0]  # jobs in flight per lane
        self.cond = threading.Condition()
        self.waiting: dict[str, tuple[deque, deque, deque]] = {}
        self.in_flight: Counter = Counter()
        self.slow_in_flight: Counter = Counter()  # SLOW jobs in flight per host: at most one
        # hosts with work in that lane and a free slot; dicts keep insertion order: the ring
        self.ready: tuple[dict[str, None], ...] = ({}, {}, {})
        self.closed = False

    def put(self, lane: int, host: str, job: Any) -> None:
        with self.cond:
            self.waiting.setdefault(host, (deque(), deque(), deque()))[lane].append(job)
            for each in LANES:  # keeps the host's place in the rings it is in already
                if self._runnable(host, each):
                    self.ready[each].setdefault(host)
                else:
                    self.ready[each].pop(host, None)
            self.cond.notify()

    def take(self) -> tuple[str, int, Any] | None:
        """The next (host, lane, job); blocks while none is runnable; None once closed and drained."""
        with self.cond:
            while True:
                for lane in (PAGE, FEED, SLOW) if self.running[PAGE] < self.page_floor else LANES:
                    if self.ready[lane]:
                        host = next(iter(self.ready[lane]))
                        job = self.waiting[host][lane].popleft()
                        self.in_flight[host] += 1
                        self.running[lane] += 1
                        if lane == SLOW:
                            self.slow_in_flight[host] += 1
                        self._place(host)
                        return host, lane, job
                if self.closed and not any(q for pair in self.waiting.values() for q in pair):
                    return None
                self.cond.wait()

    def release(self, host: str) -> None:
        """The job is done with the host (its fetch is over) but not yet done: free the slot."""
        with self.cond:
            self.in_flight[host] -= 1
            self._place(host)
            self.cond.notify_all()

    def done(self, host: str, lane: int, released: bool = False) -> None:
        with self.cond:
            if not released:
                self.in_flight[host] -= 1
            self.running[lane] -= 1
            if lane == SLOW:
                self.slow_in_flight[host] -= 1
            self._place(host)
            self.cond.notify_all()

    def close(self) -> None:
        """No more jobs will come: workers return None once nothing is left to run."""
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def drop(self) -> None:
        """Close, and forget the jobs not taken yet: workers end once their job in hand is done."""
        with self.cond:
            for pair in self.waiting.values():
                for lane in pair:
                    lane.clear()
            for ring in self.ready:
                ring.clear()
            self.closed = True
            self.cond.notify_all()

    def _place(self, host: str) -> None:
        """Put the host at the back of each ring it belongs in (round robin), or out of it."""
        for lane in LANES:
            self.ready[lane].pop(host, None)
            if self._runnable(host, lane):
                self.ready[lane][host] = None

    def _runnable(self, host: str, lane: int) -> bool:
        queued = self.waiting[host]
        if lane == SLOW:  # one at a time, after the host's healthy feeds
            return bool(queued[SLOW]) and self.in_flight[host] < self.per_host and not self.slow_in_flight[host] and not queued[FEED]
        return bool(queued[lane]) and self.in_flight[host] < self.per_host


class Deferred(Exception):
    """The poll was cut as the second fetch hanging on its host: it is polled again in its
    host's SLOW lane. Not a FetchError, so poll_feed lets it through unrecorded."""


class FeedLanes:
    """Which lane a feed's poll waits in, and the fetch it polls with, for one pass (the
    scheduler's Polls and `crawl --once` alike).

    A feed that failed its last poll, or whose poll was cut as the second one hanging on its
    host (lib.http's hang_after), waits in SLOW: after its host's healthy feeds, one at a time,
    never cut itself. Once a SLOW poll of a host has timed out in the pass, the host's other
    SLOW polls fail at once ("not tried again"): a dead host costs one timeout per pass."""

    def __init__(self):
        self.slow: set[int] = set()
        self.timed_out: dict[str, str] = {}  # host -> the SLOW feed that timed out on it

    def lane(self, feed) -> int:
        if feed.consecutive_failures:
            self.slow.add(feed.pk)
        return SLOW if feed.pk in self.slow else FEED

    def defer(self, feed) -> None:
        self.slow.add(feed.pk)

    def fetch(self, feed, *args, **kwargs) -> http.Response:
        """lib.http's fetch for poll_feed; raises Deferred when the poll was cut."""
        host, slow = urlsplit(feed.url).hostname or "", feed.pk in self.slow
        if slow and host in self.timed_out:
            raise http.FetchError("timeout", f"not tried again: {self.timed_out[host]} timed out on {host} in this pass")
        try:
            return http.fetch(*args, hang_after=settings.FETCH["hang_after"], may_be_cut=not slow, **kwargs)
        except http.FetchError as exc:
            if exc.kind == http.HOST_HANGS:
                raise Deferred(str(exc)) from exc
            if slow and exc.kind == "timeout":
                self.timed_out.setdefault(host, feed.url)
            raise
