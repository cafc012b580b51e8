"""`manage.py relate [--days N]`: recompute the stored related lists of the articles
published in the last N days, as the pipeline now chooses them. For a site that stored its
lists under an older rule (or before their neighbours arrived); safe to repeat or stop."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.stories import related


class Command(BaseCommand):
    help = "Recompute the related articles of recent articles."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="published within this many days (default 30)")

    def handle(self, *args, days: int, **options):
        if days <= 0:
            raise CommandError("--days must be a positive number of days")
        since = timezone.now() - timedelta(days=days)
        keys = list(Article.objects.filter(status=Article.Status.OK, published__gte=since, story_member__isnull=False)
                    .order_by("published").values_list("pk", flat=True))
        with_items = 0
        for lo in range(0, len(keys), 200):
            for article in Article.objects.filter(pk__in=keys[lo: lo + 200]).only("pk", "embedding", "published", "language"):
                chosen, _ = related.compute(article)
                with transaction.atomic():
                    related.lock([article.pk])
                    related.write(article.pk, chosen)
                with_items += bool(chosen)
        self.stdout.write(f"{len(keys)} articles related again, {with_items} with at least one related article")
