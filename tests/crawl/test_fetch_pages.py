"""A feed's new pages are fetched by one task, each page fetched while the one before is extracted."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.articles.models import Article
from broadsheet.crawl import pipeline, tasks
from broadsheet.crawl.models import TaskWorker
from broadsheet.extract import extract
from broadsheet.lib import http
from broadsheet.sources.services import add_feed
from tests.crawl.pages import article_html

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["process", "default"]}}
    settings.PROCESS_WAIT = 0


@pytest.fixture
def feed():
    return add_feed("https://example.org/feed.xml", section="News", name="Example Gazette")


def entries(feed, count: int) -> list[int]:
    return [Article.objects.create(source=feed.source, feed=feed, url=f"https://example.org/news/{n}",
                                   title=f"Story {n}").pk for n in range(count)]


class Pages:
    """get_page's stand-in: each page takes 0.1 s to arrive; records when each fetch ran."""

    def __init__(self):
        self.fetches: list[tuple[str, float, float]] = []  # (url, start, end)
        self.extracted: list[tuple[str, float, float]] = []
        self.lock = threading.Lock()

    def get_page(self, url: str) -> http.Response:
        start = time.monotonic()
        time.sleep(0.1)
        n = url.rsplit("/", 1)[1]
        html = article_html(f"Story {n}", paragraphs=[f"Paragraph {i} of story {n}, which tells its own news at length "
                                                       "so that the extractor keeps it as the body." for i in range(4)])
        with self.lock:
            self.fetches.append((url, start, time.monotonic()))
        return http.Response(url, 200, httpx.Headers({"content-type": "text/html; charset=utf-8"}), html.encode())

    def extract(self, html, url, **kwargs):
        start = time.monotonic()
        time.sleep(0.1)
        page = extract(html, url, **kwargs)
        self.extracted.append((url, start, time.monotonic()))
        return page


def test_a_feeds_pages_are_fetched_while_the_one_before_is_extracted(feed, monkeypatch):
    pages = Pages()
    monkeypatch.setattr(pipeline, "get_page", pages.get_page)
    ids = entries(feed, 4)
    outcomes = pipeline.fetch_articles(ids, pages.extract)
    assert outcomes == {pk: "ok" for pk in ids}
    assert Article.objects.filter(pk__in=ids, status=Article.Status.OK).count() == 4
    fetch_of = {url: (start, end) for url, start, end in pages.fetches}
    for (url, start, end), (next_url, *_) in zip(pages.extracted, pages.extracted[1:]):
        assert fetch_of[next_url][0] < end  # the next page was on its way while this one was extracted


def test_one_page_at_a_time_is_in_flight(feed, monkeypatch):
    """Two task workers then have at most two requests in flight to a host, as when each
    fetched its pages itself."""
    pages = Pages()
    monkeypatch.setattr(pipeline, "get_page", pages.get_page)
    pipeline.fetch_articles(entries(feed, 4), lambda html, url, **kw: extract(html, url, **kw))
    spans = sorted((start, end) for _, start, end in pages.fetches)
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))


def test_a_polls_new_entries_go_out_as_tasks_of_several_pages(feed):
    ids = entries(feed, tasks.PAGES_PER_TASK + 3)
    tasks.queue_pages(feed.pk, ids)
    queued = [row["args"] for row in DBTaskResult.objects.filter(task_path=tasks.fetch_pages.module_path)
              .order_by("enqueued_at").values_list("args_kwargs", flat=True)]
    assert [args[0] for args in queued] == [feed.pk, feed.pk]
    assert sorted(pk for args in queued for pk in args[1]) == sorted(ids)
    assert not Article.objects.filter(pk__in=ids, queued_at__isnull=True).exists()


def test_the_task_queues_what_it_stored_for_processing(feed, monkeypatch):
    pages = Pages()
    monkeypatch.setattr(pipeline, "get_page", pages.get_page)
    ids = entries(feed, 3)
    assert tasks.fetch_pages.call(feed.pk, ids) == 3
    assert DBTaskResult.objects.filter(task_path=tasks.process_article.module_path).count() == 1  # one for the three


def test_a_dead_workers_pages_are_fetched_one_task_each(feed):
    ids = entries(feed, 3)
    Article.objects.filter(pk=ids[0]).update(status=Article.Status.OK)  # done before the worker died
    TaskWorker.objects.create(name="gone-1", host="elsewhere", pid=1, queue="database", task="fetch_pages",
                              task_arg=feed.pk, beat_at=timezone.now() - timedelta(minutes=5))
    running = DBTaskResult.objects.get(id=tasks.fetch_pages.enqueue(feed.pk, ids).id)
    running.claim("gone-1")
    tasks.recover_dead_workers()
    again = DBTaskResult.objects.filter(task_path=tasks.fetch_article.module_path, status="READY")
    assert sorted(row.args_kwargs["args"][0] for row in again) == sorted(ids[1:])  # each counts its own attempts
