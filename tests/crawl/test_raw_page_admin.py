"""The admin says whether an article has its raw page, and what was kept."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from broadsheet.crawl.models import RawPage
from tests.crawl.stored import stored_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    alice = get_user_model().objects.create_user("alice", "alice@example.org", "a-long-password-1",
                                                 is_staff=True, is_superuser=True)
    client.force_login(alice)
    return client


def test_the_article_list_shows_which_articles_have_their_raw_page(server, staff_client):
    kept = stored_article(server, "/news/a", "Tram line story")
    lost = stored_article(server, "/news/b", "Another tram story", paragraphs=["A different opening sentence here.",
                                                                             "And a second paragraph of its own."])
    RawPage.objects.filter(pk=lost.pk).delete()
    page = staff_client.get("/admin/articles/article/").content.decode()
    assert "Raw page" in page
    rows = {title: row for row in page.split("<tr")[1:] for title in (kept.title, lost.title) if title in row}
    assert 'alt="True"' in rows[kept.title] and 'alt="False"' in rows[lost.title]


def test_the_article_page_describes_its_raw_page(server, staff_client):
    article = stored_article(server, "/news/a", "Tram line story")
    page = staff_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f"/admin/crawl/rawpage/{article.pk}/change/" in page
    assert "fetched " in page and "HTTP 200" in page and "text/html; charset=utf-8" in page
    RawPage.objects.all().delete()
    page = staff_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "none kept" in page


def test_the_raw_page_list_and_page_are_read_only(server, staff_client):
    article = stored_article(server, "/news/a", "Tram line story")
    assert staff_client.get("/admin/crawl/rawpage/").status_code == 200
    page = staff_client.get(f"/admin/crawl/rawpage/{article.pk}/change/").content.decode()
    assert "text/html; charset=utf-8" in page and "Save" not in page
    assert staff_client.post(f"/admin/crawl/rawpage/{article.pk}/change/", {}).status_code == 403
