"""The screens around the news: the 404 and 500 pages, the story timeline's dates."""

from __future__ import annotations

from datetime import datetime, timezone as dt_timezone

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from tests.web.factories import article, story_of


@pytest.mark.django_db
def test_an_unknown_address_gets_a_404_page_with_the_masthead_search_and_phone_viewport(client):
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'class="masthead"' in page and 'aria-label="Sections"' in page and 'role="search"' in page
    assert "This page is not here" in page and "/no/such/page/" in page


@pytest.mark.django_db
def test_a_missing_article_gets_the_same_404_page(client):
    response = client.get("/article/999999/")
    assert response.status_code == 404 and "This page is not here" in response.content.decode()


def test_the_500_page_renders_without_a_database_or_request_context():
    # No django_db mark: any query here raises, as it would with the database down.
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert 'class="masthead"' in page and "Something went wrong on our side" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "/static/web/site.css" in page


@pytest.mark.django_db
def test_the_timeline_shows_the_year_of_an_article_from_another_year_only(client):
    now = timezone.now()
    old = article("Treaty signed", published=datetime(2019, 11, 18, 17, 19, tzinfo=dt_timezone.utc),
                  url="https://daily.example/2019")
    recent = article("Treaty anniversary", published=now.replace(month=1, day=2, hour=9, minute=5) if now.month > 1
                     else now.replace(day=1, hour=0, minute=1), url="https://daily.example/now")
    story = story_of(old, recent)
    page = client.get(story.get_absolute_url()).content.decode()
    assert ">18 Nov 2019, 17:19</time>" in page
    expected = recent.published.strftime("%-d %b, %H:%M")
    assert f">{expected}</time>" in page
