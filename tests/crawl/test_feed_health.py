"""A feed's health tells the truth: truncated or garbage-filled feeds are read where they
can be, but never counted plain "ok"; the warning is stored and shown to operators."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from broadsheet.crawl.runner import crawl_once
from broadsheet.sources.models import Feed
from broadsheet.sources.services import add_feed
from tests.crawl.pages import rss

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [{"title": f"Story {i}", "link": f"https://news.example.org/story-{i}"} for i in range(3)]
CLEAN = rss(ITEMS)
TRUNCATED = CLEAN[: CLEAN.index("<item>", CLEAN.index("story-1"))] + "<item><title>Sto"  # cut inside the third entry
GARBAGE_INSIDE = CLEAN.replace("<item>", "<item>\x00\x01 &&& ]]>", 1)
GARBAGE_ONLY = '<?xml version="1.0"?><rss version="2.0"><channel>\x00\x01 ]]> {garbage} &&&'


def serve(server, body: str, content_type: str = "application/rss+xml") -> Feed:
    server.expect_request("/feed.xml").respond_with_data(body, content_type=content_type)
    return add_feed(server.url_for("/feed.xml"), name="Example Gazette")


@pytest.mark.parametrize("body, readable", [(TRUNCATED, 2), (GARBAGE_INSIDE, 3)], ids=["truncated", "garbage-inside"])
def test_an_ill_formed_feed_is_read_but_not_counted_ok(server, crawl_settings, body, readable):
    feed = serve(server, body)
    summary = crawl_once(process=False)
    feed.refresh_from_db()
    assert (summary.feeds_ok, summary.feeds_warned, summary.feeds_failed) == (0, 1, 0)
    assert summary.new == readable
    assert feed.health == "warning" and "ill-formed" in feed.last_warning
    assert "1 read with warnings" in summary.lines()[0]


def test_a_feed_of_garbage_fails_even_when_it_starts_like_rss(server, crawl_settings):
    feed = serve(server, GARBAGE_ONLY)
    summary = crawl_once(process=False)
    feed.refresh_from_db()
    assert (summary.feeds_ok, summary.feeds_warned, summary.feeds_failed) == (0, 0, 1)
    assert feed.health == "failing" and feed.last_error_kind == "malformed_feed"


def test_a_clean_poll_clears_the_warning(server, crawl_settings):
    feed = serve(server, TRUNCATED)
    crawl_once(process=False)
    server.clear()
    server.expect_request("/feed.xml").respond_with_data(CLEAN, content_type="application/rss+xml")
    Feed.objects.filter(pk=feed.pk).update(next_check_at=timezone.now())
    summary = crawl_once(process=False)
    feed.refresh_from_db()
    assert summary.feeds_ok == 1 and feed.health == "ok" and feed.last_warning == ""


def test_a_sound_feed_served_with_the_wrong_content_type_is_plain_ok(server, crawl_settings):
    feed = serve(server, CLEAN, content_type="text/plain")
    summary = crawl_once(process=False)
    feed.refresh_from_db()
    assert summary.feeds_ok == 1 and summary.feeds_warned == 0 and feed.health == "ok"


@pytest.fixture
def warned_feed():
    feed = add_feed("https://warned.example/feed.xml", name="Warned Post")
    Feed.objects.filter(pk=feed.pk).update(last_fetch_at=timezone.now(),
                                           last_warning="ill-formed feed read anyway (truncated or corrupt?): unclosed token")
    return feed


def test_sources_list_shows_the_warning(warned_feed):
    out = StringIO()
    call_command("sources", "list", stdout=out)
    line = next(row for row in out.getvalue().splitlines() if "warned.example" in row)
    assert " warning " in line and "unclosed token" in line


def test_the_admin_and_the_status_page_show_the_warning(client, warned_feed):
    staff = get_user_model().objects.create_user("alice", "alice@example.org", "a-long-password-1",
                                                 is_staff=True, is_superuser=True)
    client.force_login(staff)
    listing = client.get("/admin/sources/feed/").content.decode()
    assert "ok, ill-formed" in listing and "unclosed token" in listing
    assert "warned.example" in client.get("/admin/sources/feed/?warning=yes").content.decode()
    status = client.get("/admin/status/").content.decode()
    assert "Feeds read with warnings" in status and "unclosed token" in status
