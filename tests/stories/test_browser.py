"""The story page and the article's story blocks in headless Chromium (screenshots kept
in the test's tmp dir to look at)."""

from __future__ import annotations

import pytest

from broadsheet.stories.models import Member

from .test_views import coverage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_goes_from_an_article_to_its_full_coverage(browser, live_server, coverage, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(live_server.url + coverage[0].get_absolute_url())
    assert page.locator(".also-published").inner_text().count("Partner Paper") == 1
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    page.locator(".story-link").get_by_role("link", name="See full coverage").click()
    story = Member.objects.get(article=coverage[0]).story
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.locator("h1.headline").inner_text() == story.headline
    assert page.locator(".source-group").count() == 3
    assert page.locator(".timeline li").count() == 3
    timeline = page.locator(".timeline li").first
    assert timeline.locator(".source").inner_text() == "Wire Service"
    assert page.locator(".story-columns").evaluate("e => getComputedStyle(e).display") == "grid"
    page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    page.goto(live_server.url + coverage[2].get_absolute_url())
    item = page.locator(".related-item").first
    assert item.locator(".source").inner_text() == "Il Giornale"  # another story: its own is "Full coverage"
    assert "ago" in item.locator("time").inner_text() and item.locator(".label").inner_text().lower() == "world"
    assert item.locator(".card-lead").inner_text().strip()
    page.locator(".related").screenshot(path=str(tmp_path / "related.png"))
    print(tmp_path)


def test_a_lone_report_keeps_its_sidebar_useful(browser, live_server, coverage, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(live_server.url + coverage[3].get_absolute_url())  # the budget story: one source so far
    sidebar = page.locator("aside.sidebar")
    assert "Only Wire Service has reported this so far" in sidebar.inner_text()
    assert sidebar.locator(".source-latest li").count() == 1  # the wire's quake report
    assert sidebar.bounding_box()["height"] > 100
    page.screenshot(path="/tmp/lone-sidebar.png", full_page=False)
