"""Pictures in our pages: every publisher's image is lazy, decoded off the main thread,
fetched without a Referer, in a box of fixed shape, with srcset where the publisher
offers sizes; source names carry their icon. Server-rendered HTML only (the browser
tests check what a reader sees)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from broadsheet.stories.models import Member, Picture, Story
from broadsheet.stories.store import refresh
from tests.web.factories import article, source, story_of

pytestmark = pytest.mark.django_db

SIZES = [["https://img.daily.example/p-320.jpg", 320, 180], ["https://img.daily.example/p-640.jpg", 640, 360],
         ["https://img.daily.example/p-1280.jpg", 1280, 720]]
ICON = "https://daily.example/icon-32.png"


def _iconed(name="Daily Example", homepage="https://daily.example/", icon=ICON):
    paper = source(name, homepage)
    paper.icon = icon
    paper.save(update_fields=["icon"])
    return paper


def _pictured(title="A parade without its guest", **kw):
    item = article(title, image=SIZES[-1][0], story=False, **kw)
    Picture.objects.create(article=item, sizes=SIZES)
    from broadsheet.stories.pipeline import cluster

    cluster(item)
    return item


def _imgs(url, client, selector="img"):
    tree = lxml_html.fromstring(client.get(url).content)
    return tree.cssselect(selector) if hasattr(tree, "cssselect") else tree.xpath("//img")


def _tree(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def test_a_story_card_carries_its_pictures_sizes_and_its_sources_icons():
    first = _pictured(publisher=_iconed())
    second = article("Leader skips the parade", publisher=_iconed("Other Times", "https://other.example/", ""))
    story = story_of(first, second)
    assert story.image == SIZES[-1][0] and story.image_sizes == SIZES
    assert story.source_names == ["Daily Example", "Other Times"] and story.source_icons == [ICON, ""]


def test_every_picture_on_the_home_page_is_lazy_async_without_referrer_in_a_sized_box(client):
    publisher = _iconed()
    for i in range(4):
        _pictured(f"Report {i}", hours_ago=i + 1, publisher=publisher)
    imgs = _tree(client, "/").xpath("//main//img")
    assert len(imgs) >= 8  # four pictures and their sources' icons
    for img in imgs:
        assert img.get("loading") == "lazy" and img.get("decoding") == "async", lxml_html.tostring(img)
        assert img.get("referrerpolicy") == "no-referrer" and img.get("alt") == ""
        assert int(img.get("width")) > 0 and int(img.get("height")) > 0
    pictures = [img for img in imgs if "icon" not in (img.get("class") or "")]
    assert all(img.getparent().get("aria-hidden") == "true" and img.getparent().get("tabindex") == "-1"
               for img in pictures)  # the headline is the link; the picture is not a second tab stop
    lead = pictures[0]
    assert lead.get("srcset") == ", ".join(f"{u} {w}w" for u, w, _ in SIZES)
    assert lead.get("sizes") and "pic-lead" in lead.getparent().get("class")
    assert "pic-thumb" in pictures[1].getparent().get("class")


def test_a_picture_without_sizes_has_no_srcset_and_a_card_without_one_has_no_box(client):
    article("With one size", image="https://img.daily.example/only.jpg")
    article("Without a picture", image="", hours_ago=3)
    tree = _tree(client, "/section/news/")
    cards = {c.xpath(".//h3")[0].text_content(): c for c in tree.xpath("//article[contains(@class, 'card')]")}
    img = cards["With one size"].xpath(".//img")[0]
    assert img.get("src") == "https://img.daily.example/only.jpg" and img.get("srcset") is None
    bare = cards["Without a picture"]
    assert "no-pic" in bare.get("class") and not bare.xpath(".//*[contains(@class, 'pic')]")


def test_source_names_carry_their_icon_on_cards_the_article_related_lists_and_the_source_page(client):
    from broadsheet.stories.models import Related

    publisher = _iconed()
    item = _pictured(publisher=publisher)
    other = article("The guests who came", publisher=publisher, hours_ago=5)
    Related.objects.create(article=item, other=other, rank=0, similarity=0.8)
    for url, where in (("/", "//article[contains(@class,'card')]//span[@class='source']"),
                       (item.get_absolute_url(), "//p[@class='byline']//a[@class='source']"),
                       (item.get_absolute_url(), "//section[@class='related']//span[@class='source']"),
                       (f"/source/{publisher.pk}/", "//h1[@class='page-title']")):
        spots = _tree(client, url).xpath(where)
        assert spots, (url, where)
        icons = spots[0].xpath(".//img[@class='icon']")
        assert icons and icons[0].get("src") == ICON and icons[0].get("referrerpolicy") == "no-referrer", (url, where)
        assert icons[0].get("loading") == "lazy" and icons[0].get("width") in ("16", "20"), (url, where)


def test_the_articles_own_picture_loads_at_once_with_its_srcset_and_no_referrer(client):
    item = _pictured(publisher=_iconed())
    img = _tree(client, item.get_absolute_url()).xpath("//figure[contains(@class, 'pic-lead')]/img")[0]
    assert img.get("loading") is None  # above the fold: lazy would only delay it
    assert img.get("referrerpolicy") == "no-referrer" and img.get("decoding") == "async" and img.get("alt") == ""
    assert img.get("srcset").endswith("p-1280.jpg 1280w") and img.get("width") and img.get("height")


def test_pictures_and_icons_cost_no_query_on_the_home_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 0

    def queries() -> int:
        client.get("/")
        with CaptureQueriesContext(connection) as done:
            client.get("/")
        return len(done)

    plain = source("Plain Paper", "https://plain.example/")
    for i in range(6):
        article(f"Plain {i}", hours_ago=i + 1, publisher=plain, image="")
    without = queries()
    publisher = _iconed()
    for i in range(6):
        _pictured(f"Pictured {i}", hours_ago=i + 1, publisher=publisher)
    for pk in Member.objects.values_list("story_id", flat=True):
        refresh(pk)
    assert Story.objects.exclude(source_icons=[]).exists()
    assert queries() == without
