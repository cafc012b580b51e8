"""A reader in headless Chromium: the AI panel fills in without a reload and answers with citations."""

from __future__ import annotations

import pytest

from broadsheet.enrich.embeddings import embed_article
from broadsheet.enrich.pipeline import enrich_article

from .conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("minilm_ready")]


@pytest.fixture(autouse=True)
def _no_llm(monkeypatch):
    monkeypatch.delenv("BROADSHEET_LLM_URL", raising=False)


def test_a_reader_asks_about_the_story_and_sees_a_cited_answer(browser, live_server):
    article = make_article()
    embed_article(article)
    enrich_article(article)
    page = browser.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator(".hashtags").get_by_text("#KimJongUn").count() == 1
    page.get_by_label("Ask about this story").fill("How many countries sent delegations?")
    page.get_by_role("button", name="Ask").click()
    citation = page.locator(".ai-answer .citation").first
    citation.wait_for(timeout=15000)
    assert "27 countries" in page.locator(".ai-answer-text").inner_text()
    assert "27 countries" in citation.inner_text()
    assert citation.get_attribute("href").startswith(article.get_absolute_url() + "#:~:text=")
    assert page.url == live_server.url + article.get_absolute_url()  # no navigation happened

    page.get_by_label("Ask about this story").fill("Who won the cricket?")
    page.get_by_role("button", name="Ask").click()
    page.locator(".ai-notfound").wait_for(timeout=15000)
    assert "can't find that in the coverage" in page.locator(".ai-answer").inner_text()


def test_the_panel_shows_a_placeholder_then_fills_in_without_a_reload(browser, live_server, monkeypatch):
    article = make_article(n=3)

    def enrich_now(pk):  # stands in for the task worker
        embed_article(article)
        enrich_article(article)

    monkeypatch.setattr("broadsheet.enrich.tasks.queue_enrichment", enrich_now)
    page = browser.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.locator(".ai-points").wait_for(timeout=20000)
    assert page.locator(".ai-gist").count() == 1
    assert "#VictoryDay" in page.locator(".hashtags").inner_text()
