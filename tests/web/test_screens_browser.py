"""Every screen a reader meets, in headless Chromium on a desktop (1280 px) and a phone
(390 px): home, section, story, article, a long live blog, tag, source, search, the 404 and
500 pages, and the first run offline. Each page is checked for what issue 12 asks of it
(one card per story; finished 404/500 pages; timelines with the year; "Top stories";
description, OpenGraph, canonical, JSON-LD, RSS and Atom; the phone menu (one row that scrolls,
a short masthead); coverage before comments; folded live blogs; the first-run message) and photographed.

Screenshots go to the test's tmp dir, or to $SCREENSHOTS when it is set (to look at
them: SCREENSHOTS=/some/dir pytest tests/web/test_screens_browser.py).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from broadsheet.enrich.models import ArticleTag, Tag
from broadsheet.sources.models import Feed
from broadsheet.stories.models import Member
from tests.a11y import violations
from tests.web.factories import article, source, story_of
from tests.web.pictures import image_server  # noqa: F401  (fixture)
from tests.web.test_article_body import live_blocks
from tests.web.test_pictures_browser import TEASER, fill, load_every_picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
RSS, ATOM = "application/rss+xml", "application/atom+xml"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def site(image_server):  # noqa: F811
    """The pictured site of the picture tests, plus a tag, a story that began in 2019 and a
    200-entry live blog; the paths of every page type."""
    made = fill(image_server)
    tag = Tag.objects.create(key="bridge", name="Bridge")
    for title in ("Council votes to rebuild the river bridge", "Harbour dredging to begin"):
        ArticleTag.objects.create(article=made[title], tag=tag, rank=0)
    for item in Member.objects.filter(story=made["story"]).select_related("article"):
        ArticleTag.objects.get_or_create(article=item.article, tag=tag, defaults={"rank": 0})
    treaty = story_of(
        article("Treaty on river rights signed", section="World", hours_ago=0, body=TEASER, image="",
                published=datetime(2019, 11, 18, 17, 19, tzinfo=dt_timezone.utc),
                publisher=source("Archive Post", "https://archive.example/")),
        article("Five years on, the river treaty holds", section="World", hours_ago=5, body=TEASER, image="",
                publisher=source("Paper 1", "https://p1.example/")))
    live = article("Live: the count, hour by hour", section="Politics", hours_ago=3, body="x", blocks=live_blocks(200),
                   image="")
    lead = Member.objects.filter(story=made["story"]).order_by("published").first().article
    return {
        "made": made, "treaty": treaty, "lead": lead,
        "pages": {
            "home": "/",
            "section": reverse("web:section", args=["news"]),
            "story": made["story"].get_absolute_url(),
            "article": lead.get_absolute_url(),
            "liveblog": live.get_absolute_url(),
            "tag": reverse("enrich:tag", args=["bridge"]),
            "source": reverse("web:source", args=[lead.source_id]),
            "search": reverse("search:page") + "?q=bridge",
            "timeline": treaty.get_absolute_url(),
            "404": "/no/such/page/",
        },
    }


def _head(page) -> dict:
    """What a page's <head> says about it to search engines, share cards and feed readers."""
    return page.evaluate("""() => {
        const meta = k => { const m = document.head.querySelector(`meta[property="${k}"], meta[name="${k}"]`);
                            return m ? m.content : null; };
        const link = (rel, type) => { const l = document.head.querySelector(
                        `link[rel="${rel}"]` + (type ? `[type="${type}"]` : '')); return l ? l.href : null; };
        return {description: meta('description'), title: meta('og:title'), type: meta('og:type'),
                url: meta('og:url'), card: meta('twitter:card'), canonical: link('canonical'),
                rss: link('alternate', 'application/rss+xml'), atom: link('alternate', 'application/atom+xml'),
                ld: [...document.querySelectorAll('script[type="application/ld+json"]')].map(s => s.textContent),
                lang: document.documentElement.lang};
    }""")


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _menu_fits(page, width: int, device: str, name: str) -> None:
    """The section menu: every link a 44 px target. On a desktop every link is on the screen
    (the menu wraps); on a phone the masthead stays short (one row of menu that scrolls
    sideways) and a link off the edge comes onto the screen when the keyboard reaches it."""
    boxes = "links => links.map(a => a.getBoundingClientRect()).map(r => ({x: r.x, y: r.y, w: r.width, h: r.height}))"
    links = page.eval_on_selector_all("nav.sections a", boxes)
    assert all(box["h"] >= 44 for box in links), (name, links)
    if device == "desktop":
        assert all(box["x"] >= 0 and box["x"] + box["w"] <= width for box in links), (name, links)
        return
    assert len({round(box["y"]) for box in links}) == 1, (name, links)  # one row
    assert page.locator("header.masthead").bounding_box()["height"] <= 200, name
    last = page.locator("nav.sections a").last
    last.focus()
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
    page.evaluate("document.activeElement.blur(); document.querySelector('nav.sections').scrollLeft = 0")


