"""Where a task worker's time goes: busy in tasks, waiting on the network or the database,
idle on an empty queue.

A worker that uses a core 66% of the time is waiting the other 34%, and what it waits on
decides what to change: a page fetch, SQLite's one writer (its busy handler sleeps), the
queue's poll interval. `broadsheet worker` meters its own thread (the one that runs tasks;
the heartbeat thread is not counted) in spans, each summing wall time and the thread's CPU
time, and logs the totals when it stops, as one line that bench/crawl.py reads:

    worker busy: {"wall": ..., "cpu": ..., "runqueue": ..., "spans": {"task:fetch_article": [count, wall, cpu, runqueue], ...}}

Top-level spans (they do not overlap, so with "idle" they add up to the wall time):
`task:NAME` a task run (the queue's result row included), `claim` taking the next task from
the queue, `idle` sleeping on an empty queue. Inner spans, counted inside the others: `http`
(a page fetch, robots.txt included), `db:<top-level span>` (every query the thread sends,
its wait for SQLite's write lock included).

Time off the core is of two kinds, and a loaded machine makes the first large: waiting for a
core (runnable, in the kernel's run queue: /proc/thread-self/schedstat, Linux) and blocked
(sleeping on a socket, a lock, SQLite's busy handler, the queue's interval). Each span
keeps [count, wall, CPU, run-queue wait] in seconds; blocked = wall - CPU - run queue.
Cheap enough to be always on (a few microseconds a span).
"""

from __future__ import annotations

import json
import os
import threading
import time
from contextlib import contextmanager

SPANS: dict[str, list] = {}  # name -> [count, wall, thread CPU, run-queue wait] (seconds)
_thread: int | None = None  # the metered thread; spans in other threads are not counted
_started = (0.0, 0.0, 0.0)
_ended: tuple[float, float, float] | None = None
_open: list[tuple[str, tuple[float, float, float]]] = []  # spans entered and not yet left, outermost first
_schedstat: int | None = None  # an open /proc/thread-self/schedstat of the metered thread


def _runqueue() -> float:
    """Seconds the metered thread has waited for a core so far (0 where Linux does not say)."""
    if _schedstat is None:
        return 0.0
    try:
        return int(os.pread(_schedstat, 100, 0).split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _now() -> tuple[float, float, float]:
    return time.perf_counter(), time.thread_time(), _runqueue()


def start() -> None:
    """Meter the calling thread from now on (the worker's task loop)."""
    global _thread, _started, _ended, _schedstat
    SPANS.clear()
    _open.clear()
    _thread = threading.get_ident()
    if _schedstat is None:
        try:
            _schedstat = os.open("/proc/thread-self/schedstat", os.O_RDONLY)  # this thread's, from here on
        except OSError:
            pass
    _started, _ended = _now(), None


def stop() -> bool:
    """Stop counting, the spans still open counted up to now (called in the metered thread:
    a signal handler runs there too); whether the meter was running."""
    global _thread, _ended
    if _thread is None:
        return False
    _ended = _now()
    for name, before in _open:
        add(name, *(b - a for a, b in zip(before, _ended)))
    _thread = None
    return True


@contextmanager
def span(name: str):
    if _thread != threading.get_ident():
        yield
        return
    entry = (name, _now())
    _open.append(entry)
    try:
        yield
    finally:
        if _thread is not None and _open and _open[-1] is entry:  # not when stop() counted it already
            _open.pop()
            add(name, *(b - a for a, b in zip(entry[1], _now())))


def add(name: str, wall: float, cpu: float, runqueue: float = 0.0) -> None:
    totals = SPANS.setdefault(name, [0, 0.0, 0.0, 0.0])
    totals[0] += 1
    totals[1] += wall
    totals[2] += cpu
    totals[3] += runqueue


def db_wrapper(execute, sql, params, many, context):
    """A Django execute wrapper (connection.execute_wrappers): each query as a span, "db:" and
    the name of the top-level span it runs in (db:task:fetch_article, db:claim)."""
    if _thread != threading.get_ident():
        return execute(sql, params, many, context)
    with span("db:" + (_open[0][0] if _open else "")):
        return execute(sql, params, many, context)


def report() -> dict:
    wall, cpu, runqueue = (b - a for a, b in zip(_started, _ended or _now()))
    return {"wall": round(wall, 3), "cpu": round(cpu, 3), "runqueue": round(runqueue, 3),
            "spans": {name: [n, *(round(v, 3) for v in values)] for name, (n, *values) in sorted(SPANS.items())}}


def line() -> str:
    return "worker busy: " + json.dumps(report())
