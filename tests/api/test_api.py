"""The JSON API, used through the in-process client as a consumer would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.models import Article
from tests.web.factories import article, source

pytestmark = pytest.mark.django_db


def test_articles_come_newest_first_with_their_source_and_byline(client):
    article("Older", hours_ago=5)
    article("Newer", hours_ago=1)
    data = client.get("/api/articles").json()
    assert [a["title"] for a in data["articles"]] == ["Newer", "Older"]
    first = data["articles"][0]
    assert first["source"]["name"] == "Daily Example"
    assert first["authors"][0] == {"name": "Kim, Min Gyu", "role": "Former Senior official of DPRK Foreign Ministry"}
    assert first["page"] == f"/article/{first['id']}/"
    assert data["next_cursor"] is None


def test_the_cursor_walks_every_article_once(client):
    same_time = timezone.now() - timedelta(hours=1)
    for i in range(7):
        article(f"A{i}", published=same_time if i < 4 else same_time - timedelta(minutes=i))
    seen, cursor = [], None
    while True:
        url = "/api/articles?limit=3" + (f"&cursor={cursor}" if cursor else "")
        data = client.get(url).json()
        seen += [a["id"] for a in data["articles"]]
        cursor = data["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7


def test_filters_by_section_source_and_time(client):
    other = source("Other", "https://other.example/")
    article("Sport", section="Sports")
    article("Theirs", publisher=other, hours_ago=30)
    assert [a["title"] for a in client.get("/api/articles?section=sports").json()["articles"]] == ["Sport"]
    assert [a["title"] for a in client.get(f"/api/articles?source={other.pk}").json()["articles"]] == ["Theirs"]
    since = (timezone.now() - timedelta(hours=10)).isoformat()
    assert [a["title"] for a in client.get("/api/articles", {"since": since}).json()["articles"]] == ["Sport"]


def test_a_list_item_is_what_the_single_article_serializer_writes(client):
    """The list builds its items from rows (api.views._list_item), the article endpoint from an
    Article (_article_json): the same fields and values for every kind of article."""
    from broadsheet.api.views import _article_json
    from broadsheet.enrich.models import ArticleEnrichment

    plain = article("Plain")
    enriched = article("Tagged", hours_ago=3, modified=timezone.now(), language="sv", image="")
    ArticleEnrichment.objects.create(article=enriched, section="News", hashtags=["Parade", "Städer"])
    teaser_only = article("No text", hours_ago=4, body="\n\n  \n\n", teaser="Only the feed's summary", story=False)
    spaced = article("Spaced", hours_ago=5, body="\n\n   First <para> & more  \n\nSecond", authors=[])
    listed = client.get("/api/articles?lang=all").json()["articles"]
    expected = [_article_json(Article.objects.select_related("source", "story_member", "enrichment").get(pk=item.pk))
                for item in (plain, enriched, teaser_only, spaced)]
    assert listed == expected
    assert listed[1]["hashtags"] == ["Parade", "Städer"] and listed[2]["story"] is None and listed[2]["lead"] == \
        "Only the feed's summary" and listed[3]["lead"] == "First <para> & more" and listed[1]["modified"]


@pytest.mark.parametrize("query, message", [
    ("limit=0", "limit"), ("limit=abc", "limit"), ("section=nope", "unknown section"),
    ("since=yesterday", "since"), ("since=2026-11-28T09:00:00", "timezone"), ("cursor=zzz", "cursor"), ("source=x", "source"),
])
def test_bad_parameters_get_a_clear_400(client, query, message):
    response = client.get(f"/api/articles?{query}")
    assert response.status_code == 400 and message in response.json()["error"]


def test_one_article_has_its_paragraphs(client):
    item = article()
    data = client.get(f"/api/articles/{item.pk}").json()
    assert len(data["paragraphs"]) == 3 and data["title"] == item.title


def test_one_article_has_its_blocks_and_an_old_row_its_paragraphs_as_blocks(client):
    blocks = [{"type": "p", "text": "Intro."}, {"type": "h2", "text": "A subhead"}, {"type": "li", "text": "An item", "ordered": False},
              {"type": "entry", "time": "2024-05-14T16:40:00+00:00", "text": "Vote passes"}]
    item = article("Structured", body="Intro.\n\nA subhead\n\n- An item", blocks=blocks)
    assert client.get(f"/api/articles/{item.pk}").json()["blocks"] == blocks
    old = article("Stored before blocks")
    assert client.get(f"/api/articles/{old.pk}").json()["blocks"] == [{"type": "p", "text": p} for p in old.paragraphs]


def test_hidden_and_missing_articles_are_404(client):
    hidden = article("Failed", status=Article.Status.FAILED)
    assert client.get(f"/api/articles/{hidden.pk}").status_code == 404
    assert client.get("/api/articles/999999").json()["error"] == "no article 999999"
    assert client.get("/api/nothing-here").status_code == 404


def test_sections_and_sources_are_listed(client):
    source()
    assert {"name": "Arts & Culture", "slug": "arts-and-culture"} in client.get("/api/sections").json()["sections"]
    assert client.get("/api/sources").json()["sources"][0]["name"] == "Daily Example"


def test_the_openapi_document_describes_every_endpoint(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/articles", "/articles/{id}", "/search", "/sections", "/sources"}
    article()
    listed = client.get("/api/articles").json()["articles"][0]
    required = doc["components"]["schemas"]["Article"]["required"]
    assert all(key in listed for key in required)
    assert set(listed) <= set(doc["components"]["schemas"]["Article"]["properties"])


def test_writes_are_refused(client):
    assert client.post("/api/articles").status_code == 405
