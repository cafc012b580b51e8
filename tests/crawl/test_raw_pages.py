"""The raw page of each stored article: kept at fetch time, bounded, pruned by age and size."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import brotli
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.crawl import rawpages
from broadsheet.crawl.models import RawPage
from broadsheet.crawl.runner import crawl_once
from broadsheet.extract import core
from tests.crawl.pages import PARAGRAPHS, article_html, rss
from tests.crawl.stored import stored_article

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_a_crawl_keeps_each_articles_page_with_its_fetch_time_status_and_headers(server, crawl_settings):
    from broadsheet.sources.services import add_feed

    html = article_html("Tram line story")
    server.expect_request("/old-path").respond_with_data("", status=301, headers={"Location": "/news/tram"})
    server.expect_request("/news/tram").respond_with_data(html, content_type="text/html; charset=utf-8", headers={
        "Last-Modified": "Fri, 20 Nov 2026 09:30:00 GMT", "ETag": '"abc"', "Content-Language": "en",
        "Set-Cookie": "session=secret"})
    server.expect_request("/feed.xml").respond_with_data(rss([{"title": "Tram line story", "link": server.url_for("/old-path")}]),
                                                         content_type="application/rss+xml")
    add_feed(server.url_for("/feed.xml"), name="Example Gazette")
    before = timezone.now()
    assert crawl_once().articles_ok == 1
    page = RawPage.objects.get()
    assert rawpages.content_of(page) == html.encode()
    assert (page.size, page.truncated, page.status, page.codec) == (len(html.encode()), False, 200, "br")
    assert page.stored_size == len(bytes(page.content)) < page.size
    assert page.url == server.url_for("/news/tram")  # the final URL, after the redirect
    assert before <= page.fetched_at <= timezone.now()
    assert page.headers == {"content-type": "text/html; charset=utf-8", "last-modified": "Fri, 20 Nov 2026 09:30:00 GMT",
                            "etag": '"abc"', "content-language": "en", "date": page.headers["date"]}
    assert "set-cookie" not in page.headers  # only the headers that say what the page is


def test_no_raw_page_is_kept_when_the_setting_is_off(server, settings):
    settings.KEEP_RAW_PAGES = False
    stored_article(server, "/news/a", "Tram line story")
    assert not RawPage.objects.exists()


def test_a_duplicate_keeps_no_raw_page_of_its_own(server):
    original = stored_article(server, "/news/a", "Tram line story")
    copy = stored_article(server, "/news/a-copy", "Tram line story")
    assert copy.status == Article.Status.DUPLICATE
    assert list(RawPage.objects.values_list("article_id", flat=True)) == [original.pk]


def test_a_page_larger_than_the_extraction_cap_is_kept_as_the_extractor_reads_it(server, monkeypatch):
    monkeypatch.setattr(core, "SLIM_ABOVE", 20_000)
    monkeypatch.setattr(core, "MAX_BYTES", 30_000)
    script = "<script>var tracking = '" + "x" * 40_000 + "';</script>"
    html = article_html("Tram line story").replace("</body>", script + "</body>")
    article = stored_article(server, "/news/big", "Tram line story", html=html)
    page = article.raw_page
    kept = rawpages.content_of(page)
    assert page.truncated and page.size == len(kept) < 30_000
    assert b"tracking" not in kept and b"riverside tram line" in kept  # its script gone, its story whole


def test_a_page_of_text_beyond_the_cap_is_cut_at_the_cap(server, monkeypatch):
    monkeypatch.setattr(core, "SLIM_ABOVE", 20_000)
    monkeypatch.setattr(core, "MAX_BYTES", 30_000)
    article = stored_article(server, "/news/long", "Tram line story", paragraphs=PARAGRAPHS * 100)
    page = article.raw_page
    assert page.truncated and page.size == len(rawpages.content_of(page)) == 30_000


def test_a_cut_never_ends_inside_a_utf8_character():
    text = "Zürich €".encode()  # ü is 2 bytes, € is 3
    assert rawpages.whole_characters(text[:-1]) == "Zürich ".encode()
    assert rawpages.whole_characters(text[:-2]) == "Zürich ".encode()
    assert rawpages.whole_characters(text) == text
    assert rawpages.whole_characters(text[:2]) == b"Z"
    assert rawpages.whole_characters(b"plain ascii") == b"plain ascii"


def test_an_unreadable_raw_page_says_so():
    page = RawPage(article_id=1, content=b"not brotli at all", codec="br")
    with pytest.raises(rawpages.RawPageError, match="corrupt"):
        rawpages.content_of(page)
    with pytest.raises(rawpages.RawPageError, match="unknown codec"):
        rawpages.content_of(RawPage(article_id=1, content=brotli.compress(b"x"), codec="lz4"))


# --- pruning -----------------------------------------------------------------------------------


def _pages(server, ages_days: list[int]) -> list[Article]:
    articles = [stored_article(server, f"/news/{i}", f"Tram line story {i}", paragraphs=[f"Story {i} begins here.", *PARAGRAPHS])
                for i in range(len(ages_days))]
    for article, age in zip(articles, ages_days):
        RawPage.objects.filter(pk=article.pk).update(fetched_at=timezone.now() - timedelta(days=age))
    return articles


def test_pruning_by_age_deletes_the_pages_older_than_the_limit(server):
    old, recent = _pages(server, [40, 2])
    result = rawpages.prune(max_days=30, max_mb=0)
    assert (result.by_age, result.by_size) == (1, 0)
    assert list(RawPage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Article.objects.filter(pk=old.pk, status=Article.Status.OK).exists()  # the article stays


def test_pruning_by_size_deletes_the_oldest_first_until_the_rest_fit(server):
    articles = _pages(server, [3, 9, 1, 5])  # oldest: 9 days, then 5
    sizes = dict(RawPage.objects.values_list("pk", "stored_size"))
    limit = (sum(sizes.values()) - sizes[articles[1].pk] - 1) / 1e6  # one byte too many without the oldest
    result = rawpages.prune(max_days=0, max_mb=limit)
    assert result.by_size == 2 and result.freed == sizes[articles[1].pk] + sizes[articles[3].pk]
    assert set(RawPage.objects.values_list("pk", flat=True)) == {articles[0].pk, articles[2].pk}


def test_pruning_within_the_limits_or_with_them_off_deletes_nothing(server, settings):
    _pages(server, [400, 1])
    assert rawpages.prune(max_days=0, max_mb=0).by_age == 0
    settings.RAW_PAGES_MAX_DAYS, settings.RAW_PAGES_MAX_MB = 500, 1000
    result = rawpages.prune()
    assert (result.by_age, result.by_size) == (0, 0) and RawPage.objects.count() == 2


def test_the_rawpages_command_prunes_and_says_what_is_kept(server, settings):
    _pages(server, [100, 1])
    settings.RAW_PAGES_MAX_DAYS, settings.RAW_PAGES_MAX_MB = 30, 0
    out = StringIO()
    call_command("rawpages", "--prune", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("pruned 1 raw pages (1 by age, 0 by size)")
    assert lines[1].startswith("1 raw pages: ") and "limits: age 30 days, size none" in lines[2]


@pytest.fixture
def scheduler(monkeypatch):
    """`broadsheet run`'s command, its connection kept open (the test's transaction lives on it)."""
    import django.db

    from broadsheet.crawl.management.commands.run import Command

    monkeypatch.setattr(django.db, "close_old_connections", lambda: None)
    return Command()


def test_broadsheet_run_prunes_once_an_hour(monkeypatch, scheduler):
    from broadsheet.crawl import rawpages as module

    calls = []
    monkeypatch.setattr(module, "prune", lambda: calls.append(1))
    command = scheduler
    command._prune_raw_pages()
    command._prune_raw_pages()
    assert calls == [1]
    command._next_prune = 0.0  # an hour later
    command._prune_raw_pages()
    assert calls == [1, 1]


def test_a_failing_prune_does_not_stop_the_scheduler(monkeypatch, caplog, scheduler):
    from broadsheet.crawl import rawpages as module

    monkeypatch.setattr(module, "prune", lambda: 1 / 0)
    scheduler._prune_raw_pages()
    assert "pruning raw pages failed" in caplog.text


def test_the_hourly_step_gives_the_planner_statistics(monkeypatch, scheduler):
    from broadsheet.crawl import rawpages as module
    from broadsheet.lib import dbstats

    monkeypatch.setattr(module, "prune", lambda: None)
    ran = []
    monkeypatch.setattr(dbstats, "refresh", lambda refresh=dbstats.refresh: ran.append(refresh()))
    scheduler._prune_raw_pages()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert ran == [True] and cursor.fetchone()[0] == 1
        else:  # PostgreSQL: left to autovacuum when it runs, analyzed here when it is off
            cursor.execute("SHOW autovacuum")
            assert ran == [cursor.fetchone()[0] == "off"]
