"""The WSGI fast path (web/fastpage.py): cached anonymous pages before Django's handler,
decided exactly as the page cache decides."""

from __future__ import annotations

import io
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from broadsheet.web import pagecache
from broadsheet.web.fastpage import CachedPages
from tests.web.factories import article

pytestmark = pytest.mark.django_db


class Site:
    """The production WSGI stack (CachedPages around Django's handler), counting the
    requests that reached Django."""

    def __init__(self):
        self.django = WSGIHandler()
        self.reached = 0

        def counted(environ, start_response):
            self.reached += 1
            return self.django(environ, start_response)

        self.app = CachedPages(counted)

    def get(self, path="/", method="GET", **headers):
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path.split("?")[0],
                   "QUERY_STRING": path.partition("?")[2], "SERVER_NAME": "testserver", "SERVER_PORT": "80",
                   "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http",
                   "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.errors": sys.stderr}
        environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        chunks = self.app(environ, start_response)
        answer["body"] = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
        return answer


@pytest.fixture
def site():
    # As Django's test client does: a request must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Site()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _warm(site, path="/"):
    site.get(path)  # rendered and stored by the view
    site.reached = 0


def test_a_cached_anonymous_page_is_answered_without_reaching_django(site):
    article("Parade held")
    first = site.get("/")
    site.reached = 0
    second = site.get("/")
    assert site.reached == 0
    assert second["status"] == 200 and second["body"] == first["body"] and b"Parade held" in second["body"]
    assert second["headers"]["Content-Length"] == str(len(second["body"]))


def test_a_fast_answer_carries_the_security_and_cache_headers_of_the_rendered_page(site):
    article("Parade held")
    first = site.get("/")
    second = site.get("/")
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                 "Cross-Origin-Opener-Policy", "Cache-Control", "ETag", "Last-Modified", "Vary", "Content-Type"):
        assert second["headers"][name] == first["headers"][name], name
    assert second["headers"]["Cache-Control"].startswith("public, max-age=")
    assert "Set-Cookie" not in second["headers"]


def test_a_signed_in_reader_never_gets_the_cached_anonymous_page(site):
    item = article("Parade held")
    _warm(site, item.get_absolute_url())
    reader = get_user_model().objects.create_user("alice", "alice@example.org", "a-long-password-1",
                                                  date_joined=timezone.now() - timedelta(days=30))
    client = Client()
    client.force_login(reader)
    session = client.cookies["sessionid"].value
    mine = site.get(item.get_absolute_url(), cookie=f"sessionid={session}")
    assert site.reached == 1
    assert "Log out" in mine["body"].decode() and mine["headers"]["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("headers", [{"cookie": "sessionid=made-up"}, {"cookie": "messages=x"},
                                     {"authorization": "Bearer secret"}])
def test_a_request_with_credentials_or_messages_goes_to_django(site, headers):
    article("Parade held")
    _warm(site)
    site.get("/", **headers)
    assert site.reached == 1


def test_other_cookies_still_get_the_shared_page(site):
    article("Parade held")
    _warm(site)
    assert site.get("/", cookie="csrftoken=abc; theme=dark")["status"] == 200
    assert site.reached == 0


def test_a_new_article_shows_on_the_next_request(site):
    article("Parade held", hours_ago=3)
    _warm(site)
    article("Budget passes", section="Politics", hours_ago=1)
    assert b"Budget passes" in site.get("/")["body"]
    assert site.reached == 1


def test_a_page_is_not_served_past_the_configured_time(site, settings, monkeypatch):
    import django.core.cache.backends.locmem as locmem

    if settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache":
        pytest.skip("the clock is moved for the local-memory cache only")
    settings.PAGE_CACHE_SECONDS = 45
    article("Parade held")
    _warm(site)
    now = locmem.time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + 46)
    site.get("/")
    assert site.reached == 1


def test_page_caching_off_turns_the_fast_path_off(site, settings):
    article("Parade held")
    _warm(site)
    settings.PAGE_CACHE_SECONDS = 0
    site.get("/")
    assert site.reached == 1


def test_the_fast_path_keys_pages_with_the_page_caches_own_key(site, monkeypatch):
    """A reader's preference that the page cache puts in its key (a language pick, say)
    keeps readers apart here too: both paths call pagecache._key."""
    real = pagecache._key
    monkeypatch.setattr(pagecache, "_key",
                        lambda request, version: real(request, version) + ":" + request.COOKIES.get("lang", ""))
    article("Parade held")
    site.get("/", cookie="lang=sv")
    site.reached = 0
    site.get("/", cookie="lang=sv")
    assert site.reached == 0
    site.get("/", cookie="lang=en")
    assert site.reached == 1


def test_an_unchanged_page_answers_304_to_its_etag_or_its_date(site):
    article("Parade held")
    first = site.get("/")
    etag, modified = first["headers"]["ETag"], first["headers"]["Last-Modified"]
    site.reached = 0
    for headers in ({"if_none_match": etag}, {"if_none_match": f'"other", W/{etag}'},
                    {"if_modified_since": modified}):
        answer = site.get("/", **headers)
        assert answer["status"] == 304 and answer["body"] == b"", headers
        assert answer["headers"]["ETag"] == etag and "Content-Type" not in answer["headers"]
    assert site.get("/", if_none_match='"other"')["status"] == 200
    earlier = http_date(pagecache.parse_http_date_safe(modified) - 60)
    assert site.get("/", if_modified_since=earlier)["status"] == 200
    # If-None-Match decides when both are sent
    assert site.get("/", if_none_match='"other"', if_modified_since=modified)["status"] == 200
    assert site.reached == 0


def test_head_gets_the_headers_without_the_body(site):
    article("Parade held")
    first = site.get("/")
    answer = site.get("/", method="HEAD")
    assert answer["status"] == 200 and answer["body"] == b""
    assert answer["headers"]["Content-Length"] == str(len(first["body"]))


def test_a_non_ascii_path_reaches_django_intact(site):
    article("Parade held")
    path = "/tag/\u0100rger/".encode().decode("latin-1")  # as a WSGI server passes it
    for _ in range(2):
        assert site.get(path)["status"] == 404  # no such tag, answered by Django, twice


def test_a_post_goes_to_django(site):
    article("Parade held")
    _warm(site)
    site.get("/", method="POST")
    assert site.reached == 1


def test_a_bad_host_goes_to_django_and_gets_its_answer(site):
    article("Parade held")
    _warm(site)
    assert site.get("/", host="evil.example")["status"] == 400
    assert site.reached == 1


def test_plain_http_is_redirected_by_django_when_https_is_required(site, settings):
    article("Parade held")
    _warm(site)
    settings.SECURE_SSL_REDIRECT = True
    site.get("/")
    assert site.reached == 1
