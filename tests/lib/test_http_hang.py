"""A host gets one hanging fetch at a time (fetch(hang_after=...)): a second watched fetch that
hangs on the same host is cut, so the host's other slot is free for its other URLs."""

from __future__ import annotations

import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from broadsheet.lib import http
from broadsheet.lib.http import FetchError, fetch

HANG_AFTER = 0.3
DEADLINE = 3.0


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    settings.FETCH = {**settings.FETCH, "timeout": DEADLINE, "deadline": DEADLINE, "retries": 0, "allow_private": True}


@pytest.fixture
def host():
    server = HTTPServer(host="127.0.0.1", threaded=True)  # a hanging request must not hold up the others
    server.start()
    yield server
    server.clear()
    server.stop()


def hanging(server, path: str, seconds: float = DEADLINE + 2) -> str:
    def handler(request):
        time.sleep(seconds)
        return Response("<rss/>", content_type="application/rss+xml")

    server.expect_request(path).respond_with_handler(handler)
    return server.url_for(path)


def fetch_in_thread(url: str, **kwargs) -> dict:
    out: dict = {}

    def run():
        began = time.monotonic()
        try:
            out["response"] = fetch(url, **kwargs)
        except FetchError as exc:
            out["error"] = exc
        out["took"] = time.monotonic() - began

    out["thread"] = threading.Thread(target=run)
    out["thread"].start()
    return out


def test_the_second_hanging_fetch_of_a_host_is_cut_and_the_first_runs_to_its_deadline(host):
    first = fetch_in_thread(hanging(host, "/one.xml"), hang_after=HANG_AFTER)
    time.sleep(0.1)
    second = fetch_in_thread(hanging(host, "/two.xml"), hang_after=HANG_AFTER)
    second["thread"].join()
    assert second["error"].kind == http.HOST_HANGS
    assert HANG_AFTER <= second["took"] < DEADLINE / 2
    first["thread"].join()
    assert first["error"].kind == "timeout" and first["took"] >= DEADLINE - 0.1
    assert not http._hanging  # nothing left counted


def test_a_fetch_that_may_not_be_cut_takes_the_hanging_place_from_one_that_may(host):
    first = fetch_in_thread(hanging(host, "/one.xml"), hang_after=HANG_AFTER)
    time.sleep(HANG_AFTER + 0.3)  # the first counts as hanging already
    kept = fetch_in_thread(hanging(host, "/two.xml"), hang_after=HANG_AFTER, may_be_cut=False)
    first["thread"].join()
    assert first["error"].kind == http.HOST_HANGS and first["took"] < DEADLINE / 2
    kept["thread"].join()
    assert kept["error"].kind == "timeout"


def test_slow_answers_and_unwatched_fetches_are_never_cut(host):
    hung = fetch_in_thread(hanging(host, "/hung.xml"), hang_after=HANG_AFTER)
    time.sleep(HANG_AFTER + 0.3)
    slow = fetch_in_thread(hanging(host, "/slow.xml", seconds=HANG_AFTER / 2), hang_after=HANG_AFTER)
    unwatched = fetch_in_thread(hanging(host, "/unwatched.xml", seconds=1.0))
    for out in (slow, unwatched):
        out["thread"].join()
        assert "error" not in out, out["error"]
        assert out["response"].status == 200
    hung["thread"].join()
    assert hung["error"].kind == "timeout"
