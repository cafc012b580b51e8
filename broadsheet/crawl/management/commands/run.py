"""`broadsheet run`: the whole site in one command.

Starts the web server (gunicorn) and a task worker as child processes and runs the
feed scheduler in this process; stops them all on Ctrl+C. On the embedded default the
worker drains the database queue; with REDIS_URL set it is an RQ worker, and any number
of further workers (`broadsheet run --no-web --no-scheduler`) can join on other machines.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from broadsheet.conf import env

log = logging.getLogger("broadsheet.run")


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
        from broadsheet.sources.models import Feed

        if env("BROADSHEET_LOAD_DEFAULT_SOURCES") and not Feed.objects.exists():
            from broadsheet.sources.services import load_default_sources

            self.stdout.write(f"no sources yet: loaded {load_default_sources()} default feeds "
                              "(set BROADSHEET_LOAD_DEFAULT_SOURCES=false to start empty)")
        children: list[subprocess.Popen] = []
        python = sys.executable
        if not opts["no_web"]:
            children.append(subprocess.Popen([
                python, "-m", "gunicorn", "broadsheet.wsgi:application",
                "--bind", f"{opts['host']}:{opts['port']}", "--workers", str(env("BROADSHEET_WEB_WORKERS")),
                "--access-logfile", "-", "--log-level", "warning", "--graceful-timeout", "5",
            ]))
            self.stdout.write(f"web site on http://{opts['host']}:{opts['port']}/  (admin: /admin/, "
                              "create an account with `broadsheet createsuperuser`)")
        if not opts["no_worker"]:
            worker = ["rqworker", "default"] if env("REDIS_URL") else ["db_worker", "--interval", "1", "--verbosity", "0"]
            for _ in range(max(1, opts["workers"])):
                children.append(subprocess.Popen([python, "-m", "broadsheet.cli", *worker]))
            self.stdout.write(f"{max(1, opts['workers'])} task worker(s) started "
                              f"({'Redis' if env('REDIS_URL') else 'database'} queue)")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                if not opts["no_scheduler"]:
                    self._tick()
                for child in children:
                    if child.poll() is not None:
                        log.error("child process %s exited with %s; stopping", child.args[:4], child.returncode)
                        stopping = True
                deadline = time.monotonic() + opts["interval"]
                while not stopping and time.monotonic() < deadline:
                    time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("stopped")

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
        from django.db import close_old_connections

        from broadsheet.crawl.tasks import schedule_due

        try:
            count = schedule_due()
            if count:
                log.info("scheduled %d feed poll(s)", count)
            self._say_if_offline()
        except Exception:  # the scheduler must outlive a database hiccup
            log.exception("scheduler tick failed")
        finally:
            close_old_connections()
