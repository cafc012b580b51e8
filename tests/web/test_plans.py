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


def _plans(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        found = []
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            found += [row[-1] for row in cursor.fetchall()]
    return found


def test_the_tag_page_reads_a_page_of_the_tags_newest_rows_from_its_index_and_stops(client, analyzed):
    """The tag's newest (time, article) pairs from the (tag, published, article) index in its
    order, cut by a LIMIT, each with its story by the members' key; no sort anywhere, on the
    first page or a deep one. Before, the page read every row of the tag (~600 at a million
    articles) and sorted their stories."""
    from broadsheet.api.forms import make_cursor
    from broadsheet.enrich.models import ArticleTag, Tag

    tag = Tag.objects.create(key="parade", name="Parade")
    ArticleTag.objects.bulk_create(ArticleTag(article=item, tag=tag, rank=i % 3) for i, item in enumerate(analyzed))
    other = Tag.objects.create(key="other", name="Other")
    ArticleTag.objects.bulk_create(ArticleTag(article=item, tag=other) for item in analyzed[::2])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # As at a million articles with 5,000 tags: 3,000,000 rows, ~600 a tag.
        cursor.execute("UPDATE sqlite_stat1 SET stat = CASE WHEN idx = 'articletag_tag_pub' THEN '3000000 600 1 1' "
                       "WHEN idx LIKE 'enrich_articletag_tag_id%' THEN '3000000 600' "
                       "WHEN idx LIKE 'enrich_articletag_article_id%' THEN '3000000 3' ELSE '3000000 3 1' END "
                       "WHERE tbl = 'enrich_articletag'")
        cursor.execute("UPDATE sqlite_stat1 SET stat = '1000000' || substr(stat, instr(stat || ' ', ' ')) "
                       f"WHERE tbl IN ({', '.join(repr(t) for t in BIG if t != 'enrich_articletag')})")
        cursor.execute("ANALYZE sqlite_schema")
    deep = analyzed[20]
    for url in ("/tag/parade/", f"/tag/parade/?before={make_cursor(deep.published, deep.pk)}"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        reads = [q["sql"] for q in queries.captured_queries if "enrich_articletag" in q["sql"]]
        assert reads and all(" LIMIT " in sql for sql in reads), reads  # a page at a time, then more if needed
        steps = _plans(client, url)
        assert not [step for step in steps if "TEMP B-TREE" in step or step.startswith("SCAN")], steps
        with connection.cursor() as cursor:
            for sql in reads:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                first = cursor.fetchall()[0][-1]
                assert "USING COVERING INDEX articletag_tag_pub (tag_id=?" in first, (first, sql)


def test_the_tag_feed_reads_the_tags_newest_rows_from_its_index_then_those_articles(client, analyzed):
    """Joined to the articles, the feed read every article of the tag and sorted them."""
    from broadsheet.enrich.models import ArticleTag, Tag

    tag = Tag.objects.create(key="parade", name="Parade")
    ArticleTag.objects.bulk_create(ArticleTag(article=item, tag=tag) for item in analyzed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("UPDATE sqlite_stat1 SET stat = '1000000' || substr(stat, instr(stat || ' ', ' ')) "
                       f"WHERE tbl IN ({', '.join(repr(t) for t in BIG)})")
        cursor.execute("ANALYZE sqlite_schema")
    with CaptureQueriesContext(connection) as queries:
        reply = client.get("/feeds/tag/parade/")
    assert reply.status_code == 200 and analyzed[0].title in reply.content.decode()
    reads = [q["sql"] for q in queries.captured_queries if "enrich_articletag" in q["sql"]]
    assert len(reads) == 1 and " LIMIT " in reads[0], reads
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + reads[0])
        steps = [row[-1] for row in cursor.fetchall()]
    assert steps == ["SEARCH enrich_articletag USING COVERING INDEX articletag_tag_pub (tag_id=?)"], steps
