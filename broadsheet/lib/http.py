"""The one HTTP client every fetch goes through.

Bounded in time, bytes and redirects; refuses private and loopback addresses unless
allowed; at most N requests in flight per host; retries transient failures with
exponential backoff; sends conditional GET headers; honours robots.txt for pages.
Each failure is a FetchError whose `kind` is short and stable ("timeout",
"too_large", "http_404", ...), so the crawler can count and store it.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpcore
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
HOST_HANGS = "host_hangs"  # the kind of a fetch cut because another fetch of its host hangs already (hang_after)
HANG_SLICE = 0.25  # seconds a watched read waits at a time before it looks at its host again


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


# --- where a fetch may connect, and for how long ----------------------------------------


@dataclass(eq=False)  # kept in sets by identity (_hanging)
class _Budget:
    """What one fetch() may do: until when (time.monotonic) and whether private addresses are fine."""

    deadline: float
    seconds: float
    allow_private: bool
    hang_after: float | None = None  # see fetch(); None: not watched
    may_be_cut: bool = True
    host: str = ""
    cut: bool = False

    def left(self) -> float:
        return self.deadline - time.monotonic()


# The budget of the fetch running in this thread. The network backend below reads it at every
# connect, read and write, so a kept-alive connection obeys the fetch that uses it now.
_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("fetch_budget", default=None)


def _clamp(timeout: float | None, kind: type[Exception]) -> float | None:
    budget = _budget.get()
    if budget is None:
        return timeout
    left = budget.left()
    if left <= 0:
        raise kind(f"the fetch used up its {budget.seconds:g} s deadline")
    return left if timeout is None else min(timeout, left)


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is on the public internet, IPv4 hidden inside IPv6 included.

    `is_global` alone lets through IPv6 forms that carry a private IPv4 address to a
    translator or tunnel: IPv4-mapped (::ffff:127.0.0.1), IPv4-compatible (::127.0.0.1),
    NAT64 (64:ff9b::7f00:1, RFC 6052; 64:ff9b:1::/48, RFC 8215), 6to4 (2002:7f00:1::)
    and Teredo. Each embedded IPv4 address must be public too.
    """
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        return all(is_public(inner) for inner in _embedded_ipv4(address))
    return True


_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)  # (server, client); ipaddress undoes the client's obfuscation
    if address in _IPV4_COMPATIBLE or any(address in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))  # the last 32 bits
    return found


# getaddrinfo has no timeout of its own; a lookup runs here so the fetch waits for it no
# longer than its deadline (a stuck lookup keeps its thread until the resolver gives up).
_resolver = ThreadPoolExecutor(max_workers=8, thread_name_prefix="resolve")


def resolve(host: str, port: int) -> list[tuple]:
    """Every address of a host, each checked, as (family, sockaddr); one lookup only."""
    budget = _budget.get()
    allow_private = settings.FETCH["allow_private"] if budget is None else budget.allow_private
    future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=None if budget is None else max(0.0, budget.left()))
    except FutureTimeout:
        future.cancel()  # if it is still queued behind other lookups, it never runs
        raise FetchError("timeout", f"looking up {host} took longer than the deadline") from None
    except socket.gaierror as exc:
        raise FetchError("dns", f"cannot resolve {host}: {exc}") from None
    if not infos:
        raise FetchError("dns", f"{host} has no address")
    if not allow_private:
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if not is_public(address):
                raise FetchError("private_address", f"{host} resolves to non-public address {address}")
    return [(info[0], info[4]) for info in infos]


class _Stream(httpcore.NetworkStream):
    """httpcore's socket stream with every wait cut at the fetch's deadline.

    httpx's timeouts are per operation: a server that sends one byte every few seconds
    never trips a 15 s read timeout. Clamping each read and write to what is left of the
    fetch's own deadline makes the deadline a wall clock.
    """

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        budget = _budget.get()
        if budget is None or budget.hang_after is None:
            return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))
        return _watched_read(self._inner, max_bytes, timeout, budget)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        # server_hostname is the URL's host name (httpcore passes the origin's host), never
        # the address we connected to: SNI and certificate checks are on the name.
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


