"""The article page as a reader sees it, in headless Chromium."""

from __future__ import annotations

import pytest

from tests.web.factories import article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_sees_a_complete_article_page(browser, live_server, tmp_path):
    item = article(image="")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url + item.get_absolute_url())
    assert page.locator("h1.headline").inner_text() == "A parade without its guest"
    assert "Kim, Min Gyu" in page.locator(".byline").inner_text()
    assert "Former Senior official" in page.locator(".byline .role").inner_text()
    time = page.locator(".byline time").first
    assert time.inner_text().replace("\xa0", " ") == "2 hours ago" and time.get_attribute("title")
    assert page.locator(".body p").count() == 3
    assert page.locator("a.button").get_attribute("href") == item.url
    # the stylesheet loaded: the headline is set in the serif face, large
    assert float(page.locator("h1.headline").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) > 30
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    # on a phone the text column fits the screen
    page.set_viewport_size({"width": 390, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    assert not [e for e in errors if "Content Security Policy" in e or "404" in e]
    page.close()
