import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture
def server():
    """A threaded loopback HTTP server (so concurrent fetches really overlap)."""
    httpserver = HTTPServer(host="127.0.0.1", threaded=True)
    httpserver.no_handler_status_code = 404  # like a real site: no robots.txt -> allowed
    httpserver.start()
    yield httpserver
    httpserver.clear()
    if httpserver.is_running():
        httpserver.stop()


@pytest.fixture
def crawl_settings(settings):
    settings.CRAWL_WORKERS = 4
    settings.ARTICLE_PIPELINE = []  # enrichment steps have their own tests
    return settings
