"""A feed with thousands of entries costs a bounded poll: at most the cap per poll, newest
first, no more pending articles per source than the cap, and a few queries, not one per entry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.articles.models import Article
from broadsheet.crawl import pipeline
from broadsheet.crawl.runner import crawl_once
from broadsheet.sources.models import Feed
from broadsheet.sources.services import add_feed
from tests.crawl.pages import rss

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def big_feed(server, n: int, path: str = "/big.xml") -> Feed:
    """n entries whose dates rise with their number, served in a shuffled order."""
    order = sorted(range(n), key=lambda i: (i * 7919) % n)  # a fixed shuffle: feed order is no guide
    items = [{"title": f"Item {i}", "link": f"https://big.example.org/a/{i}", "date": START + timedelta(minutes=i)}
             for i in order]
    server.expect_request(path).respond_with_data(rss(items), content_type="application/rss+xml")
    return add_feed(server.url_for(path), name="Big")


def poll(feed: Feed) -> pipeline.PollResult:
    return pipeline.poll_feed(Feed.objects.select_related("source").get(pk=feed.pk))


def numbers(ids) -> set[int]:
    return {int(url.rsplit("/", 1)[1]) for url in Article.objects.filter(pk__in=ids).values_list("url", flat=True)}


def test_a_poll_takes_only_the_newest_entries_up_to_the_cap(server, settings):
    settings.FEED_MAX_NEW_PER_POLL = 200
    feed = big_feed(server, 2000)
    result = poll(feed)
    assert result.ok and result.entries == 2000
    assert numbers(result.new_ids) == set(range(1800, 2000))
    assert result.waiting == 1800 and Article.objects.count() == 200


def test_the_rest_are_taken_by_the_next_polls(server, settings):
    settings.FEED_MAX_NEW_PER_POLL = 200
    feed = big_feed(server, 1000)
    first, second = poll(feed), poll(feed)
    assert numbers(second.new_ids) == set(range(600, 800))
    assert second.known == 200 and not set(first.new_ids) & set(second.new_ids)
    assert Feed.objects.get(pk=feed.pk).next_check_at <= pipeline.timezone.now() + timedelta(
        minutes=settings.POLL_MIN_MINUTES)


def test_a_source_with_enough_pending_articles_waits_for_them(server, settings):
    settings.FEED_MAX_NEW_PER_POLL = 50
    settings.FEED_MAX_PENDING_PER_SOURCE = 120
    feed = big_feed(server, 1000)
    taken = [len(poll(feed).new_ids) for _ in range(4)]
    assert taken == [50, 50, 20, 0]
    Article.objects.filter(status=Article.Status.PENDING).update(status=Article.Status.OK)  # fetched meanwhile
    assert len(poll(feed).new_ids) == 50


def test_storing_entries_costs_a_few_queries_not_one_per_entry(server, settings):
    settings.FEED_MAX_NEW_PER_POLL = 200
    feed = big_feed(server, 1000)
    with CaptureQueriesContext(connection) as queries:
        result = poll(feed)
    assert len(result.new_ids) == 200
    assert len(queries) < 15


def test_a_feed_under_the_caps_is_taken_whole_and_its_undated_entries_too(server, settings):
    items = [{"title": f"Dated {i}", "link": f"https://e.org/d/{i}", "date": START + timedelta(days=i)} for i in range(5)]
    items += [{"title": f"Undated {i}", "link": f"https://e.org/u/{i}"} for i in range(3)]
    items += [{"title": "Dated 0 again", "link": "https://e.org/d/0?utm_source=rss"}]  # same canonical URL
    server.expect_request("/feed.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    feed = add_feed(server.url_for("/feed.xml"))
    result = poll(feed)
    assert len(result.new_ids) == 8 and result.waiting == 0
    assert Article.objects.filter(published_known=True).count() == 5


def test_undated_entries_come_after_dated_ones_in_feed_order():
    from broadsheet.crawl.feeds import Entry

    entries = [Entry(link="u1"), Entry(link="old", published=START), Entry(link="u2"),
               Entry(link="new", published=START + timedelta(days=1))]
    assert [e.link for e in pipeline.newest_first(entries)] == ["new", "old", "u1", "u2"]


def test_the_crawl_summary_counts_what_the_caps_left_for_later(server, settings, crawl_settings):
    settings.FEED_MAX_NEW_PER_POLL = 3
    big_feed(server, 10)
    summary = crawl_once(process=False)
    assert summary.new == 3 and summary.entries_waiting == 7
    assert "7 left for later polls" in " ".join(summary.lines())
