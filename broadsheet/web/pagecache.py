"""Whole pages for anonymous readers, from the default cache (Redis with REDIS_URL, else
this process's memory).

A reader with no session cookie (and no pending messages) is anonymous without a database
query, so a cached page costs at most two cache reads: the version and the page. The key holds a
version that `bump_version()` changes whenever a story is recounted or a comment changes
(and the reader's language pick from its cookie, web/languages.py), so a new article
shows within a second in every process that shares the cache; the timeout
(BROADSHEET_PAGE_CACHE_SECONDS) bounds staleness where it is not shared (the local-memory
default, where a task worker's bump does not reach the web processes).

Signed-in readers (a session cookie) always get a page rendered for them, marked
`private`; a page that used a CSRF token or set a cookie is never stored. Responses carry
ETag, Last-Modified and Cache-Control (`public, max-age` for anonymous pages), with
`Vary: Cookie` so a proxy never gives one reader's page to another.

With a cache other processes share (Redis), each process also keeps the pages it served
lately, and the version it read, for a second (`_Local`): a hit then costs no round trip
to the cache server, and a page version bumped elsewhere shows here within that second.

Why not Django's cache middleware: its key prefix is fixed, so it cannot drop every page
at once when a story changes (this version key does), and with `Vary: Cookie` it keeps one
entry per cookie value rather than one page shared by every cookieless reader.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from broadsheet.web import languages

VERSION_KEY = "pages:version"
LOCAL_BYTES = 8 * 1024 * 1024  # pages a process keeps in front of a shared cache: the busiest few hundred
VERSION_SECONDS = 1.0  # how long a process trusts the version it read from a shared cache


class _Local:
    """This process's copy of the pages it served lately, in front of a shared cache.

    Each hit on Redis cost two round trips (the version, then the page) and the unpickling of
    the page, so a cached page on Redis ran at a fraction of the rate it has in process memory.
    Entries are keyed by the whole key, version included, so a copy can only be of the page
    the shared cache holds under that key; it expires when that entry does ("at" + timeout),
    and the least recently used go first past LOCAL_BYTES. Not used over the local-memory
    cache, which is this process's memory already."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.pages: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self.version: tuple[float, str] | None = None  # (read at, monotonic; the version)
        self.lock = threading.Lock()  # a web process answers from several threads

    def get(self, key: str) -> dict | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            if found[0] <= time.time():
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return found[1]

    def put(self, key: str, stored: dict, seconds: float) -> None:
        size = len(stored["content"])
        if size > self.limit // 8:  # one huge page must not empty the rest
            return
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (stored["at"] + seconds, stored)
            self.size += size
            while self.size > self.limit:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        _, stored = self.pages.pop(key)
        self.size -= len(stored["content"])

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size, self.version = 0, None


_local = _Local(LOCAL_BYTES)


def _shared() -> bool:
    """Whether the page cache is one other processes share (not this process's memory)."""
    return settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"


def forget_local() -> None:
    """Drop this process's copies (tests that clear the shared cache call this too)."""
    _local.clear()


def bump_version() -> None:
    """Every cached page is stale from now on (a story, article or comment changed)."""
    version = uuid.uuid4().hex[:12]
    cache.set(VERSION_KEY, version, None)
    _local.version = (time.monotonic(), version)


def _version() -> str:
    shared = _shared()
    if shared:
        known = _local.version
        if known is not None and time.monotonic() - known[0] < VERSION_SECONDS:
            return known[1]
    found = cache.get(VERSION_KEY)
    if found is None:
        found = uuid.uuid4().hex[:12]
        cache.add(VERSION_KEY, found, None)
        found = cache.get(VERSION_KEY, found)
    if shared:
        _local.version = (time.monotonic(), found)
    return found


def stored_page(key: str) -> dict | None:
    """The page stored under `key`: this process's copy, else the cache's (then copied)."""
    if not _shared():
        return cache.get(key)
    found = _local.get(key)
    if found is None:
        found = cache.get(key)
        if found is not None and "headers" in found:  # only finished entries (see PageCacheMiddleware)
            _local.put(key, found, settings.PAGE_CACHE_SECONDS)
    return found


def store_page(key: str, stored: dict, seconds: int) -> None:
    cache.set(key, stored, seconds)
    if _shared() and "headers" in stored:
        _local.put(key, stored, seconds)


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
        stored = stored_page(key)
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
                stored = stored_page(_key(request, _version()))
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
            store_page(key, {**stored, "headers": headers}, seconds)
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
