"""Page queries keep to their indexes once SQLite has statistics (the scheduler's sampled
ANALYZE, lib/dbstats.py): a plan that scans the article table costs nothing on a test
database and a second or more on a million articles (bench/serve.py --in-process --explain)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.lib import dbstats
from tests.web.factories import article, source, story_of

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")]

BIG = ("articles_article", "stories_member", "stories_story", "enrich_articletag", "stories_related")


def _scans(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    found = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if not query["sql"].startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            for row in cursor.fetchall():
                step = row[-1]
                if step.startswith("SCAN") and any(f"SCAN {table}" in step for table in BIG):
                    found.append(f"{step}  <-  {query['sql'][:200]}")
    return found


@pytest.fixture
def analyzed(settings):
    """Forty stored reports (none a copy of another), with statistics as the scheduler's
    hourly refresh leaves them."""
    settings.PAGE_CACHE_SECONDS = 0
    other = source("Other Times", "https://other.example/")
    items = [article(f"Report {i}", hours_ago=i, section="News" if i % 2 else "Politics",
                     publisher=other if i % 3 else None) for i in range(40)]
    story_of(items[0], items[1])
    assert dbstats.refresh()
    return items


def test_the_article_page_reads_copies_through_their_index_not_the_whole_table(client, analyzed):
    assert _scans(client, analyzed[0].get_absolute_url()) == []


def test_the_story_page_reads_copies_through_their_index_not_the_whole_table(client, analyzed):
    assert _scans(client, f"/story/{analyzed[0].story_member.story_id}/") == []


def test_the_tag_page_reads_no_article_row_for_its_stories(client, analyzed):
    """From the tag's rows to the members by article id: the article table (the largest rows:
    body and vector) is read only for tagged articles that are in no story yet."""
    from broadsheet.enrich.models import ArticleTag, Tag

    tag = Tag.objects.create(key="parade", name="Parade")
    ArticleTag.objects.bulk_create(ArticleTag(article=item, tag=tag) for item in analyzed[:2])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # At 40 stories a walk of the whole list is the planner's right choice; tell it the
        # tables are a million rows each (keeping rows per key), as at scale, and reload.
        cursor.execute("UPDATE sqlite_stat1 SET stat = '1000000' || substr(stat, instr(stat || ' ', ' ')) "
                       f"WHERE tbl IN ({', '.join(repr(t) for t in BIG)})")
        cursor.execute("ANALYZE sqlite_schema")
    assert _scans(client, "/tag/parade/") == []
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/tag/parade/").content.decode()
    assert analyzed[0].title in html or analyzed[1].title in html  # their story (story_of in the fixture)
    assert not [q["sql"] for q in queries.captured_queries if "articles_article" in q["sql"]]
