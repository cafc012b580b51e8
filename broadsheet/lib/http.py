"""The one HTTP client every fetch goes through.

Bounded in time, bytes and redirects; refuses private and loopback addresses unless
allowed; at most N requests in flight per host; retries transient failures with
exponential backoff; sends conditional GET headers; honours robots.txt for pages.
Each failure is a FetchError whose `kind` is short and stable ("timeout",
"too_large", "http_404", ...), so the crawler can count and store it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections import defaultdict
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.cache import cache

from broadsheet.lib.once import once


class FetchError(Exception):
    def __init__(self, kind: str, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait (429/503)

    def __str__(self) -> str:
        return f"{self.kind}: {self.args[0]}"


TRANSIENT = {"timeout", "connection", "http_5xx", "http_429"}
MAX_INLINE_WAIT = 10.0  # seconds a retry may wait inside one fetch


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


_host_slots: dict[str, threading.BoundedSemaphore] = defaultdict(
    lambda: threading.BoundedSemaphore(settings.FETCH["per_host"])
)
_host_lock = threading.Lock()


def _slot(host: str) -> threading.BoundedSemaphore:
    with _host_lock:
        return _host_slots[host]


@once
def client() -> httpx.Client:
    conf = settings.FETCH
    return httpx.Client(
        timeout=httpx.Timeout(conf["timeout"], connect=min(conf["timeout"], 10)),
        follow_redirects=False,  # followed by hand: each hop is checked and counted
        headers={"User-Agent": conf["user_agent"], "Accept-Encoding": "gzip, deflate, br"},
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )


def check_address(url: str, allow_private: bool | None = None) -> None:
    """Refuse non-HTTP schemes and hosts that resolve to private or loopback addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("bad_url", f"only http(s) URLs can be fetched, not {url!r}")
    if not parts.hostname:
        raise FetchError("bad_url", f"no host in {url!r}")
    if allow_private is None:
        allow_private = settings.FETCH["allow_private"]
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError("dns", f"cannot resolve {parts.hostname}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchError("private_address", f"{parts.hostname} resolves to non-public address {address}")


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _caused_by(exc: BaseException, kind: type) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _once(url: str, headers: dict[str, str], max_bytes: int) -> Response:
    host = urlsplit(url).hostname or ""
    with _slot(host):
        try:
            timeout = settings.FETCH["timeout"]
            with client().stream("GET", url, headers=headers, timeout=httpx.Timeout(timeout, connect=min(timeout, 10))) as r:
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError("too_large", f"{url} declares {int(declared):,} bytes (cap {max_bytes:,})")
                chunks, size = [], 0
                if not r.is_redirect and r.status_code != 304:
                    for chunk in r.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError("too_large", f"{url} is larger than the cap of {max_bytes:,} bytes")
                        chunks.append(chunk)
                return Response(url=str(r.url), status=r.status_code, headers=r.headers, content=b"".join(chunks))
        except httpx.TimeoutException:
            raise FetchError("timeout", f"{url} timed out") from None
        except httpx.DecodingError as exc:
            raise FetchError("bad_encoding", f"{url}: cannot decode body: {exc}") from None
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            if _caused_by(exc, socket.gaierror):
                raise FetchError("dns", f"cannot resolve {host}: {exc}") from None
            raise FetchError("connection", f"{url}: {exc.__class__.__name__}: {exc}") from None


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int | None = None,
    allow_private: bool | None = None,
    retries: int | None = None,
    backoff: float | None = None,
) -> Response:
    """GET a URL within every bound. Raises FetchError; returns 2xx or 304 responses only."""
    conf = settings.FETCH
    max_bytes = conf["max_bytes"] if max_bytes is None else max_bytes
    retries = conf["retries"] if retries is None else retries
    backoff = conf.get("backoff", 1.0) if backoff is None else backoff
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    attempt = 0
    while True:
        try:
            return _follow(url, headers, max_bytes, allow_private, conf["max_redirects"])
        except FetchError as exc:
            if exc.kind not in TRANSIENT or attempt >= retries:
                raise
            delay = backoff * 2**attempt if exc.retry_after is None else exc.retry_after
            if delay > MAX_INLINE_WAIT:
                raise  # a long Retry-After is honoured by the schedule, not by a worker asleep
            time.sleep(delay)
            attempt += 1


def _follow(url: str, headers: dict[str, str], max_bytes: int, allow_private: bool | None, max_redirects: int) -> Response:
    seen: list[str] = []
    current = url
    while True:
        check_address(current, allow_private)
        response = _once(current, headers, max_bytes)
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("location")
            if not location:
                raise FetchError("bad_redirect", f"{current} redirects without a Location", response.status)
            seen.append(current)
            current = urljoin(current, location)
            if current in seen:
                raise FetchError("redirect_loop", f"redirect loop: {' -> '.join(seen + [current])}", response.status)
            if len(seen) > max_redirects:
                raise FetchError("too_many_redirects", f"more than {max_redirects} redirects from {url}", response.status)
            continue
        status = response.status
        if status == 304 or 200 <= status < 300:
            return response
        kind = "http_5xx" if status >= 500 else f"http_{status}"
        wait = _retry_after(response.headers) if status in (429, 503) else None
        raise FetchError(kind, f"{current} answered HTTP {status}", status, retry_after=wait)


def robots_allowed(url: str, allow_private: bool | None = None) -> bool:
    """Whether robots.txt of the URL's host lets our User-Agent fetch it (cached an hour).

    Per RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one
    (5xx, timeout) allows nothing for now, so we raise a transient FetchError and the
    page is tried again later.
    """
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    key = f"robots:{robots_url}"
    lines = cache.get(key)
    if lines is None:
        try:
            response = fetch(robots_url, max_bytes=500_000, allow_private=allow_private, retries=0)
            lines = response.content.decode("utf-8", "replace").splitlines()
            cache.set(key, lines, 3600)
        except FetchError as exc:
            if exc.status and 400 <= exc.status < 500:
                lines = []
                cache.set(key, lines, 3600)
            else:
                cache.set(key, "unreachable", 300)
                lines = "unreachable"
    if lines == "unreachable":
        raise FetchError("robots_unreachable", f"robots.txt of {parts.netloc} cannot be read now; trying later")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(lines)
    return parser.can_fetch(settings.FETCH["user_agent"], url)
