"""The search box, the results page and the 404 page in headless Chromium, desktop and phone."""

from __future__ import annotations

import pytest

from tests.web.factories import article, source, story_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 800)}


@pytest.fixture
def news():
    a = article("Rocket launch delayed by high winds", hours_ago=3, image="", language="en",
                publisher=source("Space Daily", "https://space.example/"))
    b = article("High winds ground the rocket for a second day", hours_ago=2, image="", language="en",
                publisher=source("Wire", "https://wire.example/"))
    story = story_of(a, b)
    article("Wind farm opens offshore", hours_ago=1, image="", section="Business", language="en")
    return story


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("device", WIDTHS)
def test_a_reader_searches_from_the_masthead_and_sees_one_card_per_story(browser, live_server, news, tmp_path, device):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Search the news")
    assert box.is_visible() and box.bounding_box()["height"] >= 44
    box.fill("wind")
    box.press("Enter")
    page.wait_for_url("**/search/?q=wind")
    cards = page.locator(".search-results .card")
    assert cards.count() == 2
    assert page.get_by_role("link", name="Full coverage · 2 sources, 2 articles ›").is_visible()
    assert page.get_by_role("searchbox", name="Words to search for").input_value() == "wind"
    _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"search-{device}.png"), full_page=True)
    # a filter narrows the list
    page.get_by_role("combobox", name="Section").select_option("business")
    page.get_by_role("button", name="Search").last.click()
    page.wait_for_url("**section=business**")
    assert page.locator(".search-results .card").count() == 1
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_an_unknown_address_shows_the_finished_404_page(browser, live_server, tmp_path, device):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    response = page.goto(live_server.url + "/no/such/page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "This page is not here"
    assert page.get_by_role("navigation", name="Sections").is_visible()
    assert page.get_by_role("searchbox", name="Search the news").first.is_visible()
    assert page.get_by_role("link", name="Go to the front page").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"404-{device}.png"), full_page=True)
    page.close()
