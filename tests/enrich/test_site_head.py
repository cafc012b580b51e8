"""The site's own section head: trained on what its publishers label, the shipped head its prior."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from broadsheet.enrich import sections, site_head

from .conftest import make_article, make_source

pytestmark = pytest.mark.django_db

# Our own synthetic beat: a site whose publisher files chess under Lifestyle (/lifestyle/ in
# its URLs), where the shipped head, never told, files it elsewhere.
PLAYERS = ["Anna Berg", "Tomas Ruiz", "Li Wen", "Omar Haddad", "Sara Novak", "Ivan Petrov", "Mia Lund", "Raj Patel"]
CITIES = ["Riga", "Porto", "Ghent", "Bergen", "Kraków", "Lyon", "Graz", "Tartu"]
OPENINGS = ["Sicilian defence", "Queen's gambit", "French defence", "King's Indian", "Ruy Lopez"]
RATES = ["interest rates", "bond yields", "quarterly profits", "share prices", "retail sales"]
FIRMS = ["Northwind Bank", "Acme Holdings", "Globex", "Initech", "Umbrella Group", "Vandelay Imports"]


def chess(i: int) -> tuple[str, str]:
    p, q = PLAYERS[i % 8], PLAYERS[(i * 3 + 1) % 8]
    city, opening = CITIES[(i // 8) % 8], OPENINGS[i % 5]
    return (f"{p} wins the {city} chess open",
            f"{p} beat {q} with the {opening} in round {i % 9 + 1} of the {city} chess open, a grandmaster "
            f"tournament. The game lasted {40 + i % 30} moves before {q} resigned; the rapid and blitz "
            f"events follow at the weekend in the chess club.")


def football(i: int) -> tuple[str, str]:
    p, city = PLAYERS[i % 8], CITIES[(i * 5) % 8]
    return (f"{city} win the derby as {p} scores twice",
            f"{p} scored twice as {city} beat their rivals {i % 4 + 2}-1 in the league on Saturday. The striker "
            f"and the goalkeeper starred, and the manager said the title race and the cup run go on.")


def business(i: int) -> tuple[str, str]:
    firm, rate = FIRMS[i % 6], RATES[i % 5]
    return (f"{firm} shares move as {rate} shift",
            f"Investors sold {firm} after {rate} rose {i % 7 + 1} percent, analysts said. The company expects "
            f"revenue to fall this quarter, and its chief executive promised cost cuts to shareholders.")


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.ENRICH_SITE_HEAD_MIN_ARTICLES = 60
    settings.ENRICH_SITE_HEAD_MIN_SECTIONS = 2
    settings.ENRICH_SITE_HEAD_MAX_ARTICLES = 400
    settings.ENRICH_SITE_HEAD_WEIGHT = 2.0
    return tmp_path


def _labelled_site(n_chess: int = 48, n_business: int = 32, n_football: int = 40) -> None:
    from broadsheet.enrich.embeddings import embed_articles

    source = make_source("Board Weekly", "https://board.example/")
    articles = []
    for i in range(n_chess):
        title, body = chess(i)
        articles.append(make_article(title, body, publisher=source, n=i,
                                     url=f"https://board.example/lifestyle/chess-{i}"))
    for i in range(n_business):
        title, body = business(i)
        articles.append(make_article(title, body, publisher=source, n=i, url=f"https://board.example/business/co-{i}"))
    for i in range(n_football):
        title, body = football(i)
        articles.append(make_article(title, body, publisher=source, n=i, url=f"https://board.example/sport/match-{i}"))
    embed_articles(articles)


def _classify(title: str, body: str, url: str = "") -> str:
    from broadsheet.enrich.embeddings import article_text, embed

    return sections.classify(title, body, url=url, minilm=embed([article_text(title, body)])[0])


@pytest.mark.usefixtures("minilm_ready")
def test_the_site_head_corrects_a_section_the_shipped_head_gets_wrong(data_dir):
    title, body = chess(101)
    assert _classify(title, body) != "Lifestyle"  # the shipped head alone
    _labelled_site()
    result = site_head.train()
    assert result["trained"] and result["articles"] == 120 and result["sections"] == 3
    assert (data_dir / site_head.FILE_NAME).exists()
    assert _classify(title, body) == "Lifestyle"
    # A publisher's own section still decides, and other topics keep the shipped head's view.
    assert _classify(title, body, url="https://other.example/sport/chess-final") == "Sports"
    assert _classify("Scientists map a new exoplanet", "Astronomers using a space telescope found a "
                     "planet orbiting a distant star, the research team said in a journal paper.") == "Science"


@pytest.mark.usefixtures("minilm_ready")
def test_too_few_labelled_articles_train_nothing(data_dir, settings):
    _labelled_site(n_chess=20, n_business=10, n_football=0)
    assert site_head.train() == {"trained": False, "articles": 30, "sections": 2}
    settings.ENRICH_SITE_HEAD_MIN_ARTICLES = 10
    settings.ENRICH_SITE_HEAD_MIN_SECTIONS = 3
    assert site_head.train()["trained"] is False  # one site, two sections: not enough spread
    assert not (data_dir / site_head.FILE_NAME).exists()


def test_articles_without_a_publisher_section_are_no_training_examples():
    assert sections.publisher_section("Opinion | We should act", "", "") == "Opinion & Analysis"
    assert sections.publisher_section("Rates rise", "", "https://x.example/business/rates-rise") == "Business"
    assert sections.publisher_section("Rates rise", "World news", "https://x.example/2024/05/rates") is None
    assert sections.publisher_section("Rates rise", "", "https://x.example/rates-rise") is None


def test_the_fit_separates_what_can_be_separated():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1, 0.3, (50, 4)), rng.normal(-1, 0.3, (50, 4))]).astype(np.float32)
    y = ["A"] * 50 + ["B"] * 50
    classes, coef, intercept = site_head.fit(x, y)
    predicted = [classes[i] for i in np.argmax(x @ coef.T + intercept, axis=1)]
    assert classes == ["A", "B"] and predicted == y


def test_the_head_is_written_whole_and_an_unreadable_one_is_ignored(data_dir):
    target = site_head.save(["A", "B"], np.ones((2, 3), np.float32), np.zeros(2, np.float32), n=5)
    assert [p.name for p in data_dir.iterdir()] == [site_head.FILE_NAME]  # no temporary file left behind
    assert site_head.log_probabilities(np.ones(3, np.float32)).keys() == {"A", "B"}
    assert site_head.log_probabilities(np.ones(7, np.float32)) is None  # trained over another vector
    target.write_bytes(b"not a head")
    assert site_head.load() is None
    probabilities = {"A": 0.7, "B": 0.3}
    assert sections.with_site_head(probabilities, np.ones(3, np.float32)) == probabilities


def test_the_training_is_queued_when_due_and_once_per_period(data_dir, monkeypatch, settings):
    from django.core.cache import cache

    from broadsheet.enrich import tasks

    cache.delete("enrich:site-head:queued")
    queued = []
    monkeypatch.setattr(tasks, "queue_site_head_training", lambda: queued.append(1))
    assert tasks.schedule_site_head() and not tasks.schedule_site_head()
    assert queued == [1]
    site_head.save(["A", "B"], np.ones((2, 3), np.float32), np.zeros(2, np.float32), n=5)
    cache.delete("enrich:site-head:queued")
    assert not tasks.schedule_site_head()  # a fresh head: not due
    settings.ENRICH_SITE_HEAD_HOURS = 0
    (data_dir / site_head.FILE_NAME).unlink()
    assert not site_head.due()  # 0: never


def test_a_site_without_a_head_retries_within_the_hour_not_the_period(data_dir, monkeypatch, settings):
    from django.core.cache import cache

    from broadsheet.enrich import tasks

    settings.ENRICH_SITE_HEAD_HOURS = 24
    claims = []
    monkeypatch.setattr(cache, "add", lambda key, value, timeout: claims.append(timeout) or True)
    monkeypatch.setattr(tasks, "queue_site_head_training", lambda: None)
    assert tasks.schedule_site_head()  # no head: too few articles now, maybe enough soon
    site_head.save(["A", "B"], np.ones((2, 3), np.float32), np.zeros(2, np.float32), n=5)
    old = time.time() - 25 * 3600
    os.utime(site_head.path(), (old, old))
    assert tasks.schedule_site_head()  # a stale head: retrained once per period
    assert claims == [tasks.UNTRAINED_RETRY_SECONDS, 24 * 3600]
