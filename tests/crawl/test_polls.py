"""The running scheduler polls feeds in threads of its own (crawl/polls.py): a feed that hangs
never holds a task worker, and a healthy feed's entries go to the task workers without
waiting for the hanging one's timeout. Two loopback hosts stand for two publishers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from broadsheet.articles.models import Article
from broadsheet.crawl import tasks
from broadsheet.crawl.polls import Polls
from broadsheet.sources.models import Feed
from broadsheet.sources.services import add_feed
from tests.crawl.pages import PARAGRAPHS, article_html, rss
from tests.crawl.test_runner import Clock

ROOT = Path(__file__).resolve().parents[2]


def healthy_feed(server, clock: Clock, count: int = 2) -> str:
    items = []
    for i in range(count):
        path = f"/news/{i}"
        server.expect_request(path).respond_with_handler(clock.quick(f"page {i}", article_html(
            f"Healthy story {i}", paragraphs=[f"Healthy story {i} opens with its own sentence."] + PARAGRAPHS)))
        items.append({"title": f"Healthy story {i}", "link": server.url_for(path)})
    server.expect_request("/healthy.xml").respond_with_handler(clock.quick("healthy feed", rss(items), "application/rss+xml"))
    return server.url_for("/healthy.xml")


def hanging_feed(host, clock: Clock, seconds: float, name: str = "hanging") -> str:
    host.expect_request(f"/{name}.xml").respond_with_handler(clock.slow(f"{name} feed", seconds, rss([])))
    return host.url_for(f"/{name}.xml")


DEADLINE = 6.0


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["process", "default"]}}
    # A deadline well beyond the healthy feed's few hundred ms, so a busy box (the suite runs
    # beside other jobs) cannot push the healthy entries past it and fail the test for that.
    settings.FETCH = {**settings.FETCH, "timeout": DEADLINE, "deadline": DEADLINE, "allow_private": True}
    settings.ARTICLE_PIPELINE = []
    return settings


def queued(task) -> list[int]:
    return sorted(row["args"][0] for row in DBTaskResult.objects.filter(task_path=task.module_path).values_list("args_kwargs", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_healthy_feeds_entries_go_to_the_workers_while_a_hanging_feed_is_still_polled(server, other_host, database_queue):
    clock = Clock()
    hanging = add_feed(hanging_feed(other_host, clock, DEADLINE + 1.5), name="A hanging publisher")  # first in line
    add_feed(healthy_feed(server, clock), name="A healthy publisher")
    polls = Polls(size=1)  # one thread: it takes the hanging poll, and another takes its place after 1 s
    started = time.monotonic()
    assert tasks.schedule_due(polls) == 2
    while Article.objects.count() < 2 and time.monotonic() - started < DEADLINE + 4:
        polls.tick()
        time.sleep(0.05)
    assert time.monotonic() - started < DEADLINE - 1.5  # not after the hanging feed's deadline
    assert hanging.pk in polls.waiting and "hanging feed answered" not in clock.seen
    ids = sorted(Article.objects.values_list("pk", flat=True))
    pages = [pk for row in DBTaskResult.objects.filter(task_path=tasks.fetch_pages.module_path)
             .values_list("args_kwargs", flat=True) for pk in row["args"][1]]
    assert sorted(pages) == ids  # for the task workers, at once
    assert queued(tasks.poll_feed) == []  # no poll ever holds a task worker

    while polls.waiting and time.monotonic() - started < DEADLINE + 4:
        polls.tick()
        time.sleep(0.05)
    assert not polls.waiting and polls.jobs is None  # the pass is over: its threads end
    hanging.refresh_from_db()
    assert (hanging.last_error_kind, hanging.consecutive_failures, hanging.claimed_until) == ("timeout", 1, None)
    assert Feed.objects.filter(claimed_until__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_stopping_gives_back_the_claims_of_feeds_not_yet_polled(other_host, database_queue):
    database_queue.FETCH = {**database_queue.FETCH, "per_host": 1}
    clock = Clock()
    first = add_feed(hanging_feed(other_host, clock, 1.0, "first"), name="One publisher")
    second = add_feed(hanging_feed(other_host, clock, 1.0, "second"), name="One publisher")
    polls = Polls()
    tasks.schedule_due(polls)
    while "first feed" not in clock.seen and time.monotonic() - clock.start < 3:
        time.sleep(0.02)
    assert polls.stop() == 2  # the one in flight is cut with this process; the one waiting was never asked for
    time.sleep(1.3)
    assert "second feed" not in clock.seen
    second.refresh_from_db()
    assert second.claimed_until is None and second.last_fetch_at is None  # due again for the next scheduler


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "") != "", reason="runs on its own SQLite file")
def test_broadsheet_run_processes_a_healthy_feed_while_a_hanging_one_waits_out_its_timeout(tmp_path, server, other_host):
    """The whole task-worker path: `broadsheet run` with one task worker, which a poll of the
    hanging feed (listed first) held for the whole fetch timeout before the polls had threads."""
    timeout = 20.0
    clock = Clock()
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.crawl.worker_settings",
           "BROADSHEET_TEST_STEP_LOG": str(tmp_path / "steps.log"), "BROADSHEET_TEST_STEP_SECONDS": "0",
           "BROADSHEET_FETCH_ALLOW_PRIVATE": "true", "BROADSHEET_FETCH_TIMEOUT": str(timeout),
           "BROADSHEET_LOAD_DEFAULT_SOURCES": "false", "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("REDIS_URL", None)
    urls = [hanging_feed(other_host, clock, timeout + 10), healthy_feed(server, clock)]
    setup = ("import django; django.setup()\nfrom django.core.management import call_command; call_command('migrate', verbosity=0)\n"
             f"from broadsheet.sources.services import add_feed\nfor url in {urls!r}: add_feed(url)")
    done = subprocess.run([sys.executable, "-c", setup], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        run = subprocess.Popen([sys.executable, "-m", "broadsheet.cli", "run", "--no-web", "--workers", "1", "--interval", "0.5"],
                               env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    db = sqlite3.connect(tmp_path / "broadsheet.sqlite3", timeout=30)
    try:
        processed = []
        while len(processed) < 2 and time.monotonic() - clock.start < 60:
            processed = db.execute("SELECT title FROM articles_article WHERE processed_at IS NOT NULL").fetchall()
            time.sleep(0.1)
        done_at = time.monotonic() - clock.start
        assert sorted(t for (t,) in processed) == ["Healthy story 0", "Healthy story 1"], log.read_text()
        # fetched, extracted and processed by the task worker while the hanging poll still waits
        assert done_at < clock.seen["hanging feed"] + timeout, log.read_text()
        assert "hanging feed answered" not in clock.seen
    finally:
        db.close()
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=30)
    assert "stopped" in log.read_text()


def some_healthy_feeds(host, clock: Clock, count: int, seconds: float = 0.0) -> list[str]:
    urls = []
    for i in range(count):
        host.expect_request(f"/healthy-{i}.xml").respond_with_handler(clock.slow(f"healthy feed {i}", seconds, rss([])))
        urls.append(host.url_for(f"/healthy-{i}.xml"))
    return urls


@pytest.fixture
def in_flight(monkeypatch):
    """The most requests lib.http had in flight to one host at once (the client's count:
    a fake server's handler sleeps on after the client has hung up), and under host + "/failing",
    those to its failing feeds."""
    from broadsheet.lib import http

    now, most, lock = Counter(), Counter(), threading.Lock()
    real = http._once

    def counted(url, *args, **kwargs):
        keys = [url.split("/")[2].split(":")[0]] + ([url.split("/")[2].split(":")[0] + "/failing"] if "/failing" in url else [])
        with lock:
            for key in keys:
                now[key] += 1
                most[key] = max(most[key], now[key])
        try:
            return real(url, *args, **kwargs)
        finally:
            with lock:
                for key in keys:
                    now[key] -= 1

    monkeypatch.setattr(http, "_once", counted)
    return most


def poll_all(polls: Polls, until: float) -> None:
    while polls.waiting and time.monotonic() < until:
        polls.tick()
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_hosts_healthy_feeds_are_polled_while_two_of_its_feeds_hang(other_host, database_queue, in_flight):
    """Both of the host's slots went to its two hanging feeds (listed first), and its healthy
    feeds waited for the whole deadline: the p99 of bench/crawl.py's healthy feeds."""
    database_queue.FETCH = {**database_queue.FETCH, "per_host": 2, "hang_after": 0.5}
    clock = Clock()
    hanging = [add_feed(hanging_feed(other_host, clock, DEADLINE + 2, f"hanging-{i}"), name="A publisher") for i in range(2)]
    healthy = [add_feed(url, name="A publisher") for url in some_healthy_feeds(other_host, clock, 4)]
    polls = Polls(size=4)
    assert tasks.schedule_due(polls) == 6
    poll_all(polls, clock.start + 15)
    assert not polls.waiting
    asked = [clock.seen[f"healthy feed {i}"] for i in range(4)]
    assert max(asked) < DEADLINE / 2, clock.seen  # long before the hanging feeds' deadline
    assert in_flight[other_host.host] <= 2  # politeness: never more than 2 in flight to the host
    for feed in hanging:
        feed.refresh_from_db()
        assert (feed.last_error_kind, feed.consecutive_failures, feed.claimed_until) == ("timeout", 1, None)
    for feed in healthy:
        feed.refresh_from_db()
        assert feed.consecutive_failures == 0 and feed.last_success_at is not None


@pytest.mark.django_db(transaction=True)
def test_failing_feeds_go_after_their_hosts_healthy_ones_and_a_dead_host_costs_one_timeout(other_host, database_queue, in_flight):
    database_queue.FETCH = {**database_queue.FETCH, "per_host": 2, "hang_after": 0.5}
    clock = Clock()
    failing = [add_feed(hanging_feed(other_host, clock, DEADLINE + 2, f"failing-{i}"), name="A publisher") for i in range(3)]
    Feed.objects.filter(pk__in=[f.pk for f in failing]).update(consecutive_failures=1)
    for url in some_healthy_feeds(other_host, clock, 3, seconds=0.3):  # both slots busy a while
        add_feed(url, name="A publisher")
    polls = Polls(size=4)
    tasks.schedule_due(polls)
    poll_all(polls, clock.start + 15)
    assert not polls.waiting
    tried = [name for name in clock.seen if name.startswith("failing") and not name.endswith("answered")]
    assert len(tried) == 1  # one timeout for the host in this pass; the others not tried again
    assert clock.seen[tried[0]] > min(clock.seen[f"healthy feed {i}"] for i in range(3)) + 0.25  # after a healthy one's answer
    assert time.monotonic() - clock.start < DEADLINE + 2  # one deadline, not three
    assert in_flight[other_host.host] == 2 and in_flight[other_host.host + "/failing"] == 1  # failing feeds one at a time
    kinds = sorted(Feed.objects.filter(pk__in=[f.pk for f in failing]).values_list("last_error_kind", "consecutive_failures"))
    assert kinds == [("timeout", 2)] * 3
    assert Feed.objects.filter(last_error__startswith="timeout: not tried again").count() == 2
