"""Every page type through axe-core in Chromium, at a desktop and a phone width: no
moderate, serious or critical violation (tests/a11y.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from broadsheet.enrich.models import ArticleTag
from broadsheet.enrich.pipeline import enrich_article, summarize_story_of
from broadsheet.extract import extract
from broadsheet.stories.models import Member
from tests.a11y import violations
from tests.stories.conftest import _fresh_lsh_cache, at  # noqa: F401  (fixtures)
from tests.extract.pages import live_blog_page, structured_page
from tests.stories.test_views import coverage  # noqa: F401  (fixture)
from tests.web.factories import article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(coverage):  # noqa: F811
    """The coverage fixture's stories, enriched (sections, tags, summaries) as the pipeline would."""
    for item in coverage:
        item.refresh_from_db()
        enrich_article(item)
        summarize_story_of(item)
    lead = coverage[0]
    tag = ArticleTag.objects.filter(article=lead).select_related("tag").first()
    pages = {}
    for name, html in (("structured article", structured_page()), ("live blog", live_blog_page())):
        doc = extract(html, "https://news.example.org/2024/05/bridge")
        pages[name] = article(doc.title, body=doc.body, blocks=doc.blocks).get_absolute_url()
    return {
        "home": "/",
        "section": reverse("web:section", args=["world"]),
        "article": lead.get_absolute_url(),
        **pages,  # subheads, lists, a quote; live-blog entries, one folded
        "story": Member.objects.get(article=lead).story.get_absolute_url(),
        "source": reverse("web:source", args=[lead.source_id]),
        "tag": reverse("enrich:tag", args=[tag.tag.name]) if tag else None,
        "search": reverse("search:page") + "?q=quake",
        "not found": "/no/such/page/",
        "log in": "/accounts/login/",
        "sign up": "/accounts/signup/",
    }


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_every_page_type_passes_axe(browser, live_server, site, width):
    assert site["tag"], "the enrichment gave the lead article no tag: the tag page goes unchecked"
    page = browser.new_page(viewport={"width": width, "height": 900})
    found = {}
    for name, path in site.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")  # the AI panel fills in by a fetch
        found[name] = violations(page)
    page.close()
    assert {name: v for name, v in found.items() if v} == {}
