"""A cache backend that stands for a shared one (Redis) in tests: process memory under
another name, counting its reads, so the page cache treats it as shared (web/pagecache.py)."""

from django.core.cache.backends.locmem import LocMemCache


class CountingCache(LocMemCache):
    reads = 0

    def get(self, key, default=None, version=None):
        CountingCache.reads += 1
        return super().get(key, default, version)
