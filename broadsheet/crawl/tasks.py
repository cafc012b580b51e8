"""Every arrow of the flow as a task (django-tasks: database queue by default, RQ on Redis).

The task bodies are the pipeline functions; `broadsheet crawl --once` calls the same
functions directly. Each task enqueues the next one only after its own write commits.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from broadsheet.crawl import pipeline
from broadsheet.sources.models import Feed

log = logging.getLogger("broadsheet.tasks")


@task()
def poll_feed(feed_id: int) -> int:
    feed = Feed.objects.select_related("source").filter(pk=feed_id).first()
    if feed is None:
        return 0
    result = pipeline.poll_feed(feed)
    pipeline.mark_queued(result.new_ids)
    for article_id in result.new_ids:
        transaction.on_commit(lambda pk=article_id: fetch_article.enqueue(pk))
    return len(result.new_ids)


@task()
def fetch_article(article_id: int) -> str:
    outcome = pipeline.fetch_article(article_id)
    if outcome == "ok":
        pipeline.mark_queued([article_id])
        transaction.on_commit(lambda: process_article.enqueue(article_id))
    return outcome


@task()
def process_article(article_id: int) -> bool:
    try:
        return pipeline.process_article(article_id)
    except Exception:
        # The worker runs quietly (-v0); say which article and step broke, then let the
        # task fail so it shows as FAILED in the admin; requeue_stale retries it later.
        log.exception("processing article %s failed", article_id)
        raise


def schedule_due() -> int:
    """Claim every due feed and enqueue its poll; requeue work a killed worker left."""
    count = 0
    for feed_id in pipeline.due_feeds().values_list("pk", flat=True):
        if pipeline.claim(feed_id):
            poll_feed.enqueue(feed_id)
            count += 1
    pending, unprocessed = pipeline.requeue_stale()
    for pk in pending:
        fetch_article.enqueue(pk)
    for pk in unprocessed:
        process_article.enqueue(pk)
    return count
