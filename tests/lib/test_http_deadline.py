"""The fetch deadline is a wall clock: lookups, connects, redirects, bodies and retries
all end by it, however slowly a server drips its answer."""

from __future__ import annotations

import time

import pytest

from broadsheet.lib.http import FetchError, fetch
from tests.dripping import dripping_server, http_head

DEADLINE = 1.0


@pytest.fixture(autouse=True)
def short_deadline(settings):
    # A per-read timeout well above the drip interval: only the deadline can stop these fetches.
    settings.FETCH = {**settings.FETCH, "timeout": 5.0, "deadline": DEADLINE, "retries": 0}


BODY = b"<rss>" + b"x" * 20  # 25 bytes at 0.2 s: 5 s if read to the end
HEAD = http_head(BODY)


def timed_fetch(url: str, **kwargs) -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value, time.monotonic() - started


def test_a_server_dripping_its_body_is_cut_at_the_deadline():
    with dripping_server(HEAD, BODY) as base:
        url = base + "/feed.xml"
        error, took = timed_fetch(url)
    assert error.kind == "timeout" and "deadline" in str(error)
    assert DEADLINE <= took < DEADLINE + 1


def test_a_server_dripping_its_headers_is_cut_at_the_deadline():
    with dripping_server(b"", HEAD + BODY) as base:
        url = base + "/feed.xml"
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
    with dripping_server(HEAD + BODY, b"") as base:
        url = base + "/feed.xml"
        response = fetch(url)
    assert response.status == 200 and response.content == BODY


def test_the_deadline_defaults_to_the_timeout(settings):
    settings.FETCH = {**settings.FETCH, "timeout": 0.6, "deadline": 0}
    with dripping_server(HEAD, BODY, every=0.1) as base:  # each read well within the 0.6 s timeout
        url = base + "/feed.xml"
        error, took = timed_fetch(url)
    assert error.kind == "timeout"
    assert took < 0.6 + 1


def test_a_fetch_queued_behind_a_hung_host_still_ends_by_its_deadline(settings):
    from concurrent.futures import ThreadPoolExecutor

    count = 2 * settings.FETCH["per_host"] + 1  # the last would wait for two rounds of slot holders
    with dripping_server(HEAD, BODY) as base, ThreadPoolExecutor(count) as pool:
        results = list(pool.map(lambda _: timed_fetch(base + "/feed.xml"), range(count)))
    assert all(error.kind == "timeout" for error, _ in results)
    assert max(took for _, took in results) < DEADLINE + 1
