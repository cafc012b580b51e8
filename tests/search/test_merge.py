"""Merging the SQLite full-text index's segments in bounded steps (broadsheet/search/merge.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from broadsheet.search import merge
from broadsheet.search.engine import search
from tests.web.factories import article

pytestmark = pytest.mark.django_db


def segments() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {table: merge.segments(cursor, table) for table in merge.TABLES}


@pytest.fixture
def scattered():
    """Eight articles, each flushed as a segment of its own (FTS5's automerge off, as after a
    bulk fill that left many)."""
    with connection.cursor() as cursor:
        for table in merge.TABLES:
            cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)")
    words = [f"w{n}x{i}" for n in range(8) for i in range(1500)]  # several pages of index a segment
    for n in range(8):
        with transaction.atomic():  # a savepoint: FTS5 writes what it holds as a new segment
            article(f"Harbour report number {n}", hours_ago=n + 1, body=" ".join(words[n::8]))
    assert all(count > merge.MAX_SEGMENTS for count in segments().values())


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_many_segments_are_merged_into_one_and_the_index_still_finds_everything(scattered):
    steps = merge.merge(pages=4)  # a few pages a step: the merge takes several
    assert steps > 4
    assert segments() == {"search_fts": 1, "search_heads": 1}
    assert len(search("harbour").results) == 8 and len(search("report number 3").results) == 1
    assert merge.merge() == 0  # nothing left to do


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_merge_stops_at_its_budget_and_the_next_call_goes_on(scattered, monkeypatch):
    assert merge.merge(seconds=0) == 0
    assert all(count > 1 for count in segments().values())
    clock = iter(range(1000))
    monkeypatch.setattr(merge.time, "monotonic", lambda: next(clock))  # a second a step
    assert merge.merge(seconds=3, pages=4) == 2  # stopped at its budget, the merge begun
    assert segments()["search_fts"] > 1
    monkeypatch.undo()
    call_command("search_merge", "--pages", "4")  # goes on where it stopped
    assert segments() == {"search_fts": 1, "search_heads": 1}


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_few_segments_are_left_to_fts5s_own_merging(scattered):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
        cursor.execute("INSERT INTO search_heads (search_heads) VALUES ('optimize')")
    for n in range(2):  # two new small segments beside the big one: not worth rewriting it
        with transaction.atomic():
            article(f"Late report {n}")
    assert segments()["search_fts"] == 3
    assert merge.merge() == 0 and segments()["search_fts"] == 3


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_has_nothing_to_merge():
    assert merge.merge() == 0


def test_broadsheet_run_merges_every_ten_minutes(monkeypatch):
    import django.db

    from broadsheet.crawl.management.commands.run import Command

    monkeypatch.setattr(django.db, "close_old_connections", lambda: None)  # the test's own connection
    calls = []
    monkeypatch.setattr(merge, "merge", lambda: calls.append(1))
    command = Command()
    command._merge_search_index()
    command._merge_search_index()
    assert calls == [1]
    command._next_merge = 0.0  # ten minutes later
    command._merge_search_index()
    assert calls == [1, 1]
