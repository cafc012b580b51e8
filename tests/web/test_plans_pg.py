"""PostgreSQL's plans of the tag page (EXPLAIN ANALYZE): a page reads a page's worth of the
tag's rows, whatever the tag's size. tests/web/test_plans.py holds SQLite's."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.factories import article

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")]


def _analyze(sql: str, params) -> dict:
    with connection.cursor() as cursor:
        # What a million rows make the planner choose; a test table of forty is read whole
        # and sorted more cheaply than through any index.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET {setting} = off")
        try:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        finally:
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"RESET {setting}")
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def test_the_tag_page_reads_a_page_of_the_tags_rows_not_all_of_them(client, settings, monkeypatch):
    """40 articles carry the tag and a page is 4 (WINDOW 4: 16 rows at most): the tag's rows
    come from the (tag, published, article) index in order under the LIMIT, and the scan stops
    there. Before, the stories' statement read every row of the tag (628 at a million
    articles) through a bitmap scan, then sorted their stories."""
    from broadsheet.api.forms import make_cursor
    from broadsheet.enrich.models import ArticleTag, Tag

    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr("broadsheet.enrich.views.PER_PAGE", 4)
    items = [article(f"Report {i}", hours_ago=i) for i in range(40)]
    tag = Tag.objects.create(key="parade", name="Parade")
    ArticleTag.objects.bulk_create(ArticleTag(article=item, tag=tag) for item in items)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    deep = items[20]
    for url in ("/tag/parade/", f"/tag/parade/?before={make_cursor(deep.published, deep.pk)}"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # The captured SQL has its parameters in place: run each statement as it was run.
        plans = [_analyze(q["sql"], None) for q in queries.captured_queries if "enrich_articletag" in q["sql"]]
        read = sum(n["Actual Rows"] * n["Actual Loops"] for top in plans for n in _nodes(top)
                   if n.get("Relation Name") == "enrich_articletag")
        assert 0 < read <= 16, plans
        assert len(plans) == 1, plans
        top = plans[0]
        assert top["Node Type"] == "Limit", top
        scan = top["Plans"][0]  # down the outer side of the joins to what drives them, in order
        while scan["Node Type"] == "Nested Loop":
            scan = next(child for child in scan["Plans"] if child.get("Parent Relationship") == "Outer")
        assert scan["Node Type"] in ("Index Scan", "Index Only Scan") and scan["Index Name"] == "articletag_tag_pub", scan
        assert scan["Actual Rows"] <= 16, scan
        assert not [n["Node Type"] for n in _nodes(top) if n["Node Type"] in ("Sort", "Aggregate", "HashAggregate")]
