"""Related articles and the language picker in headless Chromium, on a desktop and a phone,
through axe-core; screenshots kept in the test's tmp dir to look at."""

from __future__ import annotations

import pytest

from broadsheet.stories import pipeline
from broadsheet.stories.models import Member
from tests.a11y import violations
from tests.stories.conftest import _fresh_lsh_cache, article, at, source  # noqa: F401  (fixtures)
from tests.stories.test_views import coverage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _lead(page) -> str:
    """The home page's top stories and Latest blocks, as text."""
    return page.locator("section.top-stories").inner_text() + page.locator("section.top").inner_text()


@pytest.fixture
def site(coverage, at):  # noqa: F811
    """The coverage stories (English) and a Swedish story, the newest of all."""
    swedish = article("Riksdagen röstar om budgeten", "Riksdagen röstade på onsdagen om regeringens budget för "
                      "nästa år, efter en lång debatt.", topic="riksdag", publisher=source("Sydsvenskan", "SE"),
                      at=at(hours=8), language="sv", section="Politics")
    for item in [*coverage, swedish]:
        item.refresh_from_db()
        pipeline.process_article(item)
    return coverage, swedish


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_reader_sees_related_articles_and_picks_a_language(browser, live_server, site, size, tmp_path):
    coverage, swedish = site
    quake = Member.objects.get(article=coverage[0]).story.headline  # chosen among its reports' headlines
    page = browser.new_page(viewport=SIZES[size])
    # Related on the lone report's page: another story, with its source and how long ago.
    page.goto(live_server.url + coverage[2].get_absolute_url())
    item = page.locator(".related-item").first
    assert item.locator(".source").inner_text() == "Il Giornale"
    assert item.locator("time").inner_text().endswith("ago")
    assert not violations(page)
    page.locator(".related").screenshot(path=str(tmp_path / f"related-{size}.png"))
    # The home page leads in English; the Swedish story has a block of its own.
    page.goto(live_server.url + "/")
    leading = _lead(page)
    assert swedish.title not in leading and quake in leading and "Etna sends ash" in leading
    other = page.locator("section.other-languages")
    assert swedish.title in other.inner_text() and other.locator('[lang="sv"]').count() >= 1
    assert not violations(page)
    page.screenshot(path=str(tmp_path / f"home-{size}.png"), full_page=True)
    # Pick Swedish: every list from now on shows it alone, until the reader picks again.
    page.get_by_label("Languages").select_option("sv")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(live_server.url + "/")
    assert swedish.title in _lead(page)  # alone in Swedish: the latest, as top stories "as of"
    assert quake not in page.locator("main").inner_text()
    page.goto(live_server.url + "/section/politics/")
    assert page.locator(".list .card").count() == 1 and page.locator('.card[lang="sv"]').count() == 1
    assert page.get_by_label("Languages").input_value() == "sv"
    assert not violations(page)
    page.screenshot(path=str(tmp_path / f"section-sv-{size}.png"), full_page=True)
    page.get_by_label("Languages").select_option("")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(live_server.url + "/section/politics/")
    assert page.locator('.card[lang="sv"] .language').inner_text() == "Svenska"  # every language again, marked
    page.goto(live_server.url + "/")
    assert "Etna sends ash" in _lead(page)
    page.goto(live_server.url + swedish.get_absolute_url())
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.close()
    print(tmp_path)
