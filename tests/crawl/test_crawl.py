"""Crawling over real HTTP from a loopback server: the happy path and every bad input."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from broadsheet.articles.models import Article
from broadsheet.crawl import pipeline
from broadsheet.crawl.runner import crawl_once
from broadsheet.sources.models import Feed
from broadsheet.sources.services import add_feed
from tests.crawl.pages import article_html, rss, when

pytestmark = pytest.mark.django_db(transaction=True)


def serve_site(server, count=3, prefix="/news", feed_path="/feed.xml", **page_kw):
    items = []
    for i in range(count):
        path = f"{prefix}/story-{i}"
        paragraphs = [f"Story {i} opens with its own sentence about item number {i}."] + page_kw.get("paragraphs", [])[:0]
        from tests.crawl.pages import PARAGRAPHS

        server.expect_request(path).respond_with_data(
            article_html(f"Tram line story {i}", paragraphs=paragraphs + PARAGRAPHS), content_type="text/html; charset=utf-8")
        items.append({"title": f"Tram line story {i}", "link": server.url_for(path), "date": when(20 + i % 5)})
    server.expect_request(feed_path).respond_with_data(rss(items), content_type="application/rss+xml")
    return add_feed(server.url_for(feed_path), section="News", name="Example Gazette")


def test_it_crawls_a_feed_into_clean_articles(server, crawl_settings):
    serve_site(server, count=3)
    summary = crawl_once()
    assert (summary.feeds_ok, summary.new, summary.articles_ok, summary.articles_failed) == (1, 3, 3, 0)
    article = Article.objects.get(title="Tram line story 1")
    assert article.status == Article.Status.OK
    assert article.authors and article.authors[0]["name"] == "Jane Doe"
    assert article.published.date().isoformat() == "2026-11-20"
    assert "riverside tram line" in article.body
    assert "All rights reserved" not in article.body and "Home" not in article.body.split()[:3]
    assert len(article.paragraphs) >= 4
    assert [(b["type"], b["text"]) for b in article.blocks] == [("p", p) for p in article.paragraphs]  # labelled body kept
    assert article.section == "News"


def test_a_second_pass_stores_nothing_twice(server, crawl_settings):
    feed = serve_site(server, count=3)
    crawl_once()
    Feed.objects.filter(pk=feed.pk).update(next_check_at=timezone.now())
    summary = crawl_once()
    assert summary.new == 0 and summary.known == 3
    assert Article.objects.count() == 3


def test_it_sends_conditional_get_and_skips_an_unchanged_feed(server, crawl_settings):
    server.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    server.expect_request("/feed.xml").respond_with_data(rss([]), headers={"ETag": '"v1"'}, content_type="application/rss+xml")
    feed = add_feed(server.url_for("/feed.xml"))
    crawl_once()
    assert Feed.objects.get(pk=feed.pk).etag == '"v1"'
    summary = crawl_once(all_feeds=True)
    assert summary.feeds_not_modified == 1 and summary.feeds_failed == 0


def test_the_same_entry_in_two_feeds_is_one_article(server, crawl_settings):
    from tests.crawl.pages import PARAGRAPHS

    server.expect_request("/shared").respond_with_data(article_html("Shared story"), content_type="text/html")
    link = server.url_for("/shared") + "?utm_source=rss"
    for name in ("/a.xml", "/b.xml"):
        server.expect_request(name).respond_with_data(rss([{"title": "Shared story", "link": link}]))
        add_feed(server.url_for(name))
    summary = crawl_once()
    assert Article.objects.count() == 1
    assert summary.new == 1 and summary.known == 1
    assert Article.objects.get().url == server.url_for("/shared")  # tracking parameter gone


def test_the_same_text_under_another_url_is_a_duplicate(server, crawl_settings):
    server.expect_request("/original").respond_with_data(article_html("Original"), content_type="text/html")
    server.expect_request("/copy").respond_with_data(article_html("Copy"), content_type="text/html")
    server.expect_request("/feed.xml").respond_with_data(rss([
        {"title": "Original", "link": server.url_for("/original"), "date": when(20)},
    ]))
    server.expect_request("/feed2.xml").respond_with_data(rss([
        {"title": "Copy", "link": server.url_for("/copy"), "date": when(21)},
    ]))
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    add_feed(server.url_for("/feed2.xml"))
    summary = crawl_once()
    copy = Article.objects.get(url=server.url_for("/copy"))
    assert summary.duplicates == 1
    assert copy.status == Article.Status.DUPLICATE
    assert copy.duplicate_of.url == server.url_for("/original")


@pytest.mark.parametrize(
    "body, content_type, kind",
    [
        (b"", "application/rss+xml", "empty_feed"),
        (b"<html><head><title>Home</title></head><body><p>Welcome</p></body></html>", "text/html", "not_a_feed"),
        (b"\x00\x01\x02 this is not xml at all {]", "application/xml", "malformed_feed"),
    ],
    ids=["empty", "html-as-feed", "garbage"],
)
def test_a_bad_feed_is_stored_with_a_clear_error(server, crawl_settings, body, content_type, kind):
    server.expect_request("/feed.xml").respond_with_data(body, content_type=content_type)
    feed = add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    feed.refresh_from_db()
    assert summary.feeds_failed == 1
    assert feed.last_error_kind == kind and feed.last_error
    assert feed.consecutive_failures == 1
    assert feed.next_check_at > timezone.now()


def test_an_ill_formed_feed_with_entries_is_still_read(server, crawl_settings):
    server.expect_request("/p").respond_with_data(article_html("Ill-formed but fine"), content_type="text/html")
    feed_xml = rss([{"title": "Ill-formed & fine", "link": server.url_for("/p")}]).replace("&amp; fine", "& fine")
    server.expect_request("/feed.xml").respond_with_data(feed_xml, content_type="application/rss+xml")
    feed = add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    assert summary.feeds_warned == 1 and summary.articles_ok == 1
    feed.refresh_from_db()
    assert feed.health == "warning" and "not well-formed" in feed.last_warning


@pytest.mark.parametrize("status, kind", [(404, "http_404"), (410, "http_410"), (500, "http_5xx")])
def test_http_errors_fail_the_feed_and_back_off(server, crawl_settings, status, kind):
    server.expect_request("/feed.xml").respond_with_data("nope", status=status)
    feed = add_feed(server.url_for("/feed.xml"))
    crawl_once()
    feed.refresh_from_db()
    first_delay = feed.next_check_at - timezone.now()
    assert feed.last_error_kind == kind
    Feed.objects.filter(pk=feed.pk).update(next_check_at=timezone.now())
    crawl_once()
    feed.refresh_from_db()
    assert feed.consecutive_failures == 2
    assert feed.next_check_at - timezone.now() > first_delay  # exponential backoff


def test_a_failing_feed_does_not_stop_the_others(server, crawl_settings):
    serve_site(server, count=2)
    server.expect_request("/broken.xml").respond_with_data("down", status=503)
    add_feed(server.url_for("/broken.xml"))
    summary = crawl_once()
    assert summary.feeds_ok == 1 and summary.feeds_failed == 1 and summary.articles_ok == 2
    assert summary.errors["feed:http_5xx"] == 1


def test_a_transient_error_is_retried(server, crawl_settings):
    calls = []

    def flaky(request):
        calls.append(1)
        if len(calls) == 1:
            return Response("busy", status=503)
        return Response(rss([]), content_type="application/rss+xml")

    server.expect_request("/feed.xml").respond_with_handler(flaky)
    add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    assert summary.feeds_ok == 1 and len(calls) == 2


def test_a_slow_server_times_out(server, crawl_settings):
    crawl_settings.FETCH = {**crawl_settings.FETCH, "timeout": 0.3, "retries": 0}

    def slow(request):
        time.sleep(1.0)
        return Response(rss([]))

    server.expect_request("/feed.xml").respond_with_handler(slow)
    feed = add_feed(server.url_for("/feed.xml"))
    crawl_once()
    feed.refresh_from_db()
    assert feed.last_error_kind == "timeout"


def test_a_redirect_loop_is_caught(server, crawl_settings):
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    feed = add_feed(server.url_for("/a"))
    crawl_once()
    feed.refresh_from_db()
    assert feed.last_error_kind == "redirect_loop"


def test_too_many_redirects_are_refused(server, crawl_settings):
    for i in range(10):
        server.expect_request(f"/r{i}").respond_with_data("", status=301, headers={"Location": f"/r{i + 1}"})
    feed = add_feed(server.url_for("/r0"))
    crawl_once()
    feed.refresh_from_db()
    assert feed.last_error_kind == "too_many_redirects"


def test_a_huge_page_is_refused_without_reading_it_all(server, crawl_settings):
    sent = []

    def huge(request):
        def chunks():
            chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
            for _ in range(50):  # 50 MB, streamed, no Content-Length
                sent.append(1)
                yield chunk

        return Response(chunks(), content_type="text/html")

    server.expect_request("/huge").respond_with_handler(huge)
    server.expect_request("/feed.xml").respond_with_data(rss([{"title": "Huge", "link": server.url_for("/huge")}]))
    add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    article = Article.objects.get()
    assert article.status == Article.Status.FAILED and article.error_kind == "too_large"
    assert summary.errors["article:too_large"] == 1
    assert len(sent) < 50


def test_non_html_content_is_refused(server, crawl_settings):
    server.expect_request("/doc.pdf").respond_with_data(b"%PDF-1.7 binary", content_type="application/pdf")
    server.expect_request("/feed.xml").respond_with_data(rss([{"title": "A PDF", "link": server.url_for("/doc.pdf")}]))
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    article = Article.objects.get()
    assert article.status == Article.Status.FAILED and article.error_kind == "not_html"
    assert article.title == "A PDF"  # what the feed said is kept


@pytest.mark.parametrize("declared", [True, False], ids=["charset-in-header", "charset-in-meta-only"])
def test_a_non_utf8_page_is_decoded(server, crawl_settings, declared):
    text = ["Le conseil municipal a voté mardi la prolongation de la ligne de tramway riveraine de quatre kilomètres.",
            "Les commerçants du marché réclament une indemnisation pendant les travaux, prévus pour deux étés."] * 2
    page = article_html("Prolongation du tramway à Genève", paragraphs=text, charset="iso-8859-1").encode("iso-8859-1")
    content_type = "text/html; charset=iso-8859-1" if declared else "text/html"
    server.expect_request("/fr").respond_with_data(page, content_type=content_type)
    server.expect_request("/feed.xml").respond_with_data(rss([{"title": "fr", "link": server.url_for("/fr")}]))
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    article = Article.objects.get()
    assert article.status == Article.Status.OK
    assert "Genève" in article.title and "commerçants" in article.body


def test_entries_without_links_or_dates_are_handled(server, crawl_settings):
    server.expect_request("/p").respond_with_data(article_html("No date in feed"), content_type="text/html")
    server.expect_request("/feed.xml").respond_with_data(rss([
        {"title": "No link at all"},
        {"title": "No date in feed", "link": server.url_for("/p")},
    ]))
    feed = add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    feed.refresh_from_db()
    assert summary.skipped_entries == 1 and summary.new == 1
    assert "no link" in feed.last_error
    article = Article.objects.get()
    assert article.published_known  # the page itself carried a date


def test_robots_txt_is_respected_for_pages(server, crawl_settings):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    server.expect_request("/private/p").respond_with_data(article_html("Private"), content_type="text/html")
    server.expect_request("/feed.xml").respond_with_data(rss([{"title": "Private", "link": server.url_for("/private/p")}]))
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    article = Article.objects.get()
    assert article.status == Article.Status.FAILED and article.error_kind == "robots"
    assert not any(req.path == "/private/p" for req, _ in server.log)


def test_no_more_than_two_requests_at_once_per_host(server, crawl_settings):
    crawl_settings.CRAWL_WORKERS = 8
    active, peak, lock = [0], [0], threading.Lock()

    def page(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)
        with lock:
            active[0] -= 1
        return Response(article_html(f"Page {request.path}"), content_type="text/html")

    items = []
    for i in range(8):
        server.expect_request(f"/p{i}").respond_with_handler(page)
        items.append({"title": f"p{i}", "link": server.url_for(f"/p{i}")})
    server.expect_request("/feed.xml").respond_with_data(rss(items))
    add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    assert summary.articles_ok + summary.duplicates == 8
    assert peak[0] == 2


def test_requests_carry_our_user_agent(server, crawl_settings):
    serve_site(server, count=1)
    crawl_once()
    agents = {req.headers.get("User-Agent") for req, _ in server.log}
    assert agents == {crawl_settings.FETCH["user_agent"]}


def test_private_addresses_are_refused_unless_allowed(server, crawl_settings):
    crawl_settings.FETCH = {**crawl_settings.FETCH, "allow_private": False}
    server.expect_request("/feed.xml").respond_with_data(rss([]))
    feed = add_feed(server.url_for("/feed.xml"))
    crawl_once()
    feed.refresh_from_db()
    assert feed.last_error_kind == "private_address"
    assert len(server.log) == 0


def test_an_article_left_pending_by_a_killed_worker_is_picked_up_again(server, crawl_settings):
    serve_site(server, count=2)
    feed = Feed.objects.get()
    result = pipeline.poll_feed(feed)  # the worker "dies" here: rows stored, pages not fetched
    assert Article.objects.filter(status=Article.Status.PENDING).count() == 2
    Article.objects.update(created_at=timezone.now() - timedelta(hours=1))
    pending, _ = pipeline.requeue_stale()
    assert sorted(pending) == sorted(result.new_ids)
    assert pipeline.requeue_stale() == ([], [])  # just queued again: not once more on the next tick
    for pk in pending + pending:  # at-least-once delivery: the same task twice
        pipeline.fetch_article(pk)
    assert Article.objects.filter(status=Article.Status.OK).count() == 2
    assert Article.objects.count() == 2


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compressed_responses_are_decoded(server, crawl_settings, encoding):
    import gzip

    import brotli

    from tests.crawl.pages import PARAGRAPHS

    page = article_html("Compressed page").encode()
    packed = gzip.compress(page) if encoding == "gzip" else brotli.compress(page)
    server.expect_request("/p").respond_with_data(packed, content_type="text/html",
                                                  headers={"Content-Encoding": encoding})
    server.expect_request("/feed.xml").respond_with_data(rss([{"title": "c", "link": server.url_for("/p")}]))
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    article = Article.objects.get()
    assert article.status == Article.Status.OK and PARAGRAPHS[0][:40] in article.body
    assert "gzip" in server.log[-1][0].headers.get("Accept-Encoding", "")


def test_a_compression_bomb_is_stopped_at_the_byte_cap(server, crawl_settings):
    import gzip

    crawl_settings.FETCH = {**crawl_settings.FETCH, "max_bytes": 1_000_000}
    bomb = gzip.compress(b"<p>" + b"a" * 20_000_000 + b"</p>")  # ~20 KB on the wire, 20 MB unpacked
    server.expect_request("/p").respond_with_data(bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    server.expect_request("/feed.xml").respond_with_data(rss([{"title": "bomb", "link": server.url_for("/p")}]))
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    assert Article.objects.get().error_kind == "too_large"


def crawl_bare_page_with_entry(server, title: str, entry_extra: str) -> None:
    """Crawl one page that names nothing but its headline and text, from a feed entry
    carrying `entry_extra` (RSS elements) after its title."""
    from tests.crawl.pages import PARAGRAPHS

    bare_page = f"<html><body><article><h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>"
    server.expect_request("/p").respond_with_data(bare_page, content_type="text/html")
    feed = rss([{"title": title, "link": server.url_for("/p"), "date": when(22, 14)}]).replace(
        f"<title>{title}</title>", f"<title>{title}</title>{entry_extra}")
    server.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    add_feed(server.url_for("/feed.xml"))
    crawl_once()


def test_what_the_feed_says_fills_what_the_page_leaves_out(server, crawl_settings):
    crawl_bare_page_with_entry(server, "Tram vote", "<author>ana@example.org (Ana Lima)</author>")
    article = Article.objects.get()
    assert article.status == Article.Status.OK
    assert article.published == when(22, 14) and article.published_known
    assert [a["name"] for a in article.authors] == ["Ana Lima"]


def test_the_feeds_categories_stand_for_the_section_a_page_does_not_name(server, crawl_settings):
    crawl_bare_page_with_entry(server, "Cup final", "<category>Deportes</category><category>Fútbol</category>")
    assert Article.objects.get().page_section == "Deportes, Fútbol"


def test_a_pages_own_section_wins_over_the_feeds_categories(server, crawl_settings):
    from tests.crawl.pages import PARAGRAPHS

    page = ('<html><head><meta property="article:section" content="Business"></head><body><article><h1>Cup final</h1>'
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>")
    server.expect_request("/p").respond_with_data(page, content_type="text/html")
    feed = rss([{"title": "Cup final", "link": server.url_for("/p"), "date": when(22, 14)}]).replace(
        "<title>Cup final</title>", "<title>Cup final</title><category>Sport</category>")
    server.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    assert Article.objects.get().page_section == "Business"


def test_a_backlog_still_waiting_in_the_queue_is_not_enqueued_again(server, crawl_settings):
    from broadsheet.crawl import tasks

    serve_site(server, count=3)
    feed = Feed.objects.get()
    tasks.poll_feed.call(feed.pk)  # enqueues the three fetches
    Article.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert pipeline.requeue_stale() == ([], [])
    Article.objects.update(queued_at=timezone.now() - timedelta(hours=1))  # queued long ago, never run: lost
    assert len(pipeline.requeue_stale()[0]) == 3


def test_a_crash_while_storing_costs_one_article_not_the_pass(server, crawl_settings, monkeypatch):
    serve_site(server, count=3)
    real = pipeline.fetch_article

    def flaky(pk, *args, **kwargs):
        if Article.objects.get(pk=pk).title.endswith("1"):
            raise RuntimeError("database went away")
        return real(pk, *args, **kwargs)

    monkeypatch.setattr(pipeline, "fetch_article", flaky)
    summary = crawl_once()
    assert summary.articles_ok == 2 and summary.errors["article:crash"] == 1


def test_a_long_retry_after_is_honoured_by_the_schedule_not_by_waiting(server, crawl_settings):
    server.expect_request("/feed.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "7200"})
    feed = add_feed(server.url_for("/feed.xml"))
    started = time.monotonic()
    crawl_once()
    feed.refresh_from_db()
    assert time.monotonic() - started < 5  # no worker asleep for the server's two hours
    assert len(server.log) == 1
    assert feed.last_error_kind == "http_429"
    assert feed.next_check_at - timezone.now() > timedelta(minutes=110)


def test_a_publication_time_in_the_future_is_not_believed(server, crawl_settings):
    from datetime import timedelta

    from django.utils import timezone

    from tests.crawl.pages import PARAGRAPHS

    future = timezone.now() + timedelta(days=3)  # a time-zone slip or a scheduled date
    page = ("<html><head><meta property=\"article:published_time\" content=\"" + future.isoformat() + "\"></head>"
            "<body><article><h1>Tram vote</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>")
    server.expect_request("/p").respond_with_data(page, content_type="text/html")
    feed = rss([{"title": "Tram vote", "link": server.url_for("/p"), "date": future}])
    server.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    add_feed(server.url_for("/feed.xml"))
    crawl_once()
    article = Article.objects.get()
    assert article.status == Article.Status.OK
    assert not article.published_known and article.published <= timezone.now()


def test_a_feed_that_failed_last_time_gets_one_try_not_three(server, crawl_settings):
    server.expect_request("/feed.xml").respond_with_data("down", status=503)
    feed = add_feed(server.url_for("/feed.xml"))
    crawl_once()
    assert len(server.log) == 1 + crawl_settings.FETCH["retries"]  # healthy last time: the inline retries
    Feed.objects.filter(pk=feed.pk).update(next_check_at=timezone.now())
    server.log.clear()
    crawl_once()
    assert len(server.log) == 1
    assert Feed.objects.get(pk=feed.pk).consecutive_failures == 2
