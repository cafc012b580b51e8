"""`broadsheet worker`: one task worker, on whichever queue the settings name.

The database queue (embedded default) is drained by django-tasks-db's worker; with
REDIS_URL set, by RQ's SimpleWorker with django-tasks-rq's job class. SimpleWorker runs
each job in this process instead of forking a work-horse per job (RQ's default Worker),
so a model loaded by one job (the sentence model: seconds to load) stays loaded for the
next; the price is that a job that crashes the interpreter takes the worker with it, which
the heartbeat (crawl/workers.py) and `broadsheet run`'s restart cover. Both kinds beat a
heartbeat row and run each task under TASK_DEADLINE (crawl/tasks.py).

`broadsheet run` starts these; start more on any machine that reaches the same database
and Redis with `broadsheet worker` (or `broadsheet run --no-web --no-scheduler`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.core.management.base import BaseCommand

from broadsheet.conf import env
from broadsheet.crawl import busy, workers

log = logging.getLogger("broadsheet.workers")


class Command(BaseCommand):
    help = "Run one task worker (database queue, or RQ when REDIS_URL is set) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="", help="worker name, unique across machines (default: host-pid-random)")
        parser.add_argument("--queue", default="process,default",
                            help="queues to take tasks from, first listed first (default: process,default)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls of an empty database queue")

    def handle(self, *args, **opts):
        redis = bool(env("REDIS_URL"))
        _load_models()
        name = opts["name"] or workers.new_name()
        workers.register(name, "redis" if redis else "database")
        heartbeat = workers.Heartbeat(every=max(0.2, settings.TASK_LEASE / 6))
        heartbeat.start()
        log.info("worker %s started on the %s queue", name, "Redis" if redis else "database")
        connection.execute_wrappers.append(busy.db_wrapper)
        try:
            if redis:
                _run_rq(name, opts["queue"])
            else:
                _run_database(name, opts["queue"], opts["interval"])
        finally:
            report_busy()
            heartbeat.stop()
            workers.unregister()


def report_busy() -> None:
    """Log where this worker's time went (crawl/busy.py), once: when asked to stop (the
    figures end there, not after the task in hand) or else when the loop ends."""
    if busy.stop():
        log.info("%s", busy.line())


_SAMPLE_PAGE = "<html lang='en'><head><title>Sample</title></head><body><article><h1>Sample</h1>" + "".join(
    f"<p>The council met on day {i} to discuss the new tram line, and residents asked how the works "
    "would change their daily journeys across the city.</p>" for i in range(6)) + "</article></body></html>"


def _load_models() -> None:
    """Load the models the tasks use now, once: the language detector of the fetch path and
    those of the ARTICLE_PIPELINE steps' modules (the sentence model of embed_article). Not
    inside the first task, where loading would eat into its deadline and, holding the GIL
    for seconds, starve the heartbeat (see lib/once.warm_up)."""
    import importlib
    import time

    from django.utils.module_loading import import_string

    from broadsheet.lib.once import warm_up

    started = time.monotonic()
    modules = {"broadsheet.extract.language"} | {import_string(path).__module__ for path in settings.ARTICLE_PIPELINE}
    for module in modules:
        importlib.import_module(module)
    failed = warm_up(modules)
    try:  # the extractor and the language detector load parts of themselves on first use
        from broadsheet.extract import extract

        extract(_SAMPLE_PAGE, "https://example.org/news/sample")
    except Exception:
        failed.append("broadsheet.extract.extract")
    log.info("models loaded in %.1fs%s", time.monotonic() - started,
             f" (not available: {', '.join(failed)})" if failed else "")


def _run_database(name: str, queue: str, interval: float) -> None:
    worker = database_worker(name, queue, interval)
    worker.configure_signals()
    worker.run()


def database_worker(name: str, queue: str, interval: float):
    """django-tasks-db's Worker with its loop metered (crawl/busy.py), and an empty queue slept
    on only until its next delayed task is due (a processing task waits PROCESS_WAIT), not for
    the whole interval."""
    import time

    from django.db import close_old_connections
    from django.db.models import Min
    from django.db.utils import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    class DatabaseWorker(Worker):
        def shutdown(self, signum, frame) -> None:
            report_busy()
            super().shutdown(signum, frame)

        def run(self) -> None:
            # The library's loop (db_worker.Worker.run) with the spans and the shorter sleep.
            queued = DBTaskResult.objects.filter(backend_name=self.backend_name, queue_name__in=self.queue_names)
            busy.start()
            while self.running:
                close_old_connections()
                with busy.span("claim"):
                    task_result = self.claim(queued)
                if task_result is not None:
                    with busy.span("task:" + task_result.task_path.rsplit(".", 1)[-1]):
                        self.run_task(task_result)
                    continue
                with busy.span("idle"):
                    if self.running:
                        time.sleep(self.wait(queued))

        def claim(self, queued) -> DBTaskResult | None:
            with exclusive_transaction(queued.db):
                try:
                    task_result = queued.ready().get_locked()
                except OperationalError as exc:
                    if is_locked_database_exception(exc):  # as the library does: try again next time
                        return None
                    raise
                if task_result is not None:
                    task_result.claim(self.worker_id)  # so that no other worker runs it
                return task_result

        def wait(self, queued) -> float:
            """Seconds to sleep: the interval, or less when a delayed task is due sooner."""
            due = (queued.filter(status=TaskResultStatus.READY).exclude(run_after=get_date_max())
                   .aggregate(at=Min("run_after"))["at"])
            if due is None:
                return self.interval
            return max(0.0, min(self.interval, (due - timezone.now()).total_seconds()))

    return DatabaseWorker(queue_names=queue.split(","), interval=interval, batch=False, backend_name="default",
                          startup_delay=True, max_tasks=None, worker_id=name, excluded_queue_names=[])


def _run_rq(name: str, queue: str) -> None:
    busy.start()
    rq_worker(name, queue).work(with_scheduler=False, logging_level="WARNING")


def rq_worker(name: str, queue: str):
    """RQ's SimpleWorker on the named queues; RQ takes a job from the first queue listed that
    has one (so "process,default": an article's processing before any waiting fetch)."""
    import django_rq.queues
    from django.db import close_old_connections
    from django_tasks_rq import Job
    from rq import SimpleWorker
    from rq.timeouts import BaseDeathPenalty

    class NoDeathPenalty(BaseDeathPenalty):
        """Each task arms its own deadline (lib/deadline.py); RQ's SIGALRM would replace it."""

        def setup_death_penalty(self):
            pass

        def cancel_death_penalty(self):
            pass

    class Worker(SimpleWorker):
        death_penalty_class = NoDeathPenalty

        def execute_job(self, job, queue):
            # No request cycle here: drop a connection the database closed while we were idle.
            close_old_connections()
            try:
                with busy.span("task:" + job.func_name.rsplit(".", 1)[-1]):
                    return super().execute_job(job, queue)
            finally:
                close_old_connections()

    queues = django_rq.queues.get_queues(*queue.split(","), job_class=Job)
    return Worker(queues, name=name, connection=queues[0].connection, job_class=Job)
