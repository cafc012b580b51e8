"""Fixtures for the enrich tests: articles in our own words (no publisher text)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.sources.models import Source


PARADE_TITLE = "Kim Jong-un skips the Victory Day parade in Moscow"
PARADE = """On May 9 the Victory Day parade took place in Moscow's Red Square, with leaders of allied nations watching.

President Vladimir Putin had invited Kim Jong Un to show the strength of the ties between Russia and North Korea.

Instead, Kim Jong-un visited the Russian embassy in Pyongyang to mark the anniversary. North Korea said Kim stayed away because of security concerns.

Delegations from 27 countries attended the parade, and 15 of them held talks with Putin. Analysts said the absence showed a lack of trust between the two governments.

"This was a public snub of Putin's hospitality," said Min Gyu Kim, a former diplomat. The Kremlin made no comment on the decision."""

BUDGET_TITLE = "Chancellor unveils budget with tax cuts for workers"
BUDGET = """The chancellor presented the annual budget to parliament on Wednesday, promising income tax cuts for ten million workers.

The plan lowers the basic rate by two pence and raises the threshold for higher earners. Opposition leaders said the government could not afford the cuts.

Economists at the Institute for Fiscal Studies said borrowing would rise by 12 billion pounds next year. The Treasury insisted growth would cover the cost.

Markets reacted calmly, with the pound steady against the dollar. Business groups welcomed a freeze on fuel duty but warned about energy prices."""


def make_source(name: str = "Daily Example", homepage: str = "https://daily.example/") -> Source:
    return Source.objects.get_or_create(homepage=homepage, defaults={"name": name})[0]


def make_article(title: str = PARADE_TITLE, body: str = PARADE, *, publisher: Source | None = None, n: int = 0,
                 **fields) -> Article:
    publisher = publisher or make_source()
    values = dict(source=publisher, url=f"{publisher.homepage}story-{n}-{abs(hash(title)) % 10**8}", title=title,
                  status=Article.Status.OK, body=body, published=timezone.now() - timedelta(hours=n + 1),
                  published_known=True)
    values.update(fields)
    return Article.objects.create(**values)


def make_story(articles: list[Article], headline: str = PARADE_TITLE):
    """A story (stories app) holding the given articles."""
    from broadsheet.stories.models import Member, Story

    story = Story.objects.create(headline=headline, article_count=len(articles),
                                 source_count=len({a.source_id for a in articles}))
    for article in articles:
        Member.objects.create(article=article, story=story, published=article.published, source_id=article.source_id)
    return story


@pytest.fixture(scope="session")
def minilm_ready():
    """Load the sentence model once for the session (torch import costs seconds)."""
    from broadsheet.enrich.embeddings import embed

    embed(["warm up"])
    return True
