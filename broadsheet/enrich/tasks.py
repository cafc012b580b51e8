"""Background work of the enrich app (django-tasks): LLM rewrites, on-demand enrichment."""

from __future__ import annotations

from django_tasks import task

from broadsheet.articles.models import Article


@task()
def enrich_later(article_id: int) -> None:
    """Compute an article's enrichment off the request path (first view of an old article).

    Queued by the article panel, perhaps more than once (its guard is per process): an
    article enriched meanwhile is left alone."""
    from broadsheet.enrich.embeddings import embed_article
    from broadsheet.enrich.models import ArticleEnrichment
    from broadsheet.enrich.pipeline import enrich_article

    article = Article.objects.filter(pk=article_id).first()
    if article is not None and not ArticleEnrichment.objects.filter(article_id=article_id).exists():
        embed_article(article)
        enrich_article(article)


@task()
def rewrite_with_llm(article_id: int) -> None:
    from broadsheet.enrich.pipeline import rewrite_article

    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        rewrite_article(article)


@task()
def rewrite_story_later(key: str, article_ids: list[int]) -> None:
    from broadsheet.enrich.pipeline import rewrite_story

    articles = list(Article.objects.filter(pk__in=article_ids, status=Article.Status.OK).select_related("source"))
    if articles:
        rewrite_story(key, articles)


def queue_enrichment(article_id: int) -> None:
    """Queue `enrich_later` (a seam for tests: Task objects are frozen)."""
    enrich_later.enqueue(article_id)


@task()
def train_site_head() -> dict:
    """Train the site's own section head (enrich/site_head.py), bounded by its settings and
    the task deadline; queued by `schedule_site_head`."""
    from django.conf import settings

    from broadsheet.enrich import site_head
    from broadsheet.lib.deadline import deadline

    with deadline(settings.TASK_DEADLINE, "train_site_head"):
        return site_head.train()


UNTRAINED_RETRY_SECONDS = 3600


def schedule_site_head() -> bool:
    """Queue the training when it is due, once per period whatever the number of schedulers
    sharing the cache (a cache.add claim that lasts the period)."""
    from django.conf import settings
    from django.core.cache import cache

    from broadsheet.enrich import site_head

    if not site_head.due():
        return False
    period = settings.ENRICH_SITE_HEAD_HOURS * 3600
    if not site_head.path().exists():
        # No head yet: a new site may have too few labelled articles now and enough within
        # the hour, so it must not wait a whole period for its first head.
        period = min(period, UNTRAINED_RETRY_SECONDS)
    if not cache.add("enrich:site-head:queued", 1, timeout=max(60, int(period))):
        return False
    queue_site_head_training()
    return True


def queue_site_head_training() -> None:
    """Queue `train_site_head` (a seam for tests: Task objects are frozen)."""
    train_site_head.enqueue()
