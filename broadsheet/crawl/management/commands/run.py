"""`broadsheet run`: the whole site in one command.

Starts the web server (granian, or gunicorn: BROADSHEET_WEB_SERVER) and task workers (`broadsheet worker`) as child processes
and runs the feed scheduler in this process; stops them all on Ctrl+C. On the embedded
default the workers drain the database queue; with REDIS_URL set they are RQ workers, and
any number of further workers (`broadsheet worker`) can join on other machines.

The scheduler polls the feeds it finds due in threads of its own (crawl/polls.py), so a
feed that hangs never holds a task worker; each feed's new entries go to the task workers
as soon as it is stored. Every few seconds the scheduler hands on the task of any worker, here or elsewhere, whose
heartbeat stopped (crawl/workers.py); every hour it prunes the raw pages kept for
re-extraction to their age and size limits (crawl/rawpages.py), and every ten minutes it
merges the SQLite full-text index's segments for up to 20 seconds, a step of a few hundred
pages at a time (search/merge.py). A task worker child that
dies is started again and the log says so; if the web server dies, or workers keep dying,
`run` stops everything and exits with status 1, so a supervisor that restarts on failure does.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from broadsheet.conf import env

log = logging.getLogger("broadsheet.run")

RESTARTS_PER_10_MINUTES = 5  # more task-worker deaths than this and `run` gives up (exit 1)
PRUNE_EVERY = 3600.0  # seconds between two prunings of the raw pages (crawl/rawpages.py)
MERGE_EVERY = 600.0  # seconds between two merges of the full-text index's segments (search/merge.py)


def web_command(server: str, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The web server's command line. granian (its WSGI interface) answers a cached page for a
    third of gunicorn's CPU (HTTP parsing and keep-alive in Rust, docs/benchmarks.md); the
    Django code is the same under both."""
    if server == "granian":
        return [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
                "--workers", str(workers), "--blocking-threads", str(max(1, threads)), "--no-ws",
                # gunicorn always replaces a worker that died; granian only when asked.
                "--respawn-failed-workers",
                "--access-log", "--log-level", "warning", "--workers-kill-timeout", "5", "broadsheet.wsgi:application"]
    return [sys.executable, "-m", "gunicorn", "broadsheet.wsgi:application", "--bind", f"{host}:{port}",
            "--workers", str(workers), *_worker_class(threads), "--access-logfile", "-", "--log-level", "warning",
            "--graceful-timeout", "5"]


def _worker_class(threads: int) -> list[str]:
    """gthread keeps a client's connection open between requests (sync closes it after each),
    which more than triples the cached pages a worker serves to clients that reuse
    connections (docs/benchmarks.md); 1 thread: the plain sync worker."""
    return ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux for SIGTERM when `run` dies, even by kill -9, so no
    orphaned web server keeps the port and no orphaned worker runs on unsupervised."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: orphans are left to the operator
        pass


