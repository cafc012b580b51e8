"""Settings for worker processes started by tests: the real ones, with one recording step as
the whole article pipeline (tests/crawl/test_worker_kill.py)."""

from broadsheet.settings import *  # noqa: F401,F403

ARTICLE_PIPELINE = ["tests.crawl.worker_settings.record_step"]


def record_step(article) -> None:
    """Writes `start <id> <pid>`, works a moment, writes `done <id> <pid>`, to BROADSHEET_TEST_STEP_LOG."""
    import os
    import time

    path = os.environ["BROADSHEET_TEST_STEP_LOG"]

    def line(word: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, f"{word} {article.pk} {os.getpid()}\n".encode())  # one write: lines never interleave
        finally:
            os.close(fd)

    line("start")
    time.sleep(float(os.environ.get("BROADSHEET_TEST_STEP_SECONDS", "0.3")))
    line("done")
