"""Cached anonymous pages served at the WSGI door, before Django's request handling.

PageCacheMiddleware (web/pagecache.py) already answers a cached page before the other
middleware, but a hit still paid for Django's handler around it: the request_started and
request_finished signals, a response object whose every replayed header is validated and
re-encoded, and the conversion back to WSGI. Measured in process that was ~450 µs of a
hit; this wrapper answers the same hit in a fraction of that (docs/benchmarks.md).

It decides exactly as the middleware does, with the page cache's own functions, so the
two cannot disagree:
- only GET and HEAD, only with page caching on, never where SecurityMiddleware would
  redirect to HTTPS;
- only for an anonymous reader (pagecache.is_anonymous: no session or messages cookie,
  no Authorization header);
- the key is pagecache's key (host, full path and whatever else it holds, such as a
  reader's language pick) under the current page version, so a version bump (a new
  article, story or comment) makes every entry unreachable (within a second in other processes, see pagecache._Local);
- only entries that went through the whole middleware stack once ("headers" present),
  so a fast-path answer carries the same CSP, X-Frame-Options, Cache-Control, ETag,
  Last-Modified and Vary headers as the page had when it was rendered.
Conditional requests are honoured (If-None-Match, else If-Modified-Since): 304, no body.
Anything it cannot decide cheaply (a bad Host header, say) goes to Django.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest

from broadsheet.web import pagecache

_REASONS = {200: "200 OK", 304: "304 Not Modified"}


def cached_entry(request) -> dict | None:
    """The stored page this request may be answered with, or None (the stack answers)."""
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None
    if not pagecache.is_anonymous(request):
        return None
    try:
        stored = pagecache.stored_page(pagecache._key(request, pagecache._version()))
    except Exception:  # DisallowedHost and the like: Django's answer, not ours
        return None
    return stored if stored is not None and "headers" in stored else None


class CachedPages:
    """WSGI middleware around Django's application (see the module's docstring)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            # A copy: WSGIRequest writes the decoded path back into the environ it is given,
            # and Django, handed that environ next, would then fail on any non-ASCII path.
            stored = cached_entry(WSGIRequest(environ.copy()))
            if stored is not None:
                return self._answer(environ, start_response, stored)
        return self.application(environ, start_response)

    @staticmethod
    def _answer(environ, start_response, stored: dict):
        headers = stored["headers"]
        if pagecache.not_modified(environ, headers):
            start_response(_REASONS[304], [(k, v) for k, v in headers.items() if k.lower() != "content-type"])
            return [b""]
        body = stored["content"]
        start_response(_REASONS[200], [*headers.items(), ("Content-Length", str(len(body)))])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
