"""Share tags, JSON-LD, canonical links, feeds and the sitemap of our pages."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import lxml.html
import pytest
from django.utils import timezone

from broadsheet.enrich.models import ArticleTag, Tag
from tests.web.factories import article, source, story_of

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script>"


def _head(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.content.decode())


def _meta(page, key: str) -> str | None:
    found = page.xpath(f'//head/meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if len(found) == 1 else None


def _link(page, rel: str, kind: str = "") -> str | None:
    typed = f' and @type="{kind}"' if kind else ""
    found = page.xpath(f'//head/link[@rel="{rel}"{typed}]/@href')
    return found[0] if len(found) == 1 else None


RSS, ATOM = "application/rss+xml", "application/atom+xml"


def _json_ld(page) -> dict:
    (script,) = page.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def test_an_article_page_describes_itself_to_search_engines_and_share_cards(client):
    item = article("Lunar lander touches down", teaser="The probe landed near the south pole.", language="sv",
                   modified=timezone.now() - timedelta(minutes=5))
    page = _head(client, f"/article/{item.pk}/")
    assert page.get("lang") == "sv"
    assert _meta(page, "description") == "The probe landed near the south pole."
    assert _meta(page, "og:title") == "Lunar lander touches down"
    assert _meta(page, "og:type") == "article"
    assert _meta(page, "og:url") == f"http://testserver/article/{item.pk}/"
    assert _meta(page, "og:image") == item.image
    assert _meta(page, "og:site_name") and _meta(page, "twitter:card") == "summary_large_image"
    assert _link(page, "canonical") == item.url
    assert _link(page, "alternate", RSS) == f"http://testserver/feeds/story/{item.story_member.story_id}/"
    assert _link(page, "alternate", ATOM) == f"http://testserver/feeds/story/{item.story_member.story_id}/atom/"
    data = _json_ld(page)
    assert data["@type"] == "NewsArticle" and data["headline"] == item.title
    assert data["url"] == data["isBasedOn"] == item.url
    assert data["datePublished"] == item.published.isoformat()
    assert data["dateModified"] == item.modified.isoformat()
    assert data["author"] == [{"@type": "Person", "name": "Kim, Min Gyu"}]
    assert data["publisher"]["name"] == item.source.name and data["image"] == [item.image]


def test_an_article_without_a_picture_or_update_leaves_those_tags_out(client):
    item = article("Quiet day", image="", language="")
    page = _head(client, f"/article/{item.pk}/")
    assert page.get("lang") == "en"
    assert _meta(page, "og:image") is None and _meta(page, "twitter:card") == "summary"
    data = _json_ld(page)
    assert "image" not in data and "dateModified" not in data


def test_a_hostile_headline_stays_inside_the_json_ld_and_the_attributes(client):
    item = article(HOSTILE + '" onload="x', teaser=HOSTILE)
    html = client.get(f"/article/{item.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    page = lxml.html.fromstring(html)
    assert _json_ld(page)["headline"] == item.title  # whole, escaped, and still valid JSON
    assert _meta(page, "og:title") == item.title and _meta(page, "description") == HOSTILE
    assert not page.xpath("//*[@onload]")


@pytest.mark.parametrize("kind", ["home", "section", "source", "story", "tag", "search"])
def test_every_page_type_has_its_description_share_tags_and_own_canonical_url(client, kind):
    item = article("Budget passes", section="Politics", teaser="The vote was close.")
    tag = Tag.objects.create(key="budget", name="Budget")
    ArticleTag.objects.create(article=item, tag=tag, rank=0)
    story = item.story_member.story
    path, feed, title = {
        "home": ("/", None, None),
        "section": ("/section/politics/", "/feeds/section/politics/", "Politics"),
        "source": (f"/source/{item.source_id}/", f"/feeds/source/{item.source_id}/", item.source.name),
        "story": (f"/story/{story.pk}/", f"/feeds/story/{story.pk}/", "Budget passes"),
        "tag": ("/tag/budget/", "/feeds/tag/budget/", "Latest news with #Budget"),
        "search": ("/search/", None, "Search"),
    }[kind]
    page = _head(client, path)
    assert _link(page, "canonical") == _meta(page, "og:url") == f"http://testserver{path}"
    assert _meta(page, "description") and _meta(page, "og:description") == _meta(page, "description")
    assert _meta(page, "og:type") and _meta(page, "og:site_name") and _meta(page, "twitter:card")
    if title:
        assert _meta(page, "og:title") == title
    assert _link(page, "alternate", RSS) == (f"http://testserver{feed}" if feed else None)
    assert _link(page, "alternate", ATOM) == (f"http://testserver{feed}atom/" if feed else None)
    if feed:
        assert client.get(feed)["Content-Type"].startswith(RSS)
        assert client.get(feed + "atom/")["Content-Type"].startswith(ATOM)


def _items(client, path: str) -> list[tuple[str, str]]:
    """(title, link) of each item of an RSS feed, after checking that its Atom twin lists the same."""
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith(RSS)
    channel = ET.fromstring(response.content).find("channel")
    items = [(i.findtext("title"), i.findtext("link")) for i in channel.findall("item")]
    assert _entries(client, path + "atom/") == items
    return items


def _entries(client, path: str) -> list[tuple[str, str]]:
    """(title, link) of each entry of an Atom feed; the feed and each entry carry what Atom requires."""
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith(ATOM)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("a:title", namespaces=ns) and feed.findtext("a:id", namespaces=ns)
    assert feed.findtext("a:updated", namespaces=ns) and feed.findtext("a:author/a:name", namespaces=ns)
    entries = feed.findall("a:entry", ns)
    for entry in entries:
        assert entry.findtext("a:id", namespaces=ns) and entry.findtext("a:updated", namespaces=ns)
    return [(e.findtext("a:title", namespaces=ns), e.find("a:link", ns).get("href")) for e in entries]


def test_a_section_feed_lists_its_stories_newest_first_and_nothing_else(client):
    old = article("Old vote", section="Politics", hours_ago=5)
    new = article("New vote", section="Politics", hours_ago=1)
    article("Match report", section="Sports")
    assert _items(client, "/feeds/section/politics/") == [
        ("New vote", f"http://testserver/article/{new.pk}/"), ("Old vote", f"http://testserver/article/{old.pk}/")]


def test_source_story_and_tag_feeds_list_their_items(client):
    other = source("Other Paper", "https://other.example/")
    first = article("Launch delayed", hours_ago=3)
    second = article("Launch delayed again", hours_ago=1, publisher=other)
    article("Unrelated", hours_ago=2)
    story = story_of(first, second)
    tag = Tag.objects.create(key="launch", name="Launch")
    ArticleTag.objects.create(article=first, tag=tag, rank=0)
    assert [t for t, _ in _items(client, f"/feeds/story/{story.pk}/")] == ["Launch delayed again", "Launch delayed"]
    assert _items(client, f"/feeds/source/{other.pk}/") == [(story.headline, f"http://testserver/story/{story.pk}/")]
    assert _items(client, "/feeds/tag/launch/") == [("Launch delayed", f"http://testserver/article/{first.pk}/")]


def test_a_hostile_headline_in_a_feed_is_still_valid_xml(client):
    article(HOSTILE + " & <b>", section="Politics")
    assert _items(client, "/feeds/section/politics/")[0][0] == HOSTILE + " & <b>"


def test_feeds_of_unknown_things_are_404(client):
    for path in ("/feeds/section/nope/", "/feeds/source/999/", "/feeds/tag/nope/", "/feeds/story/999/"):
        assert client.get(path).status_code == 404, path
        assert client.get(path + "atom/").status_code == 404, path


def test_the_sitemap_lists_recent_stories_and_articles_in_a_bounded_number_of_queries(
        client, django_assert_max_num_queries):
    recent = [article(f"Recent {n}", hours_ago=n + 1) for n in range(6)]
    old = article("Old", hours_ago=24 * 5)
    with django_assert_max_num_queries(3):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [u.findtext("s:loc", namespaces=ns) for u in ET.fromstring(response.content).findall("s:url", ns)]
    for item in recent:
        assert f"http://testserver/article/{item.pk}/" in urls
        assert f"http://testserver/story/{item.story_member.story_id}/" in urls
    assert f"http://testserver/article/{old.pk}/" not in urls
    assert f"http://testserver/story/{old.story_member.story_id}/" not in urls
    assert len(urls) == 12


@pytest.mark.parametrize("words", [0, 1, 39, 40, 41, 42, 400])
def test_a_description_reads_only_the_words_it_can_show_and_truncates_as_the_whole_text_would(words):
    from django.utils.text import Truncator

    from broadsheet.web.templatetags.seo import DESCRIPTION_WORDS, describe

    text = "\n\n".join(f"  word{i} <&>\t" for i in range(words))
    assert describe(text) == Truncator(" ".join(text.split())).words(DESCRIPTION_WORDS)
