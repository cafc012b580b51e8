"""Articles fetched and stored from a loopback server, as the crawler stores them (raw page too)."""

from __future__ import annotations

from broadsheet.articles.models import Article
from broadsheet.crawl import pipeline
from broadsheet.sources.services import add_feed
from tests.crawl.pages import article_html


def stored_article(server, path: str, title: str, *, feed=None, html: str | None = None,
                   content_type: str = "text/html; charset=utf-8", headers: dict | None = None, **page_kw) -> Article:
    """Serve a page at `path`, store it as a feed entry, fetch it through fetch_article."""
    server.expect_request(path).respond_with_data(html or article_html(title, **page_kw), content_type=content_type,
                                                  headers=headers or {})
    feed = feed or add_feed(server.url_for("/feed.xml"), section="News", name="Example Gazette")
    article = Article.objects.create(source=feed.source, feed=feed, url=server.url_for(path), title=title)
    outcome = pipeline.fetch_article(article.pk)
    assert outcome in ("ok", "duplicate"), outcome
    return Article.objects.get(pk=article.pk)
