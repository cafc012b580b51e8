from tests.crawl.conftest import crawl_settings  # noqa: F401  (the crawl test below reuses it)
