"""The article's story blocks on a phone (390 px) in headless Chromium: coverage and related
come before the comments, on screen and in the source order a screen reader follows."""

from __future__ import annotations

import pytest

from tests.a11y import violations

from .test_views import coverage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_full_coverage_and_related_come_before_the_comments(browser, live_server, coverage, tmp_path):  # noqa: F811
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + coverage[2].get_absolute_url())
    top = {name: page.locator(selector).first.bounding_box()["y"]
           for name, selector in (("coverage", ".story-link"), ("related", ".related"), ("comments", "#comments"))}
    assert top["coverage"] < top["related"] < top["comments"]
    # and in the source order too, which is what a screen reader reads
    order = page.evaluate("""() => ['.story-link', '.related', '#comments'].map(
        s => [...document.querySelectorAll('*')].indexOf(document.querySelector(s)))""")
    assert order == sorted(order) and -1 not in order
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not violations(page)
    page.screenshot(path=str(tmp_path / "article-phone.png"), full_page=True)
    # on a wide screen the coverage sits in the right-hand column, level with the article
    page.set_viewport_size({"width": 1280, "height": 900})
    sidebar, body = page.locator("aside.sidebar").bounding_box(), page.locator("article.article").bounding_box()
    assert sidebar["x"] > body["x"] + body["width"] and abs(sidebar["y"] - body["y"]) < 5
    page.screenshot(path=str(tmp_path / "article-desktop.png"), full_page=True)
    page.close()
