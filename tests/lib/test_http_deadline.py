"""The fetch deadline is a wall clock: lookups, connects, redirects, bodies and retries
all end by it, however slowly a server drips its answer."""

from __future__ import annotations

import socketserver
import threading
import time
from contextlib import contextmanager

import pytest

from broadsheet.lib.http import FetchError, fetch

DEADLINE = 1.0


@pytest.fixture(autouse=True)
def short_deadline(settings):
    # A per-read timeout well above the drip interval: only the deadline can stop these fetches.
    settings.FETCH = {**settings.FETCH, "timeout": 5.0, "deadline": DEADLINE, "retries": 0}


@contextmanager
def dripping_server(head: bytes, body: bytes, every: float = 0.2):
    """A loopback server that sends `head` at once, then `body` one byte every `every` seconds."""

    class Drip(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(65536)
            try:
                self.request.sendall(head)
                for byte in body:
                    time.sleep(every)
                    self.request.sendall(bytes([byte]))
            except OSError:  # the client hung up: what we want
                pass

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


BODY = b"<rss>" + b"x" * 20  # 25 bytes at 0.2 s: 5 s if read to the end
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(BODY)


def timed_fetch(url: str, **kwargs) -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value, time.monotonic() - started


def test_a_server_dripping_its_body_is_cut_at_the_deadline():
    with dripping_server(HEAD, BODY) as url:
        error, took = timed_fetch(url)
    assert error.kind == "timeout" and "deadline" in str(error)
    assert DEADLINE <= took < DEADLINE + 1


def test_a_server_dripping_its_headers_is_cut_at_the_deadline():
    with dripping_server(b"", HEAD + BODY) as url:
        error, took = timed_fetch(url)
    assert error.kind == "timeout"
    assert took < DEADLINE + 1


def test_retries_stop_at_the_deadline(settings, server):
    settings.FETCH = {**settings.FETCH, "retries": 3}
    server.expect_request("/feed.xml").respond_with_data("busy", status=503)
    # backoff 0.4 s, 0.8 s, 1.6 s: 2.8 s of waiting if the retries ignored the deadline
    error, took = timed_fetch(server.url_for("/feed.xml"), backoff=0.4)
    assert error.kind == "http_5xx"
    assert took < DEADLINE
    assert 1 <= len(server.log) < 4


def test_a_prompt_server_is_read_whole_within_the_deadline():
    with dripping_server(HEAD + BODY, b"") as url:
        response = fetch(url)
    assert response.status == 200 and response.content == BODY


def test_the_deadline_defaults_to_the_timeout(settings):
    settings.FETCH = {**settings.FETCH, "timeout": 0.6, "deadline": 0}
    with dripping_server(HEAD, BODY, every=0.1) as url:  # each read well within the 0.6 s timeout
        error, took = timed_fetch(url)
    assert error.kind == "timeout"
    assert took < 0.6 + 1