# --- one hanging fetch per host ----------------------------------------------------------

# Per host, the watched fetches (fetch(hang_after=...)) that wait on the server longer than
# their hang_after now. Two requests may be in flight to a host; if both hang (two dead
# feeds of one publisher) the host's other URLs wait for the whole deadline. So a host
# gets one hanging fetch at a time: a second is cut (FetchError HOST_HANGS), which its
# caller can put behind the host's other work, and the host's other slot serves on.
_hanging: dict[str, set[_Budget]] = defaultdict(set)


def _watched_read(inner: httpcore.NetworkStream, max_bytes: int, timeout: float | None, budget: _Budget) -> bytes:
    """A read in slices of HANG_SLICE, so it can see that it hangs, or that it was cut, meanwhile."""
    began = time.monotonic()
    try:
        while True:
            left = _clamp(None if timeout is None else timeout - (time.monotonic() - began), httpcore.ReadTimeout)
            if left is not None and left <= 0:
                raise httpcore.ReadTimeout("timed out")
            try:
                return inner.read(max_bytes, HANG_SLICE if left is None else min(left, HANG_SLICE))
            except httpcore.ReadTimeout:
                if left is not None and left <= HANG_SLICE:
                    raise
                if budget.cut or (time.monotonic() - began >= budget.hang_after and not _hangs(budget)):
                    raise
    finally:
        _stops_hanging(budget)


def _hangs(budget: _Budget) -> bool:
    """Count the fetch as hanging on its host; False if it is to be cut instead."""
    with _host_lock:
        others = _hanging[budget.host]
        if budget in others or not others:
            others.add(budget)
            return True
        if budget.may_be_cut:
            budget.cut = True
            return False
        for other in others:  # this one keeps the hanging place (the caller's one slow slot): the others go
            if other.may_be_cut:
                other.cut = True
        others.add(budget)
        return True


def _stops_hanging(budget: _Budget) -> None:
    with _host_lock:
        others = _hanging.get(budget.host)
        if others is not None:
            others.discard(budget)
            if not others:
                del _hanging[budget.host]


