"""Shared fixtures. Tests talk only to loopback servers they start themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_DATA = SHARED / "data"


def shared_data(name: str) -> Path:
    """Path of a ../shared/data set, or skip the test with the reason when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data/{name} is not beside this checkout (only the team's machines have it)")
    return path


@pytest.fixture(autouse=True)
def _fetch_settings(settings):
    """Fetch from loopback test servers, with quick backoff, and no cache carried between tests."""
    from django.core.cache import cache

    from broadsheet.web.pagecache import forget_local

    settings.FETCH = {**settings.FETCH, "allow_private": True, "backoff": 0.01, "timeout": 5.0}
    cache.clear()
    forget_local()
    yield
    cache.clear()
    forget_local()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request, django_db_blocker):
    """Rate-limit counters live in a database table that a transactional test's flush keeps."""
    yield
    from django.conf import settings
    from django.core.cache import caches

    if "django_db_setup" in request.fixturenames and "ratelimit" in settings.CACHES:
        with django_db_blocker.unblock():
            caches["ratelimit"].clear()


@pytest.fixture
def enqueued(monkeypatch):
    """Records each task enqueued (nothing runs), on any queue backend: the database queue
    of the embedded default and RQ when REDIS_URL is set. enqueued("name") lists the
    argument lists that the task of that function name was enqueued with, in order."""
    from django_tasks.base import Task

    calls: list[tuple[str, list]] = []
    monkeypatch.setattr(Task, "enqueue", lambda self, *args, **kwargs: calls.append((self.func.__name__, list(args))))
    return lambda name: [args for task, args in calls if task == name]


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skips where it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # tests themselves are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield instance
        instance.close()


@pytest.fixture
def server():
    """A threaded loopback HTTP server (so concurrent fetches really overlap)."""
    httpserver = HTTPServer(host="127.0.0.1", threaded=True)
    httpserver.no_handler_status_code = 404  # like a real site: no robots.txt -> allowed
    httpserver.start()
    yield httpserver
    httpserver.clear()
    if httpserver.is_running():
        httpserver.stop()
