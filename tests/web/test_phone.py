"""The site on a phone (390 px, and the narrowest common 360 px), in headless Chromium.
Screenshots are kept in the test's tmp dir to look at."""

from __future__ import annotations

import pytest

from broadsheet.web.templatetags.news import FOLD_OVER, FOLD_SHOWN
from tests.a11y import violations
from tests.web.factories import article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SECTIONS = ("News", "World", "Business", "Tech", "Science", "Sport", "Culture", "Opinion")


@pytest.mark.parametrize("width", [390, 360])
def test_the_phone_menu_is_one_row_of_44px_targets_the_keyboard_brings_on_screen(browser, live_server, tmp_path, width):
    for name in SECTIONS:
        article(f"A report filed under {name}", section=name)
    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(live_server.url + "/")
    links = page.locator("nav.sections a")
    assert links.count() >= 8
    assert len({round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}) == 1
    assert links.last.bounding_box()["x"] + links.last.bounding_box()["width"] > width  # it does scroll
    links.first.focus()
    for i in range(links.count()):
        if i:
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == links.nth(i).inner_text()
        box = links.nth(i).bounding_box()
        assert box["height"] >= 44, links.nth(i).inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, links.nth(i).inner_text()
    # the masthead leaves the screen to the news: brand and account links, search, menu
    assert page.locator("header.masthead").bounding_box()["height"] <= 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not violations(page)
    page.screenshot(path=str(tmp_path / f"home-{width}.png"), full_page=True)
    # on a desktop the same menu is one row, all of it on the screen
    page.set_viewport_size({"width": 1280, "height": 900})
    assert len({links.nth(i).bounding_box()["y"] for i in range(links.count())}) == 1
    assert all(links.nth(i).bounding_box()["x"] + links.nth(i).bounding_box()["width"] <= 1280
               for i in range(links.count()))
    page.screenshot(path=str(tmp_path / "home-desktop.png"), full_page=True)
    page.close()


def test_the_phone_menu_shows_and_marks_the_section_the_reader_is_in(browser, live_server):
    for name in SECTIONS:
        article(f"A report filed under {name}", section=name)
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + "/")
    assert page.locator("nav.sections a[aria-current=page]").inner_text() == "Top stories"
    last = page.locator("nav.sections a").last
    name = last.inner_text()
    last.click()
    current = page.locator("nav.sections a[aria-current=page]")
    assert current.inner_text() == name
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # scrolled to, not off the edge
    assert page.locator("nav.sections a[aria-current]").count() == 1
    page.close()


def test_a_long_live_blog_is_folded_behind_a_native_control(browser, live_server, tmp_path):
    entries = [f"{10 + i // 60}:{i % 60:02d} Update number {i}: the count goes on in the hall." for i in range(120)]
    item = article("Election night as it happened", body="\n\n".join(entries))
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + item.get_absolute_url())
    assert page.locator(".body p:visible").count() == FOLD_SHOWN
    folded_height = page.evaluate("document.documentElement.scrollHeight")
    summary = page.locator(".body details.fold summary")
    assert summary.inner_text() == "Show all 120 paragraphs"
    assert summary.bounding_box()["height"] >= 44
    page.screenshot(path=str(tmp_path / "liveblog-folded.png"), full_page=True)
    summary.click()
    assert page.locator(".body p:visible").count() == 120
    assert not violations(page)
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * folded_height
    page.close()


def test_a_usual_article_is_not_folded(browser, live_server):
    body = "\n\n".join(f"Paragraph {i} of a long read that a reader wants whole." for i in range(FOLD_OVER))
    item = article("A long read", body=body)
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + item.get_absolute_url())
    assert page.locator(".body p:visible").count() == FOLD_OVER
    assert page.locator("details.fold").count() == 0
    page.close()


def test_a_structured_article_and_a_live_blog_read_well_on_a_phone(browser, live_server, tmp_path):
    from broadsheet.extract import extract
    from tests.extract.pages import live_blog_page, structured_page
    from tests.web.test_article_body import live_blocks

    page = browser.new_page(viewport=PHONE)
    doc = extract(structured_page(), "https://news.example.org/2024/05/bridge")
    item = article(doc.title, body=doc.body, blocks=doc.blocks)
    page.goto(live_server.url + item.get_absolute_url())
    assert page.locator(".body h2").count() == 2 and page.locator(".body ul li").count() == 3
    assert page.locator(".body ol li").count() == 3 and page.locator(".body blockquote").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "structured-phone.png"), full_page=True)

    doc = extract(live_blog_page(), "https://news.example.org/2024/05/bridge-live")
    short = article(doc.title, body=doc.body, blocks=doc.blocks)
    page.goto(live_server.url + short.get_absolute_url())
    assert page.locator(".body section.entry time[datetime]").count() == 3
    page.screenshot(path=str(tmp_path / "liveblog-phone.png"), full_page=True)

    # 200 entries: a phone page of a few screens, not 20,000 px
    long = article("Live: the vote, all day", body="x", blocks=live_blocks(200))
    page.goto(live_server.url + long.get_absolute_url())
    folded = page.evaluate("document.documentElement.scrollHeight")
    summary = page.locator(".body > .entries > details.fold > summary")
    assert summary.inner_text() == "Show 197 more entries" and summary.bounding_box()["height"] >= 44
    page.screenshot(path=str(tmp_path / "liveblog-long-phone.png"), full_page=True)
    summary.click()
    entry = page.locator("details.entry > summary").nth(1)
    assert entry.bounding_box()["height"] >= 44
    assert not page.locator("details.entry").nth(1).locator("p").is_visible()
    entry.click()
    assert page.locator("details.entry").nth(1).locator("p").is_visible()
    assert not violations(page)
    entry.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "liveblog-long-open-phone.png"))
    assert folded < 6000, folded
    page.close()
