"""/search/ and /api/search as a reader and a script use them."""

from __future__ import annotations

import re

import pytest

from tests.web.factories import article, source, story_of

pytestmark = pytest.mark.django_db

BAD_QUERIES = ['"', "AND (", "*", "NEAR(a b)", "a NEAR/2 b", "^start", "col:term", "x" * 10_240, "\x00", "a\x00b",
               "\u202e\u200b\u0301", "😀" * 50, "' OR 1=1 --", "!&|<->", ":*", "-", "(((", "))",
               "NOT", "AND OR NOT", "\\", "%_", "Ⅻ ² ١٢"]


@pytest.fixture
def coverage():
    """A launch reported by two publishers (one story) and an unrelated article."""
    a = article("Rocket launch delayed by wind", hours_ago=3, publisher=source("Space Daily", "https://space.example/"))
    b = article("Wind delays the rocket launch again", hours_ago=2, publisher=source("Wire", "https://wire.example/"))
    story = story_of(a, b)
    article("Wind farm opens offshore", hours_ago=1)
    return story


def test_the_search_page_shows_one_card_per_story_with_its_full_coverage(client, coverage):
    page = client.get("/search/", {"q": "rocket launch"}).content.decode()
    assert page.count('<article class="card') == 1
    assert f'href="{coverage.get_absolute_url()}"' in page and "2 sources" in page
    assert 'value="rocket launch"' in page


def test_a_word_in_every_article_lists_every_story_once(client, coverage):
    page = client.get("/search/", {"q": "wind"}).content.decode()
    assert page.count('<article class="card') == 2
    assert "Wind farm opens offshore" in page


def test_the_search_page_without_words_shows_the_form_only(client, coverage):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode() and 'class="card' not in response.content.decode()


def test_nothing_found_says_so(client, coverage):
    page = client.get("/search/", {"q": "submarine"}).content.decode()
    assert "Nothing matches" in page and "submarine" in page


def test_every_page_has_a_labelled_search_box_in_the_masthead(client, coverage):
    for path in ["/", "/section/news/", coverage.get_absolute_url(), "/search/?q=wind"]:
        page = client.get(path).content.decode()
        box = re.search(r'<form class="masthead-search" action="/search/" method="get" role="search">(.*?)</form>', page, re.S)
        assert box, path
        assert '<label class="visually-hidden" for="masthead-q">Search the news</label>' in box[1]
        assert 'id="masthead-q" type="search" name="q"' in box[1]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_no_query_ends_in_a_server_error(client, coverage, query):
    for url in ["/search/", "/api/search"]:
        response = client.get(url, {"q": query, "section": "news", "language": "en"})
        assert response.status_code in (200, 400), (url, query)


def test_bytes_that_are_not_utf8_are_read_without_a_server_error(client, coverage):
    for url in ["/search/?q=%ED%A0%80%FF", "/api/search?q=%ED%A0%80rocket%C0"]:  # a lone surrogate, stray bytes
        assert client.get(url).status_code in (200, 400), url


def test_a_query_too_long_or_with_a_nul_is_a_400_that_says_why(client, coverage):
    page = client.get("/search/", {"q": "x" * 10_240})
    assert page.status_code == 400 and "at most 300 characters" in page.content.decode()
    api = client.get("/api/search", {"q": "x" * 10_240})
    assert api.status_code == 400 and api.json()["error"] == "q: is too long: search for at most 300 characters"
    assert client.get("/api/search", {"q": "launch\x00"}).json()["error"].startswith("q: Null characters")


def test_a_query_at_the_length_limit_is_searched(client, coverage):
    query = ("rocket " * 50)[:300]
    assert client.get("/api/search", {"q": query}).status_code == 200


def test_the_api_returns_stories_with_their_best_article_and_a_cursor(client, coverage):
    data = client.get("/api/search", {"q": "wind", "limit": "1"}).json()
    assert data["query"] == ["wind"] and len(data["results"]) == 1 and data["next_cursor"] == "1"
    more = client.get("/api/search", {"q": "wind", "limit": "1", "cursor": data["next_cursor"]}).json()
    assert more["next_cursor"] is None
    results = data["results"] + more["results"]
    story = next(r for r in results if r["story"] and r["story"]["id"] == coverage.pk)
    assert story["story"]["source_count"] == 2 and story["article"]["source"]["name"] in {"Space Daily", "Wire"}
    assert {r["article"]["title"] for r in results} >= {"Wind farm opens offshore"}


def test_the_api_filters_and_refuses_bad_filters_by_name(client, coverage):
    data = client.get("/api/search", {"q": "wind", "since": "2000-01-01", "until": "2999-12-31", "section": "news"}).json()
    assert len(data["results"]) == 2
    assert client.get("/api/search", {"q": "wind", "language": "xx-toolongsubtag"}).json()["error"].startswith("language:")
    assert client.get("/api/search", {"q": "wind", "since": "2026-02-30"}).json()["error"].startswith("since:")
    assert client.get("/api/search", {"q": "wind", "section": "nope"}).json()["error"].startswith("section:")
    assert client.get("/api/search", {"q": "wind", "until": "9999-12-31"}).status_code == 200


def test_the_api_without_words_returns_no_results(client, coverage):
    assert client.get("/api/search").json() == {"query": [], "results": [], "next_cursor": None}


def test_search_reads_in_a_few_queries(client, coverage, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/search/", {"q": "wind"})


@pytest.mark.parametrize("path", ["/search/", "/api/search"])
def test_a_page_of_many_results_reads_no_more_than_a_page_of_one(client, coverage, path, settings):
    """The cards' query loads only the columns shown (search.engine.SHOWN): a column left
    out that a card or the API used would cost a query per result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    for i in range(5):
        article(f"Wind report {i}", hours_ago=4 + i, publisher=source(f"Paper {i}", f"https://p{i}.example/"))
    counts = []
    for limit in ("1", "20"):
        client.get(path, {"q": "wind", "limit": limit})  # comment counts cached, as on a busy site
        with CaptureQueriesContext(connection) as queries:
            body = client.get(path, {"q": "wind", "limit": limit}).content.decode()
        counts.append(len(queries))
    assert "Wind report 4" in body and "Paper 4" in body
    assert counts[0] == counts[1] > 0


def test_the_length_limit_counts_the_query_as_sent_as_the_openapi_document_says(client, coverage):
    padded = "rocket" + "\t" * 300
    assert client.get("/api/search", {"q": padded}).status_code == 400
    assert client.get("/api/search", {"q": "  rocket  "}).json()["query"] == ["rocket"]
