"""The sitemap (django.contrib.sitemaps): the stories and articles of the last days.

Bounded by time and count, whatever the site holds: each section is one indexed range scan
returning plain rows (no model instance per entry), materialised as a list so the paginator
counts it with len() instead of a COUNT query.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.lib import paths
from broadsheet.web import cards

WINDOW = timedelta(days=2)
LIMIT = 50_000  # the most URLs one sitemap file may hold (sitemaps.org)


class StorySitemap(Sitemap):
    changefreq = "hourly"
    limit = LIMIT

    def items(self):
        since = timezone.now() - WINDOW
        return list(cards.listed().filter(last_published__gte=since).order_by("-last_published", "-id")
                    .values_list("id", "last_published")[:LIMIT])

    def location(self, item):
        return paths.path("stories:story", item[0])

    def lastmod(self, item):
        return item[1]


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = LIMIT

    def items(self):
        since = timezone.now() - WINDOW
        return list(Article.objects.filter(status=Article.Status.OK, published__gte=since)
                    .order_by("-published", "-id").values_list("id", "published", "modified")[:LIMIT])

    def location(self, item):
        return paths.path("web:article", item[0])

    def lastmod(self, item):
        return max(item[1], item[2]) if item[2] else item[1]


SITEMAPS = {"stories": StorySitemap, "articles": ArticleSitemap}
