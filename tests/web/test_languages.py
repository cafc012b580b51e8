"""Languages on the lists: the site's setting, the reader's pick (kept apart in the page
cache), and `lang` on every card and article."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.factories import article, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed():
    """A Swedish story newer than the English ones: it must not lead the English front page."""
    english = [article(f"Parade report {i}", hours_ago=i + 2, language="en") for i in range(3)]
    swedish = article("Paraden hölls utan gästen", hours_ago=1, language="sv",
                      publisher=source("Sydsvenskan", "https://sydsvenskan.example/", "SE"))
    return english, swedish


def _latest(html: str) -> str:
    """The home page's lead: its top stories (on a small site, the latest ones) and Latest."""
    start = html.index('class="top-stories"') if 'class="top-stories"' in html else html.index('<h2 class="rule">Latest')
    return html[start:html.index("</section>", html.index('<h2 class="rule">Latest'))]


def test_by_default_the_home_page_leads_in_the_sites_language_and_gives_others_a_block(client, mixed):
    english, swedish = mixed
    html = client.get("/").content.decode()
    assert swedish.title not in _latest(html) and english[0].title in _latest(html)
    block = html[html.index("In other languages"):]
    assert swedish.title in block and 'lang="sv"' in block and "Svenska" in block
    assert html.count(swedish.title) == 1


def test_a_section_list_marks_a_story_in_another_language(client, mixed):
    html = client.get("/section/news/").content.decode()
    card = re.search(r'<article class="card"[^>]*lang="sv".*?</article>', html, re.S)[0]
    assert "Paraden hölls utan gästen" in card and '<span class="language" lang="sv">Svenska</span>' in card
    assert '<html lang="en">' in html


def test_the_site_setting_leaves_other_languages_out_of_every_list(client, settings, mixed):
    english, swedish = mixed
    settings.SITE_LANGUAGES = ["en"]
    for url in ("/", "/section/news/", f"/source/{swedish.source_id}/", "/?lang=sv"):
        assert swedish.title not in client.get(url).content.decode(), url
    assert english[0].title in client.get("/section/news/").content.decode()


def test_a_reader_can_ask_for_one_language_in_the_address(client, mixed):
    english, swedish = mixed
    for url in ("/?lang=sv", "/section/news/?lang=sv"):
        html = client.get(url).content.decode()
        assert swedish.title in html and english[0].title not in html, url
    html = client.get("/?lang=all").content.decode()
    assert swedish.title in _latest(html)  # every language, mixed, newest first


