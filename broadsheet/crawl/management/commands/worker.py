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
from django.core.management.base import BaseCommand

from broadsheet.conf import env
from broadsheet.crawl import workers

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
        try:
            if redis:
                _run_rq(name, opts["queue"])
            else:
                _run_database(name, opts["queue"], opts["interval"])
        finally:
            heartbeat.stop()
            workers.unregister()


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
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=queue.split(","), interval=interval, batch=False, backend_name="default", startup_delay=True,
                    max_tasks=None, worker_id=name, excluded_queue_names=[])
    worker.configure_signals()
    worker.run()


def _run_rq(name: str, queue: str) -> None:
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
                return super().execute_job(job, queue)
            finally:
                close_old_connections()

    queues = django_rq.queues.get_queues(*queue.split(","), job_class=Job)
    return Worker(queues, name=name, connection=queues[0].connection, job_class=Job)
