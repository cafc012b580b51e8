"""Stories form while crawling: two publishers' feeds on a loopback server, the crawler's
own pipeline, our step in it (the embedding step replaced by topic vectors)."""

from __future__ import annotations

import pytest

from broadsheet.articles.models import Article
from broadsheet.crawl.runner import crawl_once
from broadsheet.enrich.embeddings import to_bytes
from broadsheet.sources.services import add_feed
from broadsheet.stories.models import Member, Story
from tests.crawl.pages import article_html, rss, when

from .conftest import BUDGET, QUAKE, reworded, vector

pytestmark = pytest.mark.django_db(transaction=True)


def topic_embedding(article: Article) -> None:
    """Stands in for embeddings.embed_article: a vector by topic, without the model."""
    topic = "quake" if "quake" in article.title.lower() else "budget"
    Article.objects.filter(pk=article.pk).update(embedding=to_bytes(vector(topic, article.url)))
    article.refresh_from_db(fields=["embedding"])


def paragraphs(text: str) -> list[str]:
    words = text.split()
    return [" ".join(words[i : i + 30]) for i in range(0, len(words), 30)]


def publish(server, site: str, stories: list[tuple[str, str, int]]):
    items = []
    for i, (title, text, hour) in enumerate(stories):
        path = f"/{site}/story-{i}"
        page = article_html(title, paragraphs=paragraphs(text), site=site, date=when(20, hour).isoformat())
        server.expect_request(path).respond_with_data(page, content_type="text/html; charset=utf-8")
        items.append({"title": title, "link": server.url_for(path), "date": when(20, hour)})
    server.expect_request(f"/{site}/feed.xml").respond_with_data(rss(items, title=site), content_type="application/rss+xml")
    return add_feed(server.url_for(f"/{site}/feed.xml"), section="News", name=site)


def test_stories_form_while_crawling_and_copies_fold(server, settings):
    settings.CRAWL_WORKERS = 2
    settings.ARTICLE_PIPELINE = ["tests.stories.test_crawl.topic_embedding", "broadsheet.stories.pipeline.process_article"]
    publish(server, "Gazette", [("Quake kills ten on Qeshm", QUAKE, 9), ("Budget cuts income tax", BUDGET, 10)])
    publish(server, "Courier", [("Qeshm quake: rescuers reach villages", reworded(QUAKE, 1), 11),
                                ("Quake kills ten on Qeshm island", QUAKE.replace("said.", "reported."), 12)])
    summary = crawl_once()
    assert summary.articles_ok + summary.articles_failed >= 4
    quake = Article.objects.get(title="Quake kills ten on Qeshm")
    copy = Article.objects.get(title="Quake kills ten on Qeshm island")
    assert copy.status == Article.Status.DUPLICATE and copy.duplicate_of == quake
    story = Member.objects.get(article=quake).story
    rescue = Article.objects.get(title="Qeshm quake: rescuers reach villages")
    assert Member.objects.get(article=rescue).story == story
    assert story.article_count == 2  # (both feeds sit on one loopback host: one Source)
    assert Story.objects.filter(merged_into=None).count() == 2
