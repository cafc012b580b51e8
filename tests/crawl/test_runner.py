"""`crawl --once` as a pipeline: pages fetched while other feeds are polled, processing while
pages are fetched, slow hosts never holding up the others. Two loopback hosts (127.0.0.1
and 127.0.0.2) stand for two publishers: lib.http counts its per-host slots by host name."""

from __future__ import annotations

import threading
import time

import pytest
from werkzeug import Response

from broadsheet.articles.models import Article
from broadsheet.crawl import runner
from broadsheet.crawl.runner import crawl_once
from broadsheet.sources.services import add_feed
from tests.crawl.pages import article_html, rss

pytestmark = pytest.mark.django_db(transaction=True)


def step(article) -> None:
    """The pipeline step of these tests (settings.ARTICLE_PIPELINE): runs `the_step`."""
    the_step(article)


def the_step(article) -> None:
    pass


@pytest.fixture
def pipeline_step(crawl_settings, monkeypatch):
    crawl_settings.ARTICLE_PIPELINE = [f"{__name__}.step"]
    return lambda fn: monkeypatch.setattr(f"{__name__}.the_step", fn)


class Clock:
    """When each request reached a server, since the test began."""

    def __init__(self):
        self.start, self.seen, self.lock = time.monotonic(), {}, threading.Lock()

    def mark(self, name: str) -> float:
        with self.lock:
            return self.seen.setdefault(name, time.monotonic() - self.start)

    def slow(self, name: str, seconds: float, body: str, content_type: str = "application/rss+xml"):
        def handler(request):
            self.mark(name)
            time.sleep(seconds)
            self.mark(name + " answered")
            return Response(body, content_type=content_type)

        return handler

    def quick(self, name: str, body: str, content_type: str = "text/html"):
        def handler(request):
            self.mark(name)
            return Response(body, content_type=content_type)

        return handler


def site(server, clock: Clock, name: str, count: int, page_delay: float = 0.0):
    """A feed of `count` articles on `server`; each page answered after `page_delay` seconds."""
    items = []
    for i in range(count):
        path = f"/{name}/{i}"
        html = article_html(f"{name} story {i}", paragraphs=[f"{name} story {i} opens with its own sentence."] +
                            [f"Paragraph {j} of the {name} story number {i} tells more of what happened." * 3 for j in range(4)])
        handler = clock.slow(f"{name} page {i}", page_delay, html, "text/html") if page_delay else clock.quick(f"{name} page {i}", html)
        server.expect_request(path).respond_with_handler(handler)
        items.append({"title": f"{name} story {i}", "link": server.url_for(path)})
    server.expect_request(f"/{name}.xml").respond_with_handler(clock.quick(f"{name} feed", rss(items), "application/rss+xml"))
    return add_feed(server.url_for(f"/{name}.xml"), name=name)


def test_a_parsed_feeds_pages_are_fetched_while_a_slow_feed_is_still_polled(server, other_host, crawl_settings):
    clock = Clock()
    site(server, clock, "quick", count=2)
    other_host.expect_request("/slow.xml").respond_with_handler(clock.slow("slow feed", 1.5, rss([])))
    add_feed(other_host.url_for("/slow.xml"), name="slow")
    summary = crawl_once()
    assert summary.feeds_ok == 2 and summary.articles_ok == 2
    assert clock.seen["quick page 1"] < clock.seen["slow feed answered"]


def test_a_host_out_of_slots_does_not_hold_the_workers(server, other_host, crawl_settings):
    crawl_settings.CRAWL_WORKERS = 3
    clock = Clock()
    for i in range(3):  # three slow feeds of one publisher, listed first: two may run, one must wait
        other_host.expect_request(f"/a{i}.xml").respond_with_handler(clock.slow(f"slow feed {i}", 1.0, rss([])))
        add_feed(other_host.url_for(f"/a{i}.xml"), name="A slow publisher")
    site(server, clock, "quick", count=1)
    crawl_once()
    assert clock.seen["quick feed"] < 0.8  # the third worker polled the other host at once


def test_a_hanging_fetch_stops_counting_towards_the_pool(server, other_host, crawl_settings, monkeypatch):
    monkeypatch.setattr(runner, "STALLED_AFTER", 0.2, raising=False)
    crawl_settings.CRAWL_WORKERS = 1
    clock = Clock()
    other_host.expect_request("/hang.xml").respond_with_handler(clock.slow("hanging feed", 2.0, rss([])))
    add_feed(other_host.url_for("/hang.xml"), name="A hanging publisher")
    site(server, clock, "quick", count=1)
    summary = crawl_once()
    assert summary.feeds_ok == 2
    assert clock.seen["quick page 0"] < clock.seen["hanging feed answered"]


def test_a_page_being_extracted_leaves_its_hosts_slot_to_the_next_fetch(server, crawl_settings, monkeypatch):
    import broadsheet.extract

    real = broadsheet.extract.extract

    def slow_extract(html, url, **kwargs):
        time.sleep(1.0)
        return real(html, url, **kwargs)

    monkeypatch.setattr(broadsheet.extract, "extract", slow_extract)
    crawl_settings.CRAWL_EXTRACT_PROCESSES = 1  # in the crawling threads
    clock = Clock()
    site(server, clock, "quick", count=3)
    summary = crawl_once()
    assert summary.articles_ok == 3
    first, third = sorted(clock.seen[f"quick page {i}"] for i in range(3))[::2]
    assert third - first < 0.8  # fetched while the first two were still being extracted


