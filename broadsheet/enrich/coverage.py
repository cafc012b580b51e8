"""How much coverage a story needs before it gets a summary: a module of its own, with no
imports, because the story panel asks it in the web process, where summaries.py (numpy,
the sentence tools) must not be loaded (tests/web/test_lean.py)."""

from __future__ import annotations

from typing import Any, Iterable

STORY_MIN_ARTICLES, STORY_MIN_PUBLISHERS = 3, 2


def story_ready(articles: Iterable[Any]) -> bool:
    articles = list(articles)
    return len(articles) >= STORY_MIN_ARTICLES and len({publisher(a) for a in articles}) >= STORY_MIN_PUBLISHERS


def publisher(article: Any) -> str:
    source = getattr(article, "source", None)
    return str(getattr(source, "name", None) or getattr(article, "source_id", None) or source or "")
