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
