"""The third crawl step: the ARTICLE_PIPELINE over stored articles, one or a batch at a time.

A step is a function of one Article (settings.ARTICLE_PIPELINE). It may also carry
`step.batch(articles)`: the same over a batch in one go, run at the step's place in the
pipeline: after the steps before it have run on every article of the batch, before the
steps after it run on any. Allowed only when that ends in the state the step run article
by article would leave: the embedding step (a vector depends on its own article alone:
one model call for the batch) and the story summary step (the last; a story's summary
depends on the articles it ends with: once per story the batch touched).

The steps without a batch form run article by article in the order given, each article
through all of them before the next: story assignment depends on the articles placed
before, so a batch ends exactly as `process_article` on each id in that order would.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from broadsheet.articles.models import Article
from broadsheet.lib.memory import trim

log = logging.getLogger("broadsheet.crawl")
BATCH = 64  # articles per batch (one model call); longer lists are cut into batches of this size


def process_article(article_id: int) -> bool:
    """Run the enrichment pipeline on one stored article. Safe to repeat; a step's error is raised."""
    return bool(process_articles([article_id], raise_errors=True))


def process_articles(article_ids: list[int], *, raise_errors: bool = False) -> list[int]:
    """Run the ARTICLE_PIPELINE over stored articles, in batches of BATCH; the ids processed.

    Ids that are not stored articles with status OK are skipped, as are those that a step
    failed on: logged and left unprocessed, so `requeue_stale` offers them again later,
    while the others go on. With `raise_errors` the step's error is raised instead.
    """
    steps = [import_string(path) for path in settings.ARTICLE_PIPELINE]
    wanted = list(dict.fromkeys(article_ids))
    done: list[int] = []
    for start in range(0, len(wanted), BATCH):
        done += _run(steps, _load(wanted[start : start + BATCH]), raise_errors)
        trim()  # a batch's buffers back to the system: they would stay in the worker (lib/memory.py)
    return done


def claim_batch(article_id: int, limit: int | None = None) -> list[int]:
    """Claim `article_id` and up to `limit - 1` other articles queued for processing, so one
    task worker processes a batch (one model call, one summary per story) instead of one
    article per task; the claimed ids, `article_id` first if it was claimed.

    When another batch holds `article_id` already, the others waiting are claimed all the
    same: on the database queue one processing task waits for all of them (tasks.queue).

    The claim is a conditional UPDATE (so several workers can run): it moves the rows'
    queued_at into the future, to the end of a lease, and only rows whose queued_at has
    passed can be claimed. The other articles' own tasks then find them claimed or
    processed and do nothing. Should the worker die, the rows are claimable again when the
    lease ends (and requeue_stale offers them after that, as it does any stale row).
    """
    limit = limit or BATCH
    now = timezone.now()
    lease = now + timedelta(seconds=settings.TASK_DEADLINE + 60)
    waiting = Q(status=Article.Status.OK, processed_at__isnull=True)
    free = Q(queued_at__isnull=True) | Q(queued_at__lte=now)
    # Its own article first (when another worker's batch holds it, only the others).
    own = Article.objects.filter(waiting, free, pk=article_id).update(queued_at=lease)
    # Others: queued for processing after their fetch (not rows a `crawl --once` holds).
    others = list(_queued(now).exclude(pk=article_id).order_by("queued_at").values_list("pk", flat=True)[: limit - own])
    Article.objects.filter(waiting, free, pk__in=others).update(queued_at=lease)
    claimed = set(Article.objects.filter(pk__in=others, queued_at=lease).values_list("pk", flat=True))
    return [article_id] * own + [pk for pk in others if pk in claimed]


def _queued(now):
    """Articles queued for processing after their fetch, unclaimed."""
    return Article.objects.filter(status=Article.Status.OK, processed_at__isnull=True, queued_at__lte=now,
                                  queued_at__gte=F("fetched_at"))


def next_waiting() -> int | None:
    """An article queued for processing that no batch holds, if any."""
    return _queued(timezone.now()).values_list("pk", flat=True).first()


def batch_of(article_id: int) -> list[int]:
    """The other articles still waiting in the batch claimed with `article_id`: the rows that
    share its lease (claim_batch writes one end of lease to every row of a batch)."""
    token = Article.objects.filter(pk=article_id).values_list("queued_at", flat=True).first()
    if token is None:
        return []
    return list(Article.objects.filter(status=Article.Status.OK, processed_at__isnull=True, queued_at=token)
                .exclude(pk=article_id).values_list("pk", flat=True))


def _load(ids: list[int]) -> list[Article]:
    found = Article.objects.select_related("source", "feed").filter(pk__in=ids, status=Article.Status.OK)
    by_id = {article.pk: article for article in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def _run(steps: list, articles: list[Article], raise_errors: bool) -> list[int]:
    for stage in _stages(steps):
        if not articles:
            return []
        if hasattr(stage[0], "batch"):
            articles = _run_batch(stage[0], articles, raise_errors)
        else:
            articles = [a for a in articles if _still_ok(a) and _run_each(stage, a, raise_errors)]
    if articles:
        # error_kind is cleared: on a stored article it only ever says an earlier run was lost.
        Article.objects.filter(pk__in=[a.pk for a in articles]).update(processed_at=timezone.now(), error="", error_kind="")
    return [a.pk for a in articles]


def _stages(steps: list) -> list[list]:
    """The steps cut into stages: each step with a batch form alone, the runs between them together."""
    stages: list[list] = []
    for step in steps:
        if hasattr(step, "batch") or not stages or hasattr(stages[-1][0], "batch"):
            stages.append([step])
        else:
            stages[-1].append(step)
    return stages


def _still_ok(article: Article) -> bool:
    """Re-read at its turn, as process_article would load it: a step run on an earlier
    article (a copy folded into it) may have changed its status since the batch was read."""
    article.refresh_from_db(fields=["status", "duplicate_of"])
    return article.status == Article.Status.OK


def _run_batch(step, articles: list[Article], raise_errors: bool) -> list[Article]:
    try:
        step.batch(articles)
        return articles
    except Exception:
        if raise_errors and len(articles) == 1:
            raise
        log.exception("step %s failed on a batch of %d articles; running it article by article", _name(step), len(articles))
    return [a for a in articles if _run_each([step], a, raise_errors)]


def _run_each(steps: list, article: Article, raise_errors: bool) -> bool:
    for step in steps:
        try:
            step(article)
        except Exception:
            if raise_errors:
                raise
            log.exception("step %s failed on article %s: left for a later try", _name(step), article.pk)
            return False
    return True


def _name(step) -> str:
    return f"{getattr(step, '__module__', '')}.{getattr(step, '__qualname__', step)}"
