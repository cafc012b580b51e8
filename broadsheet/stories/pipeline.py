"""The stories pipeline step: fold copies, place the article in a story, store its
related articles. Each part is safe to repeat and to resume after a crash: a worker
killed between them leaves committed work that the next run keeps and completes."""

from __future__ import annotations

import logging

from django.db import transaction

from broadsheet.articles.models import Article
from broadsheet.stories import dedup, related
from broadsheet.stories.cluster import Params, place
from broadsheet.stories.models import Member, Story
from broadsheet.stories.signals import signals
from broadsheet.stories.store import DatabaseIndex, doc_for, refresh

log = logging.getLogger(__name__)
PARAMS = Params()


ALONE = -1.0  # Member.score of an article that has a story of its own for want of a vector


def cluster(article: Article) -> int | None:
    """The article's story: joined or opened now, or the one it already has. An article with
    no embedding gets a story of its own (every list shows stories, so it is still listed) and
    is placed properly once it has one."""
    existing = Member.objects.filter(article=article).values_list("story_id", "score").first()
    if existing is not None and not (existing[1] == ALONE and article.embedding):
        refresh(existing[0])
        return existing[0]
    if existing is not None:  # alone until now: leave that story and be placed by the vector
        with transaction.atomic():
            Member.objects.filter(article=article).delete()
            refresh(existing[0])
    found = signals(article.title, article.body or article.teaser)
    if not article.embedding:
        log.warning("article %s has no embedding: a story of its own", article.pk)
        with transaction.atomic():
            story = Story.objects.create(headline=article.title[:1000])
            Member.objects.create(article=article, story=story, published=article.published, source_id=article.source_id,
                                  names=found.get("e", []), numbers=found.get("n", []), score=ALONE)
            refresh(story.pk)
        return story.pk
    with transaction.atomic():  # opening a story and joining it commit together or not at all
        return place(doc_for(article, signals=found), DatabaseIndex(article, found), PARAMS)


def process_article(article: Article) -> None:
    """Pipeline step (settings.ARTICLE_PIPELINE), after the embedding step."""
    if article.status != Article.Status.OK:
        return
    emptied = dedup.fold(article)
    if article.status != Article.Status.OK:  # a copy: shown through its canonical article
        story = Member.objects.filter(article_id=article.duplicate_of_id).values_list("story_id", flat=True).first()
    else:
        story = cluster(article)
        related.store(article)
    if emptied and story:  # a story opened by a copy that came first leads to its original's
        Story.objects.filter(pk__in=emptied).exclude(pk=story).update(merged_into_id=story)
