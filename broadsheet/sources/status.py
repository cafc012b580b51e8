"""Crawl status for operators: feed health, article states and the task queue, at a glance."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.sources.models import Feed


def snapshot() -> dict:
    now = timezone.now()
    feeds = Feed.objects.aggregate(
        n_total=Count("pk"),
        n_active=Count("pk", filter=Q(active=True)),
        n_failing=Count("pk", filter=Q(active=True, consecutive_failures__gt=0)),
        n_warning=Count("pk", filter=Q(active=True, consecutive_failures=0) & ~Q(last_warning="")),
        n_due=Count("pk", filter=Q(active=True, next_check_at__lte=now)),
        n_never=Count("pk", filter=Q(last_fetch_at__isnull=True)),
    )
    states = dict(Article.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    articles = {
        "ok": states.get(Article.Status.OK, 0),
        "pending": states.get(Article.Status.PENDING, 0),
        "failed": states.get(Article.Status.FAILED, 0),
        "duplicate": states.get(Article.Status.DUPLICATE, 0),
        "unprocessed": Article.objects.filter(status=Article.Status.OK, processed_at__isnull=True).count(),
        "last_day": Article.objects.filter(status=Article.Status.OK, created_at__gte=now - timedelta(days=1)).count(),
    }
    errors = list(Article.objects.filter(status=Article.Status.FAILED).values("error_kind")
                  .annotate(n=Count("pk")).order_by("-n")[:10])
    failing = Feed.objects.filter(active=True, consecutive_failures__gt=0).select_related("source").order_by(
        "-consecutive_failures")[:20]
    warned = Feed.objects.filter(active=True, consecutive_failures=0).exclude(last_warning="").select_related(
        "source").order_by("-last_fetch_at")[:20]
    tasks = {}
    try:
        from django_tasks_db.models import DBTaskResult

        tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    except (ImportError, RuntimeError):  # RQ deployments keep their queue in Redis
        pass
    return {"feeds": feeds, "articles": articles, "errors": errors, "failing": failing, "warned": warned, "tasks": tasks, "now": now}


@staff_member_required
def crawl_status(request):
    context = {**admin.site.each_context(request), "title": "Crawl status", **snapshot()}
    return render(request, "sources/status.html", context)
