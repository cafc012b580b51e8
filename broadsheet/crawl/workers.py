"""Task workers: who is alive (a heartbeat row each), what each is running, and what a dead
one left behind.

A worker rewrites its row every TASK_LEASE / 6 seconds from a daemon thread, and names the
task it is inside when the task starts (crawl/tasks.py). `reap()`, run by the scheduler of
`broadsheet run` every few seconds, takes each row whose beat is older than TASK_LEASE:
the process is gone (or frozen), so the task it named is handed on and the rows it left
RUNNING in the database queue are marked failed. Neither django-tasks-db (a worker id on
each row, no heartbeat) nor RQ (a worker heartbeat, but an abandoned job is only noticed
after the worker's TTL, minutes) gives this within a minute, nor knows which article to
pick up again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models.functions import Now
from django.utils import timezone

from broadsheet.crawl.models import TaskWorker

log = logging.getLogger("broadsheet.workers")

NAME: str | None = None  # this process's worker name, once `broadsheet worker` registered it


class WorkerDied(Exception):
    """Stored on a database-queue row whose worker stopped beating while it ran the task."""


def new_name() -> str:
    # At most 64 characters: the length django-tasks-db allows for a worker id.
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"


def register(name: str, queue: str) -> None:
    global NAME
    TaskWorker.objects.update_or_create(
        name=name, defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "queue": queue,
                             "beat_at": Now(), "task": "", "task_arg": None})
    NAME = name


def unregister() -> None:
    global NAME
    if NAME:
        TaskWorker.objects.filter(pk=NAME).delete()
    NAME = None


def beat() -> bool:
    """False when this worker's row is gone: the scheduler declared it dead and handed its task on."""
    return TaskWorker.objects.filter(pk=NAME).update(beat_at=Now()) == 1


HELD: tuple[str, int] | None = None  # the task this process runs now and the id it holds (the heartbeat's)


def task_started(task: str, arg: int) -> None:
    global HELD
    HELD = (task, arg)
    if NAME:
        TaskWorker.objects.filter(pk=NAME).update(task=task, task_arg=arg, task_started_at=Now(), beat_at=Now())


def task_finished() -> None:
    global HELD
    HELD = None
    if NAME:
        TaskWorker.objects.filter(pk=NAME).update(task="", task_arg=None, task_started_at=None)


class Heartbeat(threading.Thread):
    """Beats until stopped. If the worker finds it was declared dead (frozen longer than the
    lease, say, so its task already runs elsewhere) it exits at once rather than finish a
    task someone else now owns; its supervisor starts a fresh one."""

    def __init__(self, every: float):
        super().__init__(name="heartbeat", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                alive = beat()
            except Exception:  # a database hiccup: try again next beat; the lease is several beats
                log.warning("heartbeat of worker %s failed", NAME, exc_info=True)
                close_old_connections()
                continue
            if not alive:
                log.error("worker %s was declared dead (no heartbeat for %ss); exiting so its task "
                          "is not run twice", NAME, settings.TASK_LEASE)
                os._exit(3)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()


def reap() -> list[tuple[str, int, str]]:
    """Forget workers whose beat is older than the lease; return (task, arg, why) for each task
    they held, once, and mark the database-queue rows they left RUNNING as failed."""
    # Beats are written and compared by the database's clock: workers on other machines may
    # disagree with this one by more than a lease.
    cutoff = Now() - timedelta(seconds=settings.TASK_LEASE)
    lost: dict[tuple[str, int], str] = {}
    for worker in TaskWorker.objects.filter(beat_at__lt=cutoff):
        # A conditional delete: if two schedulers reap at once, or the worker beat just now, only one
        # of them (or none) hands its task on.
        if not TaskWorker.objects.filter(pk=worker.name, beat_at__lt=cutoff).delete()[0]:
            continue
        why = (f"worker {worker.name} (pid {worker.pid} on {worker.host}) stopped: "
               f"no heartbeat since {worker.beat_at:%H:%M:%S}")
        log.warning("%s; handing on %s", why, f"{worker.task}({worker.task_arg})" if worker.task else "nothing")
        if worker.task and worker.task_arg is not None:
            lost[(worker.task, worker.task_arg)] = why
        for key in _fail_running_rows({worker.name}, why):
            lost.setdefault(key, why)
    # RUNNING rows of a worker that never had a heartbeat row (a plain `db_worker`), once no task
    # could still be running: every task is stopped at its deadline.
    alive = set(TaskWorker.objects.values_list("name", flat=True))
    oldest = timezone.now() - timedelta(seconds=settings.TASK_DEADLINE + settings.TASK_LEASE)
    for key in _fail_running_rows(None, "its worker is gone: RUNNING past the task deadline", alive, oldest):
        lost.setdefault(key, "its worker is gone")
    return [(task, arg, why) for (task, arg), why in lost.items()]


def _fail_running_rows(names: set[str] | None, why: str, alive: set[str] = frozenset(),
                       started_before=None) -> list[tuple[str, int]]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.running()
    if started_before is not None:
        rows = rows.filter(started_at__lt=started_before)
    held = []
    for row in rows:
        owner = row.worker_ids[-1] if row.worker_ids else ""
        if (names is not None and owner not in names) or (names is None and owner in alive):
            continue
        row.set_failed(WorkerDied(why))
        args = row.args_kwargs.get("args") or []
        if args and isinstance(args[0], int):
            held.append((row.task_path.rsplit(".", 1)[-1], args[0]))
    return held
