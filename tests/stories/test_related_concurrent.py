"""Two workers storing related lists that overlap: each waits for the other's transaction
instead of failing on the list's unique rank (PostgreSQL) or deadlocking."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from broadsheet.stories import pipeline, related
from broadsheet.stories.models import Related

from .conftest import QUAKE, article, between, source
from .test_related import VOLCANOES, related_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_rewriting_the_same_lists_wait_for_each_other(at, monkeypatch):
    c = article("Quake kills ten", QUAKE, topic="quake", publisher=source("Tehran Times"))
    a, b = (article(*VOLCANOES[i], topic="volcano", publisher=source(name), at=at(hours=i + 1),
                    embedding=between("quake", f"volcano-{i}"))
            for i, name in enumerate(["Wire", "Gazette"]))
    for item in (c, a, b):
        item.refresh_from_db()
        pipeline.process_article(item)
    assert set(related_to(c)) == {a.pk, b.pk}  # both newcomers are offered to the quake's list
    Related.objects.all().delete()

    first_wrote, go_on, errors = threading.Event(), threading.Event(), []
    spread = related.spread

    def spread_then_hold(item, hits):
        changed = spread(item, hits)
        if item.pk == a.pk:  # the first worker holds its transaction open, the lists written
            first_wrote.set()
            go_on.wait(10)
        return changed

    monkeypatch.setattr(related, "spread", spread_then_hold)

    def worker(item):
        try:
            related.store(item)
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=worker, args=(a,))
    first.start()
    assert first_wrote.wait(10)
    second = threading.Thread(target=worker, args=(b,))
    second.start()
    second.join(1.0)
    assert second.is_alive()  # waiting for the first worker's transaction, not writing beside it
    go_on.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert set(related_to(c)) == {a.pk, b.pk}  # both offers reached the list they share
    assert related_to(a) == [c.pk] and related_to(b) == [c.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite runs one writer at a time)")
def test_two_workers_whose_lists_name_each_others_article_do_not_deadlock(at):
    """Each locks the article whose list it rewrites; the list's rows reference the other's
    article, and their foreign-key checks take a KEY SHARE lock on it at commit. FOR UPDATE
    conflicts with that (PostgreSQL: "deadlock detected", 19 processing tasks in one 120 s
    bench run with two RQ workers); FOR NO KEY UPDATE does not."""
    a, b = (article(*VOLCANOES[i], topic="volcano", publisher=source(name), at=at(hours=i + 1)) for i, name in enumerate(["Wire", "Gazette"]))
    both_locked, errors = threading.Barrier(2, timeout=10), []

    def worker(owner, other):
        try:
            with transaction.atomic():
                related.lock({owner.pk})
                both_locked.wait()
                related.write(owner.pk, [(other.pk, 0.9)])
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert related_to(a) == [b.pk] and related_to(b) == [a.pk]
