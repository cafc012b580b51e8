import pytest


@pytest.fixture
def crawl_settings(settings):
    settings.CRAWL_WORKERS = 4
    settings.ARTICLE_PIPELINE = []  # enrichment steps have their own tests
    return settings
