import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture
def crawl_settings(settings):
    settings.CRAWL_WORKERS = 4
    settings.ARTICLE_PIPELINE = []  # enrichment steps have their own tests
    return settings


@pytest.fixture
def other_host():
    """A second loopback host (127.0.0.2), for what must not wait on the first one."""
    httpserver = HTTPServer(host="127.0.0.2", threaded=True)
    httpserver.no_handler_status_code = 404
    httpserver.start()
    yield httpserver
    httpserver.clear()
    httpserver.stop()
