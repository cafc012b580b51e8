"""The stories pipeline step: fold copies, place the article in a story, store its
related articles. Each part is safe to repeat and to resume after a crash: a worker
killed between them leaves committed work that the next run keeps and completes."""

from __future__ import annotations

import logging

from django.db import transaction

from broadsheet.articles.models import Article
from broadsheet.stories import dedup, related
from broadsheet.stories.cluster import Params, place
from broadsheet.stories.models import Member
from broadsheet.stories.signals import signals
from broadsheet.stories.store import DatabaseIndex, doc_for, refresh

log = logging.getLogger(__name__)
PARAMS = Params()


def cluster(article: Article) -> int | None:
    """The article's story: joined or opened now, or the one it already has."""
    existing = Member.objects.filter(article=article).values_list("story_id", flat=True).first()
    if existing is not None:
        refresh(existing)
        return existing
    if not article.embedding:
        log.warning("article %s has no embedding: not clustered", article.pk)
        return None
    found = signals(article.title, article.body or article.teaser)
    with transaction.atomic():  # opening a story and joining it commit together or not at all
        return place(doc_for(article, signals=found), DatabaseIndex(article, found), PARAMS)


def process_article(article: Article) -> None:
    """Pipeline step (settings.ARTICLE_PIPELINE), after the embedding step."""
    if article.status != Article.Status.OK:
        return
    dedup.fold(article)
    if article.status != Article.Status.OK:  # a copy: shown through its canonical article
        return
    cluster(article)
    related.store(article)
