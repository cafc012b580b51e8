"""`search(query, filters, limit, cursor)`: one result per story, best first.

The database finds, ranks and groups (backends.py): relevance times recency, each story
shown by its best-scoring member. The cursor is the position in that ranked list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.search.backends import CANDIDATES, Filters, ranked
from broadsheet.search.terms import words


@dataclass
class Result:
    article: Article
    story: object | None
    score: float


@dataclass
class Page:
    terms: list[str]
    results: list[Result] = field(default_factory=list)
    next_cursor: int | None = None


# What a result shows: search/search.html (web/_card.html) and the API (api.views._article_json).
SHOWN = ("id", "source_id", "url", "title", "authors", "published", "modified", "section", "language", "image",
         "teaser", "body", "source__name", "source__icon", "story_member__story__headline",
         "story_member__story__article_count", "story_member__story__source_count",
         "story_member__story__last_published", "enrichment__hashtags")


def search(query: str, filters: Filters | None = None, limit: int = 20, cursor: int = 0) -> Page:
    terms = words(query)
    page = Page(terms=terms)
    if not terms:
        return page
    chosen, total = ranked(terms, filters or Filters(), limit, cursor, timezone.now())
    # One query for the page's cards, by primary key, with only the columns the page and the
    # API show: the story's centroid (1.5 KB), the enrichment's entities and summary and the
    # article's vector were half of this query's time, decoded for nothing.
    articles = (Article.objects.select_related("source", "story_member__story", "enrichment").only(*SHOWN)
                .in_bulk([pk for pk, _, _ in chosen]))
    for pk, story_id, score in chosen:
        if pk in articles:
            item = articles[pk]
            story = item.story_member.story if story_id is not None else None
            page.results.append(Result(article=item, story=story, score=round(score, 4)))
    if cursor + limit < total:
        page.next_cursor = cursor + limit
    return page


__all__ = ["CANDIDATES", "Filters", "Page", "Result", "search"]
