"""Page views read from a database replica (`DATABASE_REPLICA_URL`); everything else, the
primary.

Only a reader's GET or HEAD reads from the replica, through `ReplicaMiddleware`: task
workers, the scheduler, the admin's writes and every write go to `default`, so nothing that
decides what to store ever reads rows a replica has not caught up with yet. A reader who
has just written (a comment, a vote, a sign-in: any other method) reads from the primary
for `BROADSHEET_REPLICA_PIN_SECONDS` after it, by a cookie, so the page they land on shows
what they did, whatever the replica's lag.

Why a context variable and not Django's usual "reads to the replica" router: that router
sends every read in every process to the replica, including a worker's read of the rows it
is about to update. Here the choice is made per request.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
PIN_COOKIE = "bs_primary"

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


class ReplicaRouter:
    """Reads inside a reader's page view go to the replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model, **hints):
        # Said outright: with no answer Django writes an instance where it was read from,
        # and a row a page view read from the replica must still be saved on the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, one database a little behind the other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication


class ReplicaMiddleware:
    """Marks a reader's GET/HEAD as a replica read unless the reader wrote moments ago, and
    pins a reader who writes to the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            response = self.get_response(request)
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                                samesite="Lax", secure=request.is_secure())
            return response
        if request.COOKIES.get(PIN_COOKIE):
            return self.get_response(request)
        token = _reading_replica.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading_replica.reset(token)
