"""The rate limits' counter in the database: shared by processes, exact under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from broadsheet.conf import env
from broadsheet.lib.dbcache import SharedCounterCache

TABLE = "broadsheet_ratelimit_cache"  # made by community's migration 0002, with or without Redis


def _client():
    return SharedCounterCache(TABLE, {})


def _two_processes():
    """Two cache clients with nothing in common but the database, as two web processes have."""
    return _client(), _client()


def _expires(key):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {TABLE} WHERE cache_key LIKE %s", [f"%{key}"])
        return cursor.fetchone()[0]


def test_rate_limits_count_in_a_cache_every_process_shares(settings):
    backend = settings.CACHES[settings.RATELIMIT_USE_CACHE]["BACKEND"]
    if env("REDIS_URL"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:  # the embedded default: the database
        assert (settings.RATELIMIT_USE_CACHE, backend) == ("ratelimit", "broadsheet.lib.dbcache.SharedCounterCache")
        assert settings.CACHES["ratelimit"]["LOCATION"] == TABLE


def test_two_clients_see_one_count(db):
    first, second = _two_processes()
    assert first.add("rl:alice", 1, 3600)
    assert not second.add("rl:alice", 1, 3600)  # already counted by the other process
    assert second.incr("rl:alice") == 2
    assert first.incr("rl:alice") == 3
    assert (first.get("rl:alice"), second.get("rl:alice")) == (3, 3)


def test_an_increment_keeps_the_counters_expiry(db):
    first, second = _two_processes()
    first.add("rl:hourly", 1, 3600)  # an "/h" limit: its count must live the hour, not the default 5 min
    before = _expires("rl:hourly")
    second.incr("rl:hourly", 5)
    assert _expires("rl:hourly") == before and second.get("rl:hourly") == 6


def test_an_expired_or_missing_counter_is_not_incremented(db):
    first, _ = _two_processes()
    with pytest.raises(ValueError):
        first.incr("rl:nobody")
    first.add("rl:gone", 1, -1)
    with pytest.raises(ValueError):
        first.incr("rl:gone")


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_from_many_connections_lose_no_count():
    _client().add("rl:burst", 0, 60)
    threads, per_thread = 4, 40
    start = threading.Barrier(threads)

    def hammer():
        cache = _client()  # and, in this thread, its own database connection
        start.wait()
        try:
            for _ in range(per_thread):
                cache.incr("rl:burst")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert _client().get("rl:burst") == threads * per_thread
