"""`broadsheet run` as a user starts it: site up, unreachable sources reported, clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def broadsheet(args, env, **kw):
    return subprocess.run([sys.executable, "-m", "broadsheet.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, **kw)


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "") != "", reason="runs on its own SQLite file")
def test_run_serves_the_site_and_reports_unreachable_sources(tmp_path):
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(tmp_path), "BROADSHEET_LOAD_DEFAULT_SOURCES": "false",
           "BROADSHEET_FETCH_ALLOW_PRIVATE": "true", "BROADSHEET_FETCH_RETRIES": "0", "BROADSHEET_WEB_WORKERS": "1",
           "BROADSHEET_TASK_WORKERS": "1",
           # The real settings with a one-step article pipeline: no sentence model for workers to load first.
           "DJANGO_SETTINGS_MODULE": "tests.crawl.worker_settings"}
    env.pop("REDIS_URL", None)
    assert broadsheet(["migrate", "--noinput", "-v0"], env).returncode == 0
    refused = free_port()  # nothing listens there
    for url in (f"http://127.0.0.1:{refused}/feed.xml", "http://no-such-host.invalid/feed.xml"):
        assert broadsheet(["shell", "-c", f"from broadsheet.sources.services import add_feed; add_feed({url!r})"], env).returncode == 0
    port = free_port()
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "broadsheet.cli", "run", "--port", str(port), "--interval", "1"],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline, status, text = time.monotonic() + 60, None, ""
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code
            except httpx.TransportError:
                status = None
            text = log.read_text()
            if status == 200 and text.count("failed:") >= 2:
                break
            time.sleep(0.5)
        assert status == 200, text
        assert f"127.0.0.1:{refused}/feed.xml) failed: connection" in text, text
        assert "no-such-host.invalid/feed.xml) failed: dns" in text, text
        deadline = time.monotonic() + 20
        while "none of the 2 sources can be reached" not in text and time.monotonic() < deadline:
            time.sleep(0.5)
            text = log.read_text()
        assert "none of the 2 sources can be reached" in text, text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert "stopped" in log.read_text()


def children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    return [int(p) for p in open(path).read().split()] if os.path.exists(path) else []


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the web server's pid through Linux /proc")
def test_run_exits_with_an_error_when_the_web_server_dies(tmp_path):
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(tmp_path), "BROADSHEET_LOAD_DEFAULT_SOURCES": "false",
           "BROADSHEET_WEB_WORKERS": "1"}
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "broadsheet.cli", "run", "--no-worker", "--no-scheduler",
                                 "--port", str(free_port())], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not children(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        (web,) = children(proc.pid)
        os.kill(web, signal.SIGKILL)
        assert proc.wait(timeout=20) == 1  # a supervisor that restarts on failure restarts it
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "the web server exited with status -9; stopping" in log.read_text()


def wait_for_page(url: str, seconds: float = 60) -> httpx.Response | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    return None


def web_site_only(tmp_path, **settings) -> tuple[subprocess.Popen, int, Path]:
    """`broadsheet run` serving the web site alone, on its own migrated SQLite file: (the
    process, its port, its log)."""
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(tmp_path), "BROADSHEET_LOAD_DEFAULT_SOURCES": "false",
           "BROADSHEET_WEB_WORKERS": "1", **settings}
    env.pop("REDIS_URL", None)
    assert broadsheet(["migrate", "--noinput", "-v0"], env).returncode == 0
    port = free_port()
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "broadsheet.cli", "run", "--no-worker", "--no-scheduler",
                                 "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)
    return proc, port, log


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "") != "", reason="runs on its own SQLite file")
@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the web workers' pids through Linux /proc")
def test_a_web_worker_that_dies_is_replaced_and_the_site_goes_on(tmp_path):
    proc, port, log = web_site_only(tmp_path, BROADSHEET_WEB_SERVER="granian")
    try:
        page = wait_for_page(f"http://127.0.0.1:{port}/search/")
        assert page is not None and page.status_code == 200, log.read_text()
        (server,) = children(proc.pid)
        (worker,) = children(server)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and children(server) in ([], [worker]):
            time.sleep(0.2)
        assert children(server) and worker not in children(server)
        page = wait_for_page(f"http://127.0.0.1:{port}/search/", 30)
        assert page is not None and page.status_code == 200 and proc.poll() is None, log.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "") != "", reason="runs on its own SQLite file")
@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_run_serves_pages_static_files_and_cached_answers_with_either_web_server(tmp_path, server):
    proc, port, log = web_site_only(tmp_path, BROADSHEET_WEB_SERVER=server, BROADSHEET_PAGE_CACHE_SECONDS="60")
    site = f"http://127.0.0.1:{port}"
    try:
        page = wait_for_page(f"{site}/source/1/")  # a 404: nothing cached, the whole stack ran
        assert page is not None and page.status_code == 404, log.read_text()
        first = httpx.get(f"{site}/search/", timeout=10)
        again = httpx.get(f"{site}/search/", timeout=10)  # from the page cache (web/fastpage.py)
        assert first.status_code == again.status_code == 200 and again.content == first.content
        assert again.headers["etag"] == first.headers["etag"] and again.headers["content-security-policy"]
        assert httpx.get(f"{site}/search/", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        head = httpx.head(f"{site}/search/")
        assert head.status_code == 200 and head.content == b""
        static = httpx.get(f"{site}/static/web/site.css", timeout=10)
        assert static.status_code == 200 and b"{" in static.content
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert "stopped" in log.read_text()


def test_the_web_server_is_granian_unless_told_gunicorn():
    from broadsheet.crawl.management.commands.run import web_command

    granian = web_command("granian", "127.0.0.1", 8000, 2, 4)
    assert granian[1:4] == ["-m", "granian", "--interface"] and granian[granian.index("--blocking-threads") + 1] == "4"
    assert web_command("gunicorn", "127.0.0.1", 8000, 2, 4)[1:3] == ["-m", "gunicorn"]


def test_the_web_server_uses_threads_that_keep_connections_alive_unless_told_one():
    from broadsheet.crawl.management.commands.run import _worker_class

    assert _worker_class(4) == ["--worker-class", "gthread", "--threads", "4"]
    assert _worker_class(1) == ["--worker-class", "sync"]
