"""A wall-clock deadline for the task a worker process is running.

`with deadline(seconds):` raises DeadlineExceeded in the block once `seconds` have passed,
through SIGALRM. Only the main thread receives signals, so the deadline is armed only
there (a task worker runs its one task in its main thread, both the database worker and
RQ's SimpleWorker); in any other thread it does nothing, and what runs there must be
bounded by its own means (the HTTP client's per-fetch deadline). The signal handler
runs between two Python bytecodes: a long call into C (a regex, a model's forward pass)
finishes that call before the exception lands.

DeadlineExceeded is a BaseException, so the `except Exception` that keeps one bad page
from stopping a crawl does not swallow it; `transaction.atomic` still rolls back.
rq's UnixSignalDeathPenalty does the same with whole seconds and an Exception; this
one takes fractions and is shared by both queues.
"""

from __future__ import annotations

import contextlib
import signal
import threading


class DeadlineExceeded(BaseException):
    pass


@contextlib.contextmanager
def deadline(seconds: float, what: str = "task"):
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getitimer(signal.ITIMER_REAL)[0]:  # an outer deadline is armed: it bounds this block
        yield
        return

    def expire(signum, frame):
        raise DeadlineExceeded(f"{what} ran past its {seconds:g} s deadline")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