def _one_card_per_story(page) -> int:
    """Every story card on the page links to a different story (or lone article): the count."""
    hrefs = page.eval_on_selector_all("main article.card h3 a", "links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) == len(set(hrefs)), hrefs
    return len(hrefs)


def _feeds_answer(page, head: dict) -> None:
    for url, kind in ((head["rss"], RSS), (head["atom"], ATOM)):
        assert url, f"no <link rel=alternate type={kind}> on {page.url}"
        response = page.request.get(url)
        assert response.ok and response.headers["content-type"].startswith(kind), url


@pytest.mark.parametrize("device", DEVICES)
def test_every_screen_is_finished_on_a_desktop_and_a_phone(browser, live_server, site, shots, device):
    width = DEVICES[device]["width"]
    page = browser.new_page(viewport=DEVICES[device])
    errors: list[str] = []
    # Script errors and CSP refusals; not "Failed to load resource" (the site's two missing
    # pictures and icon, and the 404 page itself, are meant to fail).
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    heads = {}
    for name, path in site["pages"].items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "404" else 200), name
        load_every_picture(page)
        _fits(page, width)
        heads[name] = head = _head(page)
        if name != "404":
            assert head["description"] and head["title"] and head["type"] and head["card"], name
            assert head["canonical"] and head["url"] == live_server.url + path.split("?")[0] + (
                "?" + path.split("?")[1] if "?" in path else ""), name
        _menu_fits(page, width, device, name)
        if name in ("home", "section", "tag", "source", "search"):
            assert _one_card_per_story(page) >= 1, name
        found = violations(page)
        assert not found, (name, found)
        page.screenshot(path=str(shots / f"{name}-{device}.png"), full_page=True)

    # Home: Top stories (the menu's first link) lead with the story three publishers covered.
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Top stories").click()
    top = page.locator("section.top-stories")
    assert top.get_by_role("heading", name="Top stories").is_visible()
    lead_card = top.locator("article.card").first.inner_text()
    assert "Full coverage · 3 sources, 3 articles" in lead_card and "Paper 0, Paper 1, Paper 2" in lead_card
    assert top.locator("article.card").first.locator("time").inner_text().endswith("ago")  # the newest report's
    assert page.get_by_text("Council votes to rebuild the river bridge", exact=True).count() == 1

    # Section, tag and source pages list stories: the three reports of the bridge vote are one card.
    for name in ("section", "tag"):
        page.goto(live_server.url + site["pages"][name])
        cards = page.locator("main article.card", has_text="Full coverage · 3 sources")
        assert cards.count() == 1, name
        assert page.locator("main article.card", has_text="Bridge vote: report").count() == 0, name
        _feeds_answer(page, heads[name])

    # Story: its feeds; a timeline entry of another year carries the year, this year's does not.
    page.goto(live_server.url + site["pages"]["timeline"])
    stamps = page.locator(".timeline time").all_inner_texts()
    assert "18 Nov 2019, 17:19" in stamps
    recent = timezone.localtime(site["treaty"].last_published)
    assert any(s.startswith(f"{recent.day} {recent.strftime('%b')},") for s in stamps), stamps
    _feeds_answer(page, heads["story"])

    # Article: JSON-LD NewsArticle, canonical to the original, its story's feeds, lang set;
    # full coverage and related come before the comments (beside the text on a desktop).
    lead, head = site["lead"], heads["article"]
    data = json.loads(head["ld"][0])
    assert data["@type"] == "NewsArticle" and data["headline"] == lead.title and data["url"] == lead.url
    assert head["canonical"] == lead.url and head["type"] == "article" and head["lang"]
    assert head["rss"].endswith(f"/feeds/story/{lead.story_member.story_id}/") and head["atom"].endswith("/atom/")
    _feeds_answer(page, head)
    page.goto(live_server.url + site["pages"]["article"])
    coverage, comments = page.locator(".story-link").first.bounding_box(), page.locator("#comments").bounding_box()
    # Read more: other stories only, each under its section's label.
    more = page.locator(".read-more li")
    assert more.count() >= 3 and page.locator(".read-more li .label").count() == more.count()
    assert "Bridge vote" not in page.locator(".read-more").inner_text()
    if device == "phone":
        assert coverage["y"] < comments["y"]
    else:
        assert coverage["x"] > comments["x"] + comments["width"] - 1 and coverage["y"] < comments["y"]

    # A 200-entry live blog is folded to a few screens, behind a 44 px control.
    page.goto(live_server.url + site["pages"]["liveblog"])
    assert page.evaluate("document.documentElement.scrollHeight") < 6000
    assert page.locator(".entries > details.fold > summary").bounding_box()["height"] >= 44

    # 404: the masthead, menu and a search box on a page made for the screen.
    page.goto(live_server.url + site["pages"]["404"])
    assert page.get_by_role("heading", level=1).inner_text() == "This page is not here"
    assert page.get_by_role("navigation", name="Sections").is_visible()
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("device", DEVICES)
def test_the_500_page_has_the_masthead_and_passes_axe(browser, live_server, shots, device):
    """The 500 page as Django renders it with the database down, served at an address of the
    live server so its stylesheet loads as it would."""
    html = server_error(RequestFactory().get("/")).content
    page = browser.new_page(viewport=DEVICES[device])
    page.route("**/broken/", lambda route: route.fulfill(status=500, body=html, content_type="text/html"))
    assert page.goto(live_server.url + "/broken/").status == 500
    assert page.locator(".masthead .brand").is_visible()
    assert page.get_by_role("navigation", name="Sections").get_by_role("link", name="Top stories").is_visible()
    assert page.get_by_role("searchbox", name="Search the news").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Something went wrong on our side"
    assert page.get_by_role("link", name="Go to the front page").is_visible()
    assert float(page.locator(".brand").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) > 20  # styled
    _fits(page, DEVICES[device]["width"])
    assert not violations(page)
    page.screenshot(path=str(shots / f"500-{device}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("device", DEVICES)
def test_the_first_run_offline_says_why_and_what_to_do(browser, live_server, shots, device):
    for n, (kind, error) in enumerate((("dns", "cannot resolve a.example: [Errno -3] Temporary failure in name "
                                                "resolution"), ("connection", "connection refused by b.example"))):
        host = "ab"[n] + ".example"
        Feed.objects.create(source=source(host, f"https://{host}/"), url=f"https://{host}/rss", consecutive_failures=3,
                            last_error_kind=kind, last_error=error,
                            last_fetch_at=timezone.now() - timezone.timedelta(minutes=9 - n))
    page = browser.new_page(viewport=DEVICES[device])
    page.goto(live_server.url + "/")
    text = page.locator("main").inner_text()
    assert "None of the sources can be reached" in text and "connection refused by b.example" in text
    assert "broadsheet sources add URL" in text and "broadsheet createsuperuser" in text
    assert "polling its sources" not in text
    _fits(page, DEVICES[device]["width"])
    assert not violations(page)
    page.screenshot(path=str(shots / f"first-run-offline-{device}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("device", DEVICES)
def test_the_reader_and_comment_pages_pass_axe(browser, live_server, settings, shots, device):
    """The pages of the community around the news, as a signed-in reader sees them, and the
    400 page of a malformed list link: no moderate, serious or critical violation. The site
    has one lone report, so its home page shows Top stories "as of" its time."""
    from django.test import Client

    from broadsheet.community import services
    from broadsheet.community.models import CommunitySettings
    from tests.community.conftest import make_user

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    policy = CommunitySettings.current()
    policy.premoderate_first = 0
    policy.save()
    alice, bob = make_user("alice"), make_user("bob")
    item = article("Bridge reopens after repairs", image="")
    bobs = services.post_comment(bob, item, "Bob thinks the bridge is too narrow.")
    mine = services.post_comment(alice, item, "Alice answers: wide enough for the buses.", parent=bobs)
    client = Client()
    client.force_login(alice)
    context = browser.new_context(viewport=DEVICES[device])
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    pages = {
        "article with comments": item.get_absolute_url(),
        "profile": reverse("community:profile", args=["bob"]),
        "account": reverse("community:account"),
        "delete account": reverse("community:delete_account"),
        "report": reverse("community:report", args=[bobs.pk]),
        "edit": reverse("community:edit", args=[mine.pk]),
        "delete comment": reverse("community:delete", args=[mine.pk]),
        "400": reverse("web:section", args=["news"]) + "?before=yesterday",
    }
    found = {}
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == (400 if name == "400" else 200), name
        _fits(page, DEVICES[device]["width"])
        found[name] = violations(page)
    # A site with no event covered twice: its Top stories are the latest, labelled "as of".
    page.goto(live_server.url + "/")
    heading = page.locator("section.top-stories h2").inner_text()
    assert heading.startswith("Top stories as of ") and item.title in page.locator("section.top-stories").inner_text()
    page.goto(live_server.url + item.get_absolute_url() + "#comments")
    assert page.locator(".account").get_by_role("link", name="Log out").count() == 1  # signed in
    if device == "phone":  # the comment controls are touch targets, as the menu is
        for control in (".comment-order a", ".comment-actions a", ".reply summary"):
            for box in page.eval_on_selector_all(control, "els => els.map(e => e.getBoundingClientRect().height)"):
                assert box >= 44, control
    page.screenshot(path=str(shots / f"comments-{device}.png"), full_page=True)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}
