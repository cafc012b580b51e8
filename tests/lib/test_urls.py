"""An article's identity: tracking junk goes, every parameter that names the article stays."""

from __future__ import annotations

import pytest

from broadsheet.articles.models import Article
from broadsheet.crawl.runner import crawl_once
from broadsheet.lib.urls import canonical_url
from broadsheet.sources.services import add_feed
from tests.crawl.pages import PARAGRAPHS, article_html, rss, when


@pytest.mark.parametrize("first, second", [
    ("https://news.example.org/article.php?nr=123", "https://news.example.org/article.php?nr=124"),
    ("https://video.example.org/watch?v=abc", "https://video.example.org/watch?v=xyz"),
    ("https://news.example.org/gallery?gallery=5", "https://news.example.org/gallery?gallery=6"),
    ("https://news.example.org/view.php?cid=4711", "https://news.example.org/view.php?cid=4712"),
    ("https://news.example.org/list?page=2&section=world", "https://news.example.org/list?page=2&section=sport"),
])
def test_different_articles_keep_different_urls(first, second):
    assert canonical_url(first) != canonical_url(second)
    assert canonical_url(first) == first  # already canonical: left alone


@pytest.mark.parametrize("variant", [
    "https://news.example.org/article.php?nr=123&utm_source=rss&utm_medium=feed",
    "https://news.example.org/article.php?fbclid=IwAR0abc&nr=123",
    "https://news.example.org/article.php?nr=123&gclid=xyz&mc_cid=1&mc_eid=2",
    "https://news.example.org/article.php?_ga=2.1&nr=123&igshid=abc&msclkid=9",
    "HTTPS://News.Example.org:443/article.php?nr=123#comments",
])
def test_tracking_variants_of_one_article_collapse_onto_one_url(variant):
    assert canonical_url(variant) == "https://news.example.org/article.php?nr=123"


def test_parameters_are_sorted_so_their_order_does_not_matter():
    assert canonical_url("https://a.example.org/p?b=2&a=1") == canonical_url("https://a.example.org/p?a=1&b=2")
    assert canonical_url("https://a.example.org/p?b=2&a=1") == "https://a.example.org/p?a=1&b=2"


@pytest.mark.django_db(transaction=True)
def test_two_articles_told_apart_only_by_the_query_are_both_stored(server, crawl_settings):
    items = []
    for i, nr in enumerate(("123", "124")):
        text = [f"Report number {nr} is about its own event, told in a sentence no other report uses."] + PARAGRAPHS[i:]
        server.expect_request("/article.php", query_string=f"nr={nr}").respond_with_data(
            article_html(f"Report {nr}", paragraphs=text), content_type="text/html; charset=utf-8")
        items.append({"title": f"Report {nr}", "link": server.url_for(f"/article.php?nr={nr}&utm_source=rss"),
                      "date": when(20 + i)})
    server.expect_request("/feed.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    add_feed(server.url_for("/feed.xml"))
    summary = crawl_once()
    assert summary.new == 2 and summary.known == 0
    stored = Article.objects.order_by("url")
    assert [a.url for a in stored] == [server.url_for("/article.php?nr=123"), server.url_for("/article.php?nr=124")]
    assert [a.status for a in stored] == [Article.Status.OK] * 2
    assert [a.title for a in stored] == ["Report 123", "Report 124"]