class Command(BaseCommand):
    help = "Run the web site, a task worker and the feed scheduler until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=env("BROADSHEET_PORT"))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-web", action="store_true")
        parser.add_argument("--no-worker", action="store_true")
        parser.add_argument("--workers", type=int, default=env("BROADSHEET_TASK_WORKERS"), help="task worker processes")
        parser.add_argument("--no-scheduler", action="store_true")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between scheduler ticks")

    def handle(self, *args, **opts):
        from broadsheet.crawl.polls import Polls
        from broadsheet.sources.models import Feed

        self.polls = Polls()

        if env("BROADSHEET_LOAD_DEFAULT_SOURCES") and not Feed.objects.exists():
            from broadsheet.sources.services import load_default_sources

            self.stdout.write(f"no sources yet: loaded {load_default_sources()} default feeds "
                              "(set BROADSHEET_LOAD_DEFAULT_SOURCES=false to start empty)")
        self._say_if_no_admin()
        web: subprocess.Popen | None = None
        if not opts["no_web"]:
            web = subprocess.Popen(web_command(env("BROADSHEET_WEB_SERVER"), opts["host"], opts["port"],
                                               env("BROADSHEET_WEB_WORKERS"), env("BROADSHEET_WEB_THREADS")),
                                   preexec_fn=_die_with_parent)
            self.stdout.write(f"web site on http://{opts['host']}:{opts['port']}/  (admin: /admin/)")
        workers: list[subprocess.Popen] = []
        if not opts["no_worker"]:
            workers = [self._start_worker() for _ in range(max(1, opts["workers"]))]
            self.stdout.write(f"{len(workers)} task worker(s) started "
                              f"({'Redis' if env('REDIS_URL') else 'database'} queue)")

        stopping = False
        failed = False
        deaths: list[float] = []

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Dead workers are looked for more often than feeds: their tasks must move on within a lease.
        reap_every = max(0.5, min(opts["interval"], settings.TASK_LEASE / 3))
        next_tick = next_reap = 0.0
        try:
            while not stopping:
                now = time.monotonic()
                if not opts["no_scheduler"]:
                    _outliving_errors("collecting feed polls", self.polls.tick)
                if not opts["no_scheduler"] and now >= next_tick:
                    self._tick()
                    next_tick, next_reap = now + opts["interval"], now + reap_every
                elif not opts["no_scheduler"] and now >= next_reap:
                    self._reap()
                    next_reap = now + reap_every
                if web is not None and web.poll() is not None:
                    log.error("the web server exited with status %s; stopping", web.returncode)
                    stopping = failed = True
                for i, child in enumerate(workers):
                    if stopping or child.poll() is None:
                        continue
                    deaths = [t for t in deaths if t > now - 600] + [now]
                    if len(deaths) > RESTARTS_PER_10_MINUTES:
                        log.error("task worker pid %s exited with status %s: %d deaths in 10 minutes, more than %d; "
                                  "stopping", child.pid, child.returncode, len(deaths), RESTARTS_PER_10_MINUTES)
                        stopping = failed = True
                        break
                    workers[i] = self._start_worker()
                    log.error("task worker pid %s exited with status %s; started pid %s in its place "
                              "(its task is handed on once its lease of %gs ends)",
                              child.pid, child.returncode, workers[i].pid, settings.TASK_LEASE)
                time.sleep(0.2 if not stopping else 0)
        finally:
            if not opts["no_scheduler"]:
                _outliving_errors("giving back the claims of feeds not polled", self.polls.stop)
            children = [c for c in [web, *workers] if c is not None]
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("stopped")
        if failed:
            sys.exit(1)

    def _start_worker(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "broadsheet.cli", "worker"], preexec_fn=_die_with_parent)

    def _reap(self) -> None:
        from broadsheet.crawl.tasks import recover_dead_workers

        _outliving_errors("looking for dead workers", recover_dead_workers)

    def _say_if_no_admin(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import DatabaseError

        try:
            missing = not get_user_model().objects.filter(is_superuser=True, is_active=True).exists()
        except DatabaseError:  # not migrated yet: `make run` migrates first; the site will say what is wrong
            self.stdout.write("the database is not set up yet: run `broadsheet migrate`")
            return
        if missing:
            self.stdout.write("no admin account yet: create one with `broadsheet createsuperuser` "
                              "(in another terminal; then sign in at /admin/)")

    _offline_said = False

    def _say_if_offline(self) -> None:
        """One plain line when no source at all can be reached (an offline machine, a DNS outage)."""
        from broadsheet.sources.models import Feed

        active = Feed.objects.filter(active=True)
        total = active.count()
        unreachable = active.filter(consecutive_failures__gt=0, last_error_kind__in=["dns", "connection", "timeout"]).count()
        offline = total > 0 and unreachable == total
        if offline and not self._offline_said:
            log.warning("none of the %d sources can be reached (is this machine offline?); the site keeps "
                        "serving what it has and every source is retried with backoff", total)
        elif not offline and self._offline_said and unreachable < total:
            log.info("sources reachable again")
        self._offline_said = offline

    def _tick(self) -> None:
        from broadsheet.crawl.tasks import schedule_due
        from broadsheet.enrich.tasks import schedule_site_head

        def tick() -> None:
            count = schedule_due(self.polls)
            if count:
                log.info("polling %d feed(s)", count)
            if schedule_site_head():
                log.info("queued the training of the site section head")
            self._say_if_offline()

        _outliving_errors("scheduler tick", tick)
        self._prune_raw_pages()
        self._merge_search_index()

    _next_merge = 0.0

    def _merge_search_index(self) -> None:
        from broadsheet.search.merge import merge

        if time.monotonic() < self._next_merge:
            return
        self._next_merge = time.monotonic() + MERGE_EVERY
        _outliving_errors("merging the search index's segments", merge)

    _next_prune = 0.0

    def _prune_raw_pages(self) -> None:
        """Hourly: raw pages past their age or over the size limit go, oldest first; and
        the planner's statistics refreshed where nothing else does (lib/dbstats.py)."""
        from broadsheet.crawl.rawpages import prune
        from broadsheet.lib import dbstats

        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY
        _outliving_errors("pruning raw pages", prune)
        _outliving_errors("refreshing the planner's statistics", dbstats.refresh)


def _outliving_errors(what: str, work) -> None:
    """Run one piece of the scheduler's work; the scheduler must outlive a database hiccup."""
    from django.db import close_old_connections

    try:
        work()
    except Exception:
        log.exception("%s failed", what)
    finally:
        close_old_connections()
