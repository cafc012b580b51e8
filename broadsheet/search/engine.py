"""`search(query, filters, limit, cursor)`: one result per story, best first.

Candidates come from the database's full-text index (backends.py). Each gets a score
of relevance (scaled to the best candidate's) times a recency factor that halves the
recent part every RECENCY_HALF_LIFE_HOURS, so a close match from last month still
outranks a passing mention from this morning. A story is represented by its
best-scoring member; an article outside any story stands alone. The cursor is the
position in that ranked list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.search.backends import CANDIDATES, Filters, candidates
from broadsheet.search.terms import words

RECENCY_HALF_LIFE_HOURS = 72
RECENCY_SHARE = 0.6  # the part of the score that fades with age


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


def rank(rows: list[tuple], now=None) -> list[tuple[float, int, int | None]]:
    """(score, article id, story id) for each story's best row, best first."""
    now = now or timezone.now()
    best = max((rel for _, rel, _, _ in rows), default=0) or 1.0
    top: dict = {}
    for pk, rel, published, story in rows:
        hours = max(0.0, (now - published).total_seconds() / 3600)
        score = (rel / best) * (1 - RECENCY_SHARE + RECENCY_SHARE * 0.5 ** (hours / RECENCY_HALF_LIFE_HOURS))
        key = story if story is not None else ("article", pk)
        if key not in top or score > top[key][0]:
            top[key] = (score, pk, story)
    return sorted(top.values(), key=lambda item: (-item[0], -item[1]))


def search(query: str, filters: Filters | None = None, limit: int = 20, cursor: int = 0) -> Page:
    terms = words(query)
    page = Page(terms=terms)
    if not terms:
        return page
    ranked = rank(candidates(terms, filters or Filters()))
    chosen = ranked[cursor:cursor + limit]
    articles = Article.objects.select_related("source", "story_member__story", "enrichment").in_bulk([pk for _, pk, _ in chosen])
    for score, pk, story_id in chosen:
        if pk in articles:
            item = articles[pk]
            story = item.story_member.story if story_id is not None else None
            page.results.append(Result(article=item, story=story, score=round(score, 4)))
    if cursor + limit < len(ranked):
        page.next_cursor = cursor + limit
    return page


__all__ = ["CANDIDATES", "Filters", "Page", "Result", "search"]
