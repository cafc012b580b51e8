"""Feeds written to hurt the crawler: each is served over loopback HTTP, as a publisher
(or anyone on the path of an http feed) could serve it."""

from __future__ import annotations

import time

import pytest

from broadsheet.articles.models import Article
from broadsheet.crawl.feeds import FeedError, parse_feed
from broadsheet.crawl.runner import crawl_once
from broadsheet.sources.models import Feed
from broadsheet.sources.services import add_feed
from tests.crawl.pages import rss

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def local_feed_file(tmp_path):
    """A real feed on this machine's disk: what a path-shaped body would make us read."""
    path = tmp_path / "secret-feed.xml"
    path.write_text(rss([{"title": "Read from the crawler's own disk", "link": "https://example.org/leak"}],
                        title="Local secret"))
    return path


def test_a_body_that_is_a_file_path_is_never_opened(local_feed_file):
    with pytest.raises(FeedError) as caught:
        parse_feed(str(local_feed_file).encode(), "https://example.org/feed.xml", "application/rss+xml")
    assert caught.value.kind == "malformed_feed"


def test_a_feed_whose_body_is_a_local_path_is_refused_and_nothing_is_stored(server, crawl_settings, local_feed_file):
    server.expect_request("/feed.xml").respond_with_data(str(local_feed_file), content_type="application/rss+xml")
    feed = add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    feed.refresh_from_db()
    assert summary.feeds_failed == 1 and summary.new == 0
    assert feed.last_error_kind == "malformed_feed"
    assert feed.title != "Local secret"
    assert not Article.objects.filter(title__icontains="crawler's own disk").exists()


def test_a_feed_whose_body_is_dev_zero_fails_at_once(server, crawl_settings):
    server.expect_request("/feed.xml").respond_with_data("/dev/zero", content_type="application/rss+xml")
    feed = add_feed(server.url_for("/feed.xml"))
    started = time.monotonic()
    summary = crawl_once()
    assert time.monotonic() - started < 5
    feed = Feed.objects.get(pk=feed.pk)
    assert summary.feeds_failed == 1 and feed.last_error_kind == "malformed_feed"
    assert feed.claimed_until is None


def test_a_dripping_feed_and_a_dripping_page_each_cost_one_deadline(server, crawl_settings):
    from tests.crawl.pages import article_html
    from tests.dripping import dripping_server, http_head

    crawl_settings.FETCH = {**crawl_settings.FETCH, "deadline": 1.0}  # timeout 5 s, retries 2: neither helps
    page = article_html("A page sent a byte at a time").encode()[:30]
    with dripping_server(http_head(page, "text/html"), page, every=0.2, not_found=("/robots.txt",)) as slow:
        server.expect_request("/feed.xml").respond_with_data(rss([{"title": "Slow page", "link": slow + "/story"}]))
        add_feed(server.url_for("/feed.xml"))
        dripping = add_feed(slow + "/feed.xml")
        started = time.monotonic()
        summary = crawl_once(process=False)
        took = time.monotonic() - started
    assert summary.feeds_failed == 1 and Feed.objects.get(pk=dripping.pk).last_error_kind == "timeout"
    assert Article.objects.get().error_kind == "timeout"
    assert took < 2 * (1.0 + 1)  # the feed phase, then the page phase: one deadline each
