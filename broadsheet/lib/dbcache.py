"""Django's database cache with an increment that is safe across processes.

The embedded default has no Redis, and each web process has its own local-memory cache, so
counters kept there (the rate limits) are per process. The database is the one thing all
processes share, so the rate limits count there. Django's DatabaseCache.incr is a get
followed by a set: two processes can both read N and both write N + 1, and the set moves
the expiry to the cache's default timeout (an hourly limit would forget its count after five
minutes). This increment reads and writes the row in one transaction that holds its lock
(BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE elsewhere) and leaves the expiry alone.
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class SharedCounterCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        table, cache_key, value_col, expires = qn(self._table), qn("cache_key"), qn("value"), qn("expires")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0, tzinfo=None))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT {value_col} FROM {table} WHERE {cache_key} = %s AND {expires} > %s{lock}", [key, now])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {value_col} = %s WHERE {cache_key} = %s", [encoded, key])
        return value
