"""kill -9 of a task worker, then of the whole `broadsheet run`: every article is processed
exactly once, the last soon after the restart. Real processes, a loopback feed, a short lease.

On SQLite always; on PostgreSQL + Redis (two RQ workers on one Redis) when DATABASE_URL and
REDIS_URL are set, as `make test` sets them on its second run. The processes get a scratch
database of their own (a file, or a PostgreSQL database made and dropped here).
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.crawl.pages import PARAGRAPHS, article_html, rss, when

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 8
LEASE = 3.0  # seconds; workers load their models before their first beat, which might otherwise stall it


def _python(code: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def scratch(tmp_path, server):
    """Environment for the worker processes, with a migrated database of their own and the feed in it."""
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.crawl.worker_settings",
           "BROADSHEET_TEST_STEP_LOG": str(tmp_path / "steps.log"), "BROADSHEET_TASK_LEASE": str(LEASE),
           "BROADSHEET_TASK_DEADLINE": "30", "BROADSHEET_FETCH_ALLOW_PRIVATE": "true", "BROADSHEET_FETCH_RETRIES": "0",
           "BROADSHEET_LOAD_DEFAULT_SOURCES": "false", "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    admin = None
    if os.environ.get("DATABASE_URL"):
        import psycopg

        url = os.environ["DATABASE_URL"]
        name = f"broadsheet_kill_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    if os.environ.get("REDIS_URL"):
        import redis
        from rq import Queue

        for queue_name in ("process", "default"):  # jobs other tests left
            Queue(queue_name, connection=redis.Redis.from_url(os.environ["REDIS_URL"])).empty()
    _python("from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
            f"from broadsheet.sources.services import add_feed; add_feed({serve(server)!r}, section='News')", env)
    yield env
    if admin is not None:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def serve(server) -> str:
    items = []
    for i in range(ARTICLES):
        path = f"/news/story-{i}"
        server.expect_request(path).respond_with_data(
            article_html(f"Tram line story {i}", paragraphs=[f"Story {i} opens with its own sentence about item {i}."] + PARAGRAPHS),
            content_type="text/html; charset=utf-8")
        items.append({"title": f"Tram line story {i}", "link": server.url_for(path), "date": when(20 + i % 5)})
    server.expect_request("/feed.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    return server.url_for("/feed.xml")


def start_run(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "a") as out:
        return subprocess.Popen([sys.executable, "-m", "broadsheet.cli", "run", "--no-web", "--workers", "2", "--interval", "1"],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def steps(env: dict) -> list[tuple[str, int, int]]:
    path = Path(env["BROADSHEET_TEST_STEP_LOG"])
    lines = path.read_text().splitlines() if path.exists() else []
    return [(word, int(pk), int(pid)) for word, pk, pid in (line.split() for line in lines)]


def wait_for(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"no {what} after {seconds}s; log:\n{log.read_text()}")


def test_killed_workers_and_a_killed_run_leave_every_article_processed_exactly_once(scratch, tmp_path):
    env, log = scratch, tmp_path / "run.log"
    run = start_run(env, log)
    try:
        # 1. kill -9 a worker inside an article's processing: `run` starts another at once.
        _, victim, pid = wait_for(lambda: next((s for s in steps(env) if s[0] == "start"), None), 60, "processing", log)
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        wait_for(lambda: f"task worker pid {pid} exited with status -9; started pid" in log.read_text(), 30,
                 "restart of the killed worker", log)  # generous: a loaded box notices late
        # 2. kill -9 the whole `run` before the dead worker's lease ends, with articles still queued,
        # and start it again: the new scheduler hands the dead worker's article on.
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        left = ARTICLES - len({s[1] for s in steps(env) if s[0] == "done"})
        run = start_run(env, log)
        restarted = time.monotonic()
        wait_for(lambda: ("done", victim) in {s[:2] for s in steps(env)}, 60, f"article {victim} handed on", log)
        handed_on = time.monotonic() - killed
        wait_for(lambda: len({s[1] for s in steps(env) if s[0] == "done"}) == ARTICLES, 120, "every article processed", log)
        last = time.monotonic() - restarted
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=30)

    done = collections.Counter(pk for word, pk, _ in steps(env) if word == "done")
    assert len(done) == ARTICLES and set(done.values()) == {1}, done  # each once, none twice
    assert ("start", victim, pid) in steps(env) and ("done", victim, pid) not in steps(env)
    assert handed_on < 60 and last < 120, (handed_on, last)
    state = json.loads(_python(
        "import json; from broadsheet.articles.models import Article as A; from django_tasks_db.models import DBTaskResult as T\n"
        "print(json.dumps([A.objects.count(), A.objects.filter(status='ok', processed_at__isnull=False).count(),"
        " T.objects.filter(status='RUNNING').count(), T.objects.filter(exception_class_path__endswith='WorkerDied').count()]))",
        env))
    assert state[:3] == [ARTICLES, ARTICLES, 0], state  # stored once each, all processed, nothing left RUNNING
    if not env.get("REDIS_URL"):
        assert state[3] >= 1, state  # the killed worker's row was marked failed
    assert left > 1, left  # the second kill came with work still to do
    print(f"killed worker's article processed {handed_on:.1f}s after the kill; {left} articles left at the kill "
          f"of run; the last processed {last:.1f}s after the restart")
