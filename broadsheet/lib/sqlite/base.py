"""Django's SQLite backend, with writers taking turns on a lock the kernel hands over.

SQLite has one writer at a time, and a connection that finds the write lock taken waits in
SQLite's busy handler: it sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms ... between
tries, so a writer that waits for a 10 ms transaction sleeps ~18 ms, and one behind a 30 ms
transaction ~80 ms (measured here, two connections). The task workers, the scheduler's poll
threads and the web workers all write to one file; a task worker spent more time asleep in
that handler than its writes took (crawl/busy.py, docs/benchmarks.md "crawl").

So every write first takes an exclusive flock on a file beside the database: a transaction
from its BEGIN to its COMMIT or ROLLBACK, a write outside a transaction for its statement.
A writer waiting there is woken as soon as the holder lets go. flock is per open file, so
threads of one process exclude each other as processes do, and the kernel drops the lock of
a process that dies. The wait is bounded by the database's timeout (OPTIONS "timeout"); past
it the writer goes on to SQLite's own locking, as before. Writers that do not take the flock
(the sqlite3 shell, another program) still meet SQLite's lock, so nothing relies on it but
speed.
"""

from __future__ import annotations

import fcntl
import os
import re
import time

from django.db.backends.sqlite3 import base, creation

# A statement that may write. A WITH can lead into an INSERT, UPDATE or DELETE; one that names
# none of these only reads (search's ranking is such a WITH ... SELECT). When in doubt, a turn.
_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
POLL = (0.0002, 0.002)  # first and longest pause between tries at a taken lock (a bounded wait has to try again)


class Turns:
    """The flock of one connection (one open file: see the module's docstring)."""

    def __init__(self, path: str, timeout: float):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.timeout, self.held = timeout, False

    def take(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._wait()
            return
        self.held = True

    def _wait(self) -> None:
        # No timed flock in the kernel: a blocking one could wait for ever on a transaction left
        # open, where SQLite's own wait ends with "database is locked". Short pauses instead.
        end, pause = time.monotonic() + self.timeout, POLL[0]
        while time.monotonic() < end:
            time.sleep(pause)
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pause = min(POLL[1], pause * 2)
                continue
            self.held = True
            return

    def give(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.give()
        os.close(self.fd)


class Cursor(base.SQLiteCursorWrapper):
    turns: Turns | None = None

    def execute(self, query, params=None):
        if self._alone(query):
            return super().execute(query, params)
        self.turns.take()
        try:
            return super().execute(query, params)
        finally:
            self.turns.give()

    def executemany(self, query, param_list):
        if self._alone(query):
            return super().executemany(query, param_list)
        self.turns.take()
        try:
            return super().executemany(query, param_list)
        finally:
            self.turns.give()

    def _alone(self, query: str) -> bool:
        """Whether the statement runs without taking a turn: a read, or a statement inside a
        transaction (which took its turn at BEGIN)."""
        return self.turns is None or self.turns.held or self.connection.in_transaction or _reads(query)


def _reads(query: str) -> bool:
    """A SELECT, or a WITH that leads into nothing but SELECTs: a read that took a turn would
    wait behind every writer of every process (search ranks with a WITH ... SELECT)."""
    head = query.lstrip()[:6].upper()
    return head == "SELECT" or (head[:4] == "WITH" and _WRITES.search(query) is None)


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name, verbosity):
        super()._destroy_test_db(test_database_name, verbosity)
        if not self.is_in_memory_db(test_database_name):  # the test database's lock file goes with it
            try:
                os.remove(f"{test_database_name}.writer-lock")
            except FileNotFoundError:
                pass


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    turns: Turns | None = None

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            self.turns = Turns(f"{self.settings_dict['NAME']}.writer-lock", conn_params.get("timeout", 5.0))
        return conn

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=Cursor)
        cursor.turns = self.turns
        return cursor

    def _start_transaction_under_autocommit(self):
        if self.turns is not None:
            self.turns.take()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            if self.turns is not None:
                self.turns.close()
                self.turns = None

    def _end_turn(self) -> None:
        if self.turns is not None and not (self.connection is not None and self.connection.in_transaction):
            self.turns.give()
