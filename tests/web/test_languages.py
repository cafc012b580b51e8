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
