"""SQLite writers take turns on a flock beside the database (lib/sqlite/base.py)."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, transaction

from broadsheet.sources.models import Source

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite only")]


def taken(path: str) -> bool:
    """Whether some connection holds the writers' flock (asked through a file of our own)."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def lock_path() -> str:
    connection.ensure_connection()
    return f"{connection.settings_dict['NAME']}.writer-lock"


def test_a_transaction_holds_the_writers_turn_from_begin_to_commit():
    path = lock_path()
    assert not taken(path)
    with transaction.atomic():
        Source.objects.create(name="Example Gazette", homepage="https://example.org/")
        assert taken(path)
    assert not taken(path)


def test_a_rolled_back_transaction_gives_its_turn_back():
    path = lock_path()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Source.objects.create(name="Example Gazette", homepage="https://example.org/")
        1 / 0
    assert not taken(path)


def test_reads_take_no_turn():
    path = lock_path()
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another writer's turn
    try:
        assert Source.objects.count() == 0  # not held up
    finally:
        os.close(fd)


def test_a_read_led_by_with_takes_no_turn_and_a_write_led_by_with_does():
    path = lock_path()
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another writer's turn
    threading.Timer(0.3, lambda: os.close(fd)).start()
    with connection.cursor() as cursor:
        started = time.monotonic()
        cursor.execute("WITH n(x) AS (SELECT 1) SELECT x FROM n")
        assert cursor.fetchone() == (1,) and time.monotonic() - started < 0.1  # not held up
        cursor.execute("WITH n(x) AS (SELECT 'Example Gazette') "
                       "UPDATE sources_source SET name = (SELECT x FROM n) WHERE id < 0")
        assert time.monotonic() - started >= 0.29  # waited for the other writer's turn


def test_a_writer_is_woken_when_the_turn_is_given_back_not_after_sqlites_sleeps():
    """SQLite's busy handler would sleep 1, 2, 5, 10, 15, 20, 25 ms ... between tries."""
    path = lock_path()
    fd = os.open(path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(0.3, lambda: os.close(fd)).start()  # the other writer's transaction ends at +0.3 s
    started = time.monotonic()
    Source.objects.create(name="Example Gazette", homepage="https://example.org/")  # a write outside a transaction
    waited = time.monotonic() - started
    assert 0.29 <= waited < 0.45
