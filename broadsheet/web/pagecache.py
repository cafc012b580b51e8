"""Whole pages for anonymous readers, from the default cache (Redis with REDIS_URL, else
this process's memory).

A reader with no session cookie (and no pending messages) is anonymous without a database
query, so a cached page costs two cache reads: the version and the page. The key holds a
version that `bump_version()` changes whenever a story is recounted or a comment changes
(and the reader's language pick from its cookie, web/languages.py), so a new article
shows at the next request in every process that shares the cache; the timeout
(BROADSHEET_PAGE_CACHE_SECONDS) bounds staleness where it is not shared (the local-memory
default, where a task worker's bump does not reach the web processes).

Signed-in readers (a session cookie) always get a page rendered for them, marked
`private`; a page that used a CSRF token or set a cookie is never stored. Responses carry
ETag, Last-Modified and Cache-Control (`public, max-age` for anonymous pages), with
`Vary: Cookie` so a proxy never gives one reader's page to another.

Why not Django's cache middleware: its key prefix is fixed, so it cannot drop every page
at once when a story changes (this version key does), and with `Vary: Cookie` it keeps one
entry per cookie value rather than one page shared by every cookieless reader.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from broadsheet.web import languages

VERSION_KEY = "pages:version"


def bump_version() -> None:
    """Every cached page is stale from now on (a story, article or comment changed)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex[:12], None)


def _version() -> str:
    found = cache.get(VERSION_KEY)
    if found is None:
        found = uuid.uuid4().hex[:12]
        cache.add(VERSION_KEY, found, None)
        found = cache.get(VERSION_KEY, found)
    return found


def is_anonymous(request) -> bool:
    """No session cookie, no messages waiting and no credentials: nothing on the page can be
    this reader's own."""
    return (settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META)


def _key(request, version: str) -> str:
    # The reader's language pick from its cookie is part of the page (a `?lang=` is in the path).
    picked = languages.cache_part(request)
    digest = hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}|{picked}".encode()).hexdigest()[:32]
    return f"page:{version}:{digest}"


def _storable(request, response) -> bool:
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not request.META.get("CSRF_COOKIE_USED")
            and not response.has_header("Cache-Control"))


def not_modified(meta: dict, headers: dict) -> bool:
    """A conditional GET the stored page satisfies (RFC 9110 13.2.2): If-None-Match decides
    when present (weak comparison), else If-Modified-Since against Last-Modified."""
    wanted = meta.get("HTTP_IF_NONE_MATCH")
    if wanted:
        etag = headers.get("ETag", "").removeprefix("W/")
        return wanted.strip() == "*" or (bool(etag) and etag in [t.strip().removeprefix("W/") for t in wanted.split(",")])
    if not meta.get("HTTP_IF_MODIFIED_SINCE"):
        return False
    since = parse_http_date_safe(meta["HTTP_IF_MODIFIED_SINCE"])
    modified = parse_http_date_safe(headers.get("Last-Modified", ""))
    return since is not None and modified is not None and modified <= since


def _public(response, seconds: int) -> None:
    response["Cache-Control"] = f"public, max-age={seconds}"
    patch_vary_headers(response, ["Cookie"])


def _answer(request, stored: dict, seconds: int):
    if not_modified(request.META, {"ETag": stored["etag"], "Last-Modified": http_date(stored["at"])}):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(stored["content"], status=200, content_type=stored["content_type"])
    response["ETag"] = stored["etag"]
    response["Last-Modified"] = http_date(stored["at"])
    _public(response, seconds)
    return response


def cache_anonymous(view):
    """Serve anonymous GET/HEAD requests of `view` from the page cache."""

    @wraps(view)
    def cached(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method not in ("GET", "HEAD") or seconds <= 0:
            return view(request, *args, **kwargs)
        if not is_anonymous(request):
            response = view(request, *args, **kwargs)
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "private, no-cache"
            patch_vary_headers(response, ["Cookie"])
            return response
        key = _key(request, _version())
        stored = cache.get(key)
        if stored is not None:
            return _answer(request, stored, seconds)
        response = view(request, *args, **kwargs)
        if not _storable(request, response):
            patch_vary_headers(response, ["Cookie"])
            return response
        stored = {"content": response.content, "content_type": response["Content-Type"], "at": time.time(),
                  "etag": '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'}
        cache.set(key, stored, seconds)
        answer = _answer(request, stored, seconds)
        answer.page_cache_entry = (key, stored)  # PageCacheMiddleware adds the stack's final headers to it
        return answer

    return cached


_HOP = {"set-cookie", "content-length", "connection"}


class PageCacheMiddleware:
    """First in MIDDLEWARE: answers an anonymous GET whose page is cached before any other
    middleware runs (sessions, CSRF, CSP, accounts), replaying the headers the whole stack
    gave that page when it was stored. A hit then costs two cache reads; through the view
    decorator alone it cost the whole middleware stack as well."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        redirect = settings.SECURE_SSL_REDIRECT and not request.is_secure()  # SecurityMiddleware's to answer
        if request.method in ("GET", "HEAD") and seconds > 0 and not redirect and is_anonymous(request):
            try:
                stored = cache.get(_key(request, _version()))
            except Exception:  # a bad Host header and the like: let the stack answer it
                stored = None
            if stored is not None and "headers" in stored:
                return self._replay(request, stored)
        response = self.get_response(request)
        entry = getattr(response, "page_cache_entry", None)
        if entry and response.status_code == 200 and not response.cookies:
            # The same entry the view stored (one copy of each page), now with its final headers.
            key, stored = entry
            headers = {k: v for k, v in response.items() if k.lower() not in _HOP}
            cache.set(key, {**stored, "headers": headers}, seconds)
        return response

    @staticmethod
    def _replay(request, stored):
        headers = stored["headers"]
        if not_modified(request.META, headers):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(stored["content"])
        for name, value in headers.items():
            if response.status_code == 304 and name.lower() == "content-type":
                continue
            response[name] = value
        return response