def test_articles_are_processed_while_other_pages_are_still_fetched(server, other_host, pipeline_step):
    clock, processed_at = Clock(), {}
    pipeline_step(lambda article: processed_at.setdefault(article.title, time.monotonic() - clock.start))
    site(server, clock, "quick", count=2)
    site(other_host, clock, "slow", count=2, page_delay=1.0)
    summary = crawl_once()
    assert summary.processed == 4
    assert min(processed_at["quick story 0"], processed_at["quick story 1"]) < clock.seen["slow page 1 answered"]


def test_a_step_that_crashes_costs_one_article_not_the_pass(server, pipeline_step):
    def picky(article):
        if article.title.endswith("story 1"):
            raise RuntimeError("a bug in one step")

    pipeline_step(picky)
    site(server, Clock(), "quick", count=3)
    summary = crawl_once()
    assert summary.processed == 2 and summary.errors["process:failed"] == 1
    unprocessed = Article.objects.filter(processed_at__isnull=True).values_list("title", flat=True)
    assert list(unprocessed) == ["quick story 1"]  # left for requeue_stale and a task worker


def test_the_progress_totals_grow_with_what_the_feeds_bring(server, other_host, crawl_settings):
    bars = {}

    class Bar:
        def __init__(self, total, desc):
            self.total, self.n, self.closed = total, 0, False
            bars[desc] = self

        def update(self, n=1):
            self.n += n

        def close(self):
            self.closed = True

    clock = Clock()
    site(server, clock, "quick", count=2)
    site(other_host, clock, "other", count=3)
    summary = crawl_once(progress=Bar)
    assert (bars["feeds"].total, bars["pages"].total, bars["processed"].total) == (2, 5, summary.articles_ok)
    assert all(bar.n == bar.total and bar.closed for bar in bars.values())


def test_the_host_queue_takes_hosts_in_turn_within_their_slots():
    from broadsheet.crawl.hosts import FEED, PAGE, HostQueue

    jobs = HostQueue(per_host=2)
    for i in range(3):
        jobs.put(PAGE, "a", f"a-page-{i}")
    jobs.put(PAGE, "b", "b-page")
    jobs.put(FEED, "b", "b-feed")
    taken = [jobs.take()[2] for _ in range(4)]
    assert taken == ["b-feed", "a-page-0", "b-page", "a-page-1"]  # feeds first, hosts in turn
    jobs.close()
    waiting = threading.Thread(target=lambda: taken.append(jobs.take()[2]))
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive()  # host a has two in flight: its third page waits for a slot
    jobs.done("a", PAGE)
    waiting.join(1)
    assert taken[-1] == "a-page-2"
    assert jobs.take() is None  # closed and drained


def test_a_few_pages_run_while_feeds_wait_so_extraction_is_never_idle():
    from broadsheet.crawl.hosts import FEED, PAGE, HostQueue

    jobs = HostQueue(per_host=2, page_floor=1)
    for host in "abc":
        jobs.put(FEED, host, f"{host}-feed")
        jobs.put(PAGE, host, f"{host}-page")
    taken = [jobs.take()[2] for _ in range(3)]
    assert taken == ["a-page", "b-feed", "c-feed"]  # one page in flight, then feeds first, hosts in turn
    jobs.done("a", PAGE)
    assert jobs.take()[2] == "b-page"


def test_a_hosts_slow_lane_runs_after_its_healthy_feeds_and_one_at_a_time():
    from broadsheet.crawl.hosts import FEED, SLOW, HostQueue

    jobs = HostQueue(per_host=2)
    for i in range(3):
        jobs.put(SLOW, "a", f"a-failing-{i}")
    jobs.put(FEED, "a", "a-healthy")
    taken = [jobs.take() for _ in range(2)]
    assert [job for _, _, job in taken] == ["a-healthy", "a-failing-0"]  # the host's healthy feed first
    waiting = threading.Thread(target=lambda: taken.append(jobs.take()))
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive()  # a slot is free (the healthy one answered), but one failing feed is in flight
    jobs.done("a", FEED)
    waiting.join(0.2)
    assert waiting.is_alive()
    jobs.done("a", SLOW)
    waiting.join(1)
    assert taken[-1][2] == "a-failing-1"


def test_crawl_once_polls_a_hosts_healthy_feeds_while_two_of_its_feeds_hang(other_host, crawl_settings):
    crawl_settings.FETCH = {**crawl_settings.FETCH, "timeout": 4.0, "deadline": 4.0, "per_host": 2, "hang_after": 0.5, "allow_private": True}
    clock = Clock()
    for i in range(2):  # listed first: without the cut both of the host's slots hang for 4 s
        other_host.expect_request(f"/hang-{i}.xml").respond_with_handler(clock.slow(f"hanging feed {i}", 6.0, rss([])))
        add_feed(other_host.url_for(f"/hang-{i}.xml"), name="A publisher")
    for i in range(3):
        other_host.expect_request(f"/ok-{i}.xml").respond_with_handler(clock.quick(f"healthy feed {i}", rss([]), "application/rss+xml"))
        add_feed(other_host.url_for(f"/ok-{i}.xml"), name="A publisher")
    summary = crawl_once()
    assert max(clock.seen[f"healthy feed {i}"] for i in range(3)) < 2.0, clock.seen
    assert (summary.feeds_ok, summary.feeds_failed, summary.errors["feed:timeout"]) == (3, 2, 2)