def test_the_picker_keeps_the_pick_in_a_cookie_and_returns_to_the_list(client, mixed):
    english, swedish = mixed
    answer = client.get("/languages/", {"lang": "sv", "next": "/section/news/"})
    assert answer.status_code == 302 and answer["Location"] == "/section/news/"
    assert answer.cookies["lang"].value == "sv" and answer.cookies["lang"]["httponly"]
    html = client.get("/section/news/").content.decode()
    assert swedish.title in html and english[0].title not in html
    assert '<option value="sv" selected>' in html
    back = client.get("/languages/", {"lang": "", "next": "/"})
    assert back.cookies["lang"].value == ""  # deleted: the site's default again
    assert english[0].title in client.get("/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_picker_goes_back_only_to_this_site(client, target):
    assert client.get("/languages/", {"lang": "sv", "next": target})["Location"] == "/"


def test_a_bad_pick_is_the_sites_default(client, mixed):
    english, swedish = mixed
    client.cookies["lang"] = "<script>"
    html = client.get("/?lang=x").content.decode()
    assert english[0].title in _latest(html) and swedish.title not in _latest(html)


def test_one_readers_pick_is_never_served_to_another_from_the_page_cache(client, settings, mixed):
    from django.test import Client

    english, swedish = mixed
    assert settings.PAGE_CACHE_SECONDS > 0
    picked = Client()
    picked.cookies["lang"] = "sv"
    for _ in range(2):  # the second views come from the cache
        mine = picked.get("/section/news/").content.decode()
        theirs = client.get("/section/news/").content.decode()
        assert english[0].title not in mine and swedish.title in mine
        assert english[0].title in theirs and '<option value="" selected>' in theirs
    with CaptureQueriesContext(connection) as done:
        again = picked.get("/section/news/")
    assert len(done) == 0 and again.content.decode() == mine


def test_a_pick_costs_no_more_queries_than_the_default(client, settings, mixed):
    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    for url in ("/", "/?lang=sv", "/?lang=all", "/section/news/", "/section/news/?lang=sv"):
        client.get(url)
        with CaptureQueriesContext(connection) as done:
            client.get(url)
        counts.append(len(done))
    assert counts[0] == counts[1] == counts[2] and counts[3] == counts[4]


def test_an_article_page_is_in_its_own_language(client, mixed):
    _, swedish = mixed
    html = client.get(swedish.get_absolute_url()).content.decode()
    assert '<html lang="sv">' in html
    english = client.get(mixed[0][0].get_absolute_url()).content.decode()
    assert '<html lang="en">' in english


def test_the_main_language_is_a_setting(client, settings, mixed):
    settings.SITE_LANGUAGE = "sv"
    html = client.get("/").content.decode()
    assert '<html lang="sv">' in html
    assert "Paraden hölls utan gästen" in _latest(html) and "Parade report 0" not in _latest(html)


def test_a_story_page_marks_each_report_in_its_language(client, mixed):
    from broadsheet.stories.models import Member

    _, swedish = mixed
    story = Member.objects.get(article=swedish).story
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<html lang="sv">' in html and f'lang="sv">{swedish.title}</a>' in html


def test_read_more_keeps_to_the_languages_the_site_lists(client, settings, mixed):
    english, swedish = mixed
    page = client.get(english[0].get_absolute_url()).content.decode()
    assert swedish.title in page[page.index("Read more"):]
    settings.SITE_LANGUAGES = ["en"]
    settings.PAGE_CACHE_SECONDS = 0
    page = client.get(english[0].get_absolute_url()).content.decode()
    assert swedish.title not in page[page.index("Read more"):]


def test_a_pick_with_no_stories_says_so_and_is_no_first_run(client):
    article("Parade report", language="en")
    answer = client.get("/?lang=sv")
    html = answer.content.decode()
    assert "No stories in this language yet" in html and "first-run" not in html
    assert answer["Cache-Control"].startswith("public")  # an ordinary page: cached like the others


def test_a_site_with_stories_only_in_other_languages_lists_them(client):
    swedish = article("Paraden hölls utan gästen", language="sv")
    html = client.get("/").content.decode()
    assert swedish.title in html[html.index("In other languages"):] and "first-run" not in html


# --- one rule on every list: tags, search, the API ----------------------------------------
@pytest.fixture
def tagged(mixed):
    from broadsheet.enrich.pipeline import save_tags

    english, swedish = mixed
    loose = article("Paraden ställdes in i Malmö", hours_ago=1, language="sv", story=False,
                    publisher=swedish.source)
    for item in (*english, swedish, loose):
        save_tags(item.pk, ["Parade"])
    return english, swedish, loose


def _lists(client, query: str = "") -> dict[str, str]:
    """The text of each list that is not a home or section page, for one `?lang=` query."""
    import json

    join = "&" if query else ""
    api = lambda url: json.dumps(client.get(url).json(), ensure_ascii=False)  # noqa: E731
    return {
        "tag": client.get(f"/tag/parade/?{query}").content.decode(),
        "search page": client.get(f"/search/?q=parade&{query}").content.decode(),
        "search api": api(f"/api/search?q=parade{join}{query}"),
        "articles api": api(f"/api/articles?{query}"),
    }


def test_tag_search_and_api_lists_show_every_language_by_default(client, tagged):
    english, swedish, loose = tagged
    for name, text in _lists(client).items():
        assert english[0].title in text and swedish.title in text, name
    assert loose.title in _lists(client)["tag"]


def test_the_site_setting_holds_on_tag_search_and_api_lists(client, settings, tagged):
    english, swedish, loose = tagged
    settings.SITE_LANGUAGES = ["en"]
    for query in ("", "lang=all"):
        for name, text in _lists(client, query).items():
            assert english[0].title in text, (name, query)
            assert swedish.title not in text and loose.title not in text, (name, query)


def test_a_readers_pick_holds_on_tag_search_and_api_lists(client, tagged):
    english, swedish, loose = tagged
    for name, text in _lists(client, "lang=sv").items():
        assert swedish.title in text and english[0].title not in text, name
    assert loose.title in _lists(client, "lang=sv")["tag"]
    client.cookies["lang"] = "en"  # the picker's cookie, as on the other lists
    for name, text in _lists(client).items():
        assert english[0].title in text and swedish.title not in text, name
    assert '<option value="en" selected>' in _lists(client)["tag"]


def test_a_search_language_filter_takes_the_place_of_the_pick_but_not_of_the_site_setting(client, settings, tagged):
    english, swedish, _ = tagged
    client.cookies["lang"] = "en"
    assert swedish.title in client.get("/search/?q=parade&language=sv").content.decode()
    settings.SITE_LANGUAGES = ["en"]
    assert swedish.title not in client.get("/api/search?q=parade&language=sv").content.decode()


@pytest.mark.parametrize("url", ["/api/articles?lang=xx1", "/api/search?q=parade&lang=de"])
def test_the_api_refuses_a_language_it_does_not_list(client, settings, url):
    settings.SITE_LANGUAGES = ["en", "sv"]
    answer = client.get(url)
    assert answer.status_code == 400 and answer.json()["error"] == "lang: must be all, en, sv"
    settings.SITE_LANGUAGES = []
    assert client.get("/api/articles?lang=<b>").json()["error"] == "lang: must be all or a language code such as en"
    page = client.get("/search/?q=parade&lang=xx1")  # the search page is a form: it says so too
    assert page.status_code == 400 and "lang: must be all" in page.content.decode()


@pytest.mark.parametrize("shown", [[], ["en"], ["sv"], ["en", "sv"]])
@pytest.mark.parametrize("chosen", ["", "all", "en", "sv"])
@pytest.mark.parametrize("grouped", [False, True])
def test_the_rule_as_sql_keeps_what_the_rule_as_a_filter_keeps(settings, shown, chosen, grouped):
    from broadsheet.articles.models import Article
    from broadsheet.web import languages

    settings.SITE_LANGUAGES = shown
    for code in ("en", "sv", "de", ""):
        article(f"Report in {code or 'no language'}", language=code, story=False)
    chosen = languages.clean(chosen)
    rule = languages.allowed(chosen, grouped)
    by_filter = set(Article.objects.filter(rule.q()).values_list("language", flat=True))
    condition, params = rule.sql("language")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT language FROM articles_article WHERE {condition or '1 = 1'}", params)
        by_sql = {row[0] for row in cursor.fetchall()}
    assert by_filter == by_sql
    # What the lists showed before the rule was one helper: the site's languages (and the
    # unknown, as the main one), then the pick; nothing picked on the home page: the main one.
    expected = {"en", "sv", "de", ""}
    if shown:
        expected &= set(shown) | ({""} if "en" in shown else set())
    if chosen and chosen != "all":
        expected &= {chosen, ""} if chosen == "en" else {chosen}
    elif grouped and not chosen:
        expected &= {"en", ""}
    assert by_filter == expected
