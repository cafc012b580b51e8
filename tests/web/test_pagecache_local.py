"""Over a shared page cache (Redis), each process keeps the pages it served lately and the
version it read for a second (web/pagecache.py `_Local`): a hit costs no round trip, and a
change made by another process shows within that second."""

from __future__ import annotations

import time

import pytest

from broadsheet.web import pagecache
from tests.web.counting_cache import CountingCache
from tests.web.factories import article
from tests.web.test_fastpage import site  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(settings):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "tests.web.counting_cache.CountingCache",
                                                      "LOCATION": "shared-pages"}}
    from django.core.cache import caches

    caches["default"].clear()
    pagecache.forget_local()
    yield caches["default"]
    caches["default"].clear()
    pagecache.forget_local()


def test_a_page_served_again_costs_no_read_of_the_shared_cache(site, shared):  # noqa: F811
    article("Parade held")
    site.get("/")  # rendered, stored
    site.get("/")  # from the shared cache, then kept
    CountingCache.reads = 0
    site.reached = 0
    for _ in range(5):
        answer = site.get("/")
        assert answer["status"] == 200 and b"Parade held" in answer["body"]
    assert (CountingCache.reads, site.reached) == (0, 0)


def test_a_version_bumped_by_another_process_shows_within_a_second(site, shared, monkeypatch):  # noqa: F811
    article("Parade held")
    site.get("/")
    first = site.get("/")
    known = pagecache._local.version[1]
    article("Bridge opens")
    # As if another process had written it: the shared version moves, this process's does not.
    shared.set(pagecache.VERSION_KEY, "elsewhere", None)
    pagecache._local.version = (time.monotonic(), known)
    assert site.get("/")["body"] == first["body"]  # within the second: this process's copy
    clock = time.monotonic() + pagecache.VERSION_SECONDS
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock)
    assert b"Bridge opens" in site.get("/")["body"]


def test_a_bump_in_this_process_shows_at_once(site, shared):  # noqa: F811
    article("Parade held")
    site.get("/")
    site.get("/")
    article("Bridge opens")
    pagecache.bump_version()
    assert b"Bridge opens" in site.get("/")["body"]


def test_the_copies_expire_with_the_shared_entry_and_stay_within_their_bytes(monkeypatch):
    local = pagecache._Local(limit=1000)
    now = time.time()
    for i in range(12):
        local.put(f"k{i}", {"content": b"x" * 100, "at": now}, 60)
    assert local.size <= 1000 and list(local.pages)[-1] == "k11" and "k0" not in local.pages  # oldest out first
    local.get("k3")  # used: now the most recent
    local.put("k12", {"content": b"x" * 100, "at": now}, 60)
    assert "k3" in local.pages and "k2" not in local.pages
    local.put("k13", {"content": b"x" * 100, "at": now}, 60)
    assert "k3" in local.pages and "k4" not in local.pages
    local.put("huge", {"content": b"x" * 200, "at": now}, 60)  # over an eighth of the room: not kept
    assert "huge" not in local.pages
    monkeypatch.setattr(pagecache.time, "time", lambda: now + 61)
    assert local.get("k12") is None and "k12" not in local.pages
