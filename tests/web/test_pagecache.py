"""Anonymous readers get whole cached pages; signed-in readers never share them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone

from broadsheet.web.pagecache import cache_anonymous
from tests.web.factories import article, story_of

pytestmark = pytest.mark.django_db


def _reader(name="alice"):
    return get_user_model().objects.create_user(name, f"{name}@example.org", "a-long-password-1",
                                                date_joined=timezone.now() - timedelta(days=30))


@pytest.mark.parametrize("url", ["/", "/section/news/", "/source/{source}/", "/article/{article}/", "/story/{story}/"])
def test_a_second_anonymous_view_of_a_page_does_no_database_query(client, django_assert_num_queries, url):
    item = article("Parade held")
    url = url.format(source=item.source_id, article=item.pk, story=item.story_member.story_id)
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"].startswith("public, max-age=")
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_a_new_article_shows_on_the_next_anonymous_view(client):
    article("Parade held", hours_ago=3)
    assert "Budget passes" not in client.get("/").content.decode()
    article("Budget passes", section="Politics", hours_ago=1)
    assert "Budget passes" in client.get("/").content.decode()


def test_a_new_comment_shows_on_the_next_anonymous_view(client):
    from broadsheet.community.models import CommunitySettings
    from broadsheet.community.services import post_comment

    CommunitySettings.objects.update_or_create(pk=1, defaults={"premoderate_first": 0})
    item = article("Parade held")
    assert "comment-count" not in client.get("/").content.decode()
    post_comment(_reader(), item, "A fair summary.")
    assert "1 comment<" in client.get("/").content.decode()


def test_pages_expire_within_the_configured_time(client, settings):
    settings.PAGE_CACHE_SECONDS = 45
    article("Parade held")
    assert client.get("/")["Cache-Control"] == "public, max-age=45"
    settings.PAGE_CACHE_SECONDS = 0  # off: every view is rendered
    assert not client.get("/").has_header("ETag")


def test_a_signed_in_reader_never_gets_the_anonymous_page_nor_the_reverse(client):
    item = article("Parade held")
    anonymous = client.get(item.get_absolute_url())
    assert "Log in" in anonymous.content.decode()
    client.force_login(_reader())
    mine = client.get(item.get_absolute_url())
    assert "Log out" in mine.content.decode() and "Your comment" in mine.content.decode()
    assert mine["Cache-Control"] == "private, no-cache" and "Cookie" in mine["Vary"]
    client.logout()
    again = client.get(item.get_absolute_url()).content.decode()
    assert "Log out" not in again and "alice" not in again and "csrfmiddlewaretoken" not in again


def test_an_unchanged_page_answers_304_to_its_etag(client):
    article("Parade held")
    etag = client.get("/")["ETag"]
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag and not response.content
    assert client.get("/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_page_with_a_csrf_token_is_never_stored_for_the_next_reader():
    @cache_anonymous
    def form_page(request):
        return HttpResponse(f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>')

    first = form_page(RequestFactory().get("/form/"))
    second = form_page(RequestFactory().get("/form/"))
    assert first.content != second.content  # each reader gets a token of their own
    assert not first.has_header("ETag") and "public" not in first.get("Cache-Control", "")


def test_a_page_without_a_token_is_stored():
    calls = []

    @cache_anonymous
    def plain(request):
        calls.append(1)
        return HttpResponse("<p>news</p>")

    plain(RequestFactory().get("/plain/"))
    plain(RequestFactory().get("/plain/"))
    assert len(calls) == 1


def test_a_story_card_change_shows_at_once(client):
    first = article("Parade held", hours_ago=3)
    assert "Full coverage" not in client.get("/section/news/").content.decode()
    story_of(first, article("Leader stays away", hours_ago=2))
    assert "Full coverage" in client.get("/section/news/").content.decode()


def test_a_page_served_from_the_cache_carries_the_security_headers_of_the_first(client):
    article("Parade held")
    first = client.get("/")
    second = client.get("/")
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                 "Cache-Control", "ETag", "Vary", "Content-Type"):
        assert second[name] == first[name], name
    assert "Set-Cookie" not in str(second.serialize_headers())


def test_plain_http_is_still_redirected_when_https_is_required(client, settings):
    article("Parade held")
    client.get("/", secure=True)
    settings.SECURE_SSL_REDIRECT = True
    from django.test import Client

    response = Client().get("/")  # a new handler: SecurityMiddleware reads the setting when built
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_a_cached_page_is_answered_before_the_rest_of_the_middleware_runs(client, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    article("Parade held")
    client.get("/")
    calls = []
    real = SessionMiddleware.process_request
    monkeypatch.setattr(SessionMiddleware, "process_request", lambda self, request: calls.append(1) or real(self, request))
    assert client.get("/").status_code == 200
    assert calls == []


def test_a_page_is_kept_once_in_the_cache(client):
    from django.core.cache import cache

    from broadsheet.web.pagecache import _key, _version

    article("Parade held")
    client.get("/")
    assert client.get("/").status_code == 200
    stored = cache.get(_key(RequestFactory().get("/"), _version()))
    assert stored is not None and "headers" in stored  # the view's own entry, completed by the middleware


def test_the_version_moves_again_when_a_story_change_commits(django_capture_on_commit_callbacks):
    from broadsheet.stories.store import refresh
    from broadsheet.web.pagecache import _version

    item = article("Parade held")
    with django_capture_on_commit_callbacks(execute=True):
        refresh(item.story_member.story_id)
        during = _version()  # a page rendered now, before the commit, is stored under this one
    assert _version() != during


@pytest.mark.parametrize("url", ["/search/?q=parade", "/api/search?q=parade", "/tag/{tag}/"])
def test_search_and_tag_pages_are_cached_for_anonymous_readers_too(client, django_assert_num_queries, url):
    from broadsheet.enrich.models import ArticleTag, Tag

    item = article("Parade held")
    ArticleTag.objects.create(article=item, tag=Tag.objects.create(key="parade", name="Parade"))
    url = url.format(tag="parade")
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"].startswith("public, max-age=")
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