class _PinnedBackend(httpcore.NetworkBackend):
    """Resolve once, check every address, connect to an address that was checked.

    Checking a name and then letting the socket layer look it up again is open to DNS
    rebinding: the second answer can be 127.0.0.1. httpcore hands the backend the host
    name and port; we resolve them here, refuse if any address is private, and have
    httpcore's own backend connect to the checked address (a literal, so no second
    lookup). The URL is untouched, so the Host header, the connection pool's key, TLS SNI
    and certificate checks all stay on the host name. (Putting the IP in the URL with the
    `sni_hostname` extension would pin one request too, but the pool would then share a
    connection between different names served from one IP.)
    """

    def __init__(self) -> None:
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        error: Exception | None = None
        for _family, sockaddr in resolve(host, port):
            try:
                stream = self._sockets.connect_tcp(
                    sockaddr[0], port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
                return _Stream(stream)
            except httpcore.ConnectError as exc:  # try the next checked address
                error = exc
        raise error or httpcore.ConnectError(f"cannot connect to {host}:{port}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def build_client(ssl_context=None) -> httpx.Client:
    """The crawler's client (one per process, see client()); ssl_context for tests' own CAs."""
    conf = settings.FETCH
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
    transport = httpx.HTTPTransport(limits=limits)
    # httpx 0.28 takes no network backend, so its transport gets a pool built as its own
    # but on ours; handle_request, the only other thing it does, uses just this pool.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_PinnedBackend(),
    )
    return httpx.Client(
        transport=transport,
        # Environment proxies are ignored: a proxy looks names up itself, past our check.
        trust_env=False,
        timeout=httpx.Timeout(conf["timeout"], connect=min(conf["timeout"], 10)),
        follow_redirects=False,  # followed by hand: each hop is checked and counted
        headers={"User-Agent": conf["user_agent"], "Accept-Encoding": "gzip, deflate, br"},
    )


client = once(build_client)


def check_address(url: str, allow_private: bool | None = None) -> None:
    """Refuse non-HTTP schemes, URLs without a host, and literal private addresses.

    Names are checked where they are connected to (_PinnedBackend), on the one lookup
    whose answer is used.
    """
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
        address = ipaddress.ip_address(parts.hostname.split("%")[0])
    except ValueError:
        return  # a name: checked at connect time
    if not is_public(address):
        raise FetchError("private_address", f"{parts.hostname} is a non-public address")


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


def _once(url: str, headers: dict[str, str], max_bytes: int, budget: _Budget) -> Response:
    host = urlsplit(url).hostname or ""
    budget.host = host
    slot = _slot(host)
    # The wait for a per-host slot counts against the deadline too: a fetch queued behind
    # a host that hangs gives up at its own deadline rather than after the others'.
    if not slot.acquire(timeout=max(budget.left(), 0)):
        raise FetchError("timeout", f"{url}: no free slot for {host} within the {budget.seconds:g} s deadline")
    try:
        try:
            timeout = min(settings.FETCH["timeout"], max(budget.left(), 0.001))
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
            if budget.cut:
                raise FetchError(HOST_HANGS, f"{url}: cut after {budget.hang_after:g} s without an answer, "
                                             f"while another fetch of {host} hangs") from None
            if budget.left() <= 0:
                raise FetchError("timeout", f"{url} took longer than the {budget.seconds:g} s deadline") from None
            raise FetchError("timeout", f"{url} timed out") from None
        except httpx.DecodingError as exc:
            raise FetchError("bad_encoding", f"{url}: cannot decode body: {exc}") from None
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            if _caused_by(exc, socket.gaierror):
                raise FetchError("dns", f"cannot resolve {host}: {exc}") from None
            raise FetchError("connection", f"{url}: {exc.__class__.__name__}: {exc}") from None
    finally:
        slot.release()


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int | None = None,
    allow_private: bool | None = None,
    retries: int | None = None,
    backoff: float | None = None,
    hang_after: float | None = None,
    may_be_cut: bool = True,
) -> Response:
    """GET a URL within every bound. Raises FetchError; returns 2xx or 304 responses only.

    The whole call - lookups, connects, redirects, bodies and retries - ends by the
    deadline (settings.FETCH["deadline"], or the timeout when that is 0).

    hang_after: seconds a read may wait for the server before the fetch counts as hanging
    on its host. A host has one hanging fetch at a time (in this process): a watched fetch
    that would be the second is cut with FetchError(HOST_HANGS), unless it may not be cut
    (may_be_cut=False: the caller's one slot for feeds known to fail), and then the host's
    other hanging fetch is cut instead.
    """
    conf = settings.FETCH
    max_bytes = conf["max_bytes"] if max_bytes is None else max_bytes
    retries = conf["retries"] if retries is None else retries
    backoff = conf.get("backoff", 1.0) if backoff is None else backoff
    allow_private = conf["allow_private"] if allow_private is None else allow_private
    seconds = conf.get("deadline") or conf["timeout"]
    budget = _Budget(deadline=time.monotonic() + seconds, seconds=seconds, allow_private=allow_private,
                     hang_after=hang_after, may_be_cut=may_be_cut)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    token = _budget.set(budget)
    try:
        attempt = 0
        while True:
            try:
                return _follow(url, headers, max_bytes, budget, conf["max_redirects"])
            except FetchError as exc:
                if exc.kind not in TRANSIENT or attempt >= retries or budget.cut:
                    raise
                delay = backoff * 2**attempt if exc.retry_after is None else exc.retry_after
                if delay > MAX_INLINE_WAIT:
                    raise  # a long Retry-After is honoured by the schedule, not by a worker asleep
                if delay >= budget.left():
                    raise  # no time left for another try within the deadline
                time.sleep(delay)
                attempt += 1
    finally:
        _budget.reset(token)


def _follow(url: str, headers: dict[str, str], max_bytes: int, budget: _Budget, max_redirects: int) -> Response:
    seen: list[str] = []
    current = url
    while True:
        check_address(current, budget.allow_private)
        response = _once(current, headers, max_bytes, budget)
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
