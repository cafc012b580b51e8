"""Fetching a page keeps what its pictures need: the lead image's sizes and the publisher's icon."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from broadsheet.articles.models import Article
from broadsheet.crawl import pipeline
from broadsheet.sources.models import Source
from broadsheet.stories.models import Picture
from tests.crawl.pages import article_html

pytestmark = pytest.mark.django_db

LEAD = "https://img.example.org/lead.jpg"  # the og:image of article_html


def _pending(httpserver, html: str) -> Article:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    httpserver.expect_request("/news/tram").respond_with_data(html, content_type="text/html; charset=utf-8")
    source = Source.objects.create(name="Example Gazette", homepage=httpserver.url_for("/"))
    return Article.objects.create(source=source, url=httpserver.url_for("/news/tram"), status=Article.Status.PENDING)


def test_fetching_a_page_keeps_its_pictures_sizes_and_its_publishers_icon(httpserver):
    html = article_html("Tram line extended").replace(
        "</head>", '<link rel="icon" sizes="32x32" href="/icons/32.png"></head>').replace(
        "<main><article>", f'<main><article><img src="{LEAD}" srcset="https://img.example.org/lead-480w.jpg 480w, '
                           f'{LEAD} 1200w" alt="">')
    item = _pending(httpserver, html)
    assert pipeline.fetch_article(item.pk) == "ok"
    assert Picture.objects.get(article=item).sizes == [["https://img.example.org/lead-480w.jpg", 480, 0], [LEAD, 1200, 0]]
    assert Source.objects.get(pk=item.source_id).icon == httpserver.url_for("/icons/32.png")


def test_a_page_that_declares_no_sizes_keeps_no_picture_row_and_the_site_favicon(httpserver):
    item = _pending(httpserver, article_html("Tram line extended"))
    assert pipeline.fetch_article(item.pk) == "ok"
    assert Article.objects.get(pk=item.pk).image == LEAD
    assert not Picture.objects.filter(article=item).exists()
    assert Source.objects.get(pk=item.source_id).icon == httpserver.url_for("/favicon.ico")


def test_a_guessed_favicon_gives_way_to_a_declared_icon_which_then_stays():
    source = Source.objects.create(name="Gazette", homepage="https://gazette.example/")
    item = Article.objects.create(source=source, url="https://gazette.example/a", status=Article.Status.OK)

    def page(icon):
        return SimpleNamespace(image_sizes=[], icon=icon)

    pipeline.keep_pictures(item, page("https://gazette.example/favicon.ico"))
    pipeline.keep_pictures(item, page("https://gazette.example/logo-32.png"))
    pipeline.keep_pictures(item, page("https://other.example/logo.png"))
    pipeline.keep_pictures(item, page("javascript:alert(1)"))
    assert Source.objects.get(pk=source.pk).icon == "https://gazette.example/logo-32.png"
