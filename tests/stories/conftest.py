"""Fixtures for the stories tests: our own texts, and vectors made without the model
(unit vectors around named topics) so the tests run in milliseconds."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from broadsheet.articles.models import Article
from broadsheet.enrich.embeddings import to_bytes
from broadsheet.sources.models import Source
from broadsheet.stories import dedup

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

QUAKE = ("A magnitude 6.1 earthquake struck Qeshm island off the southern coast of Iran on Sunday, killing ten people "
         "and injuring at least 50, the state broadcaster said. Rescue teams from Bandar Abbas reached the villages "
         "of Tabl and Dargahan by nightfall, where mud-brick houses collapsed in the tremor. The governor of "
         "Hormozgan province said tents and blankets were being flown in and that schools would stay closed on "
         "Monday. Aftershocks continued through the night and residents slept outside in the cold.")
BUDGET = ("The finance minister presented the annual budget to parliament on Wednesday, promising income tax cuts "
          "for ten million workers and a freeze on fuel duty. Economists at the Institute for Fiscal Studies said "
          "borrowing would rise by 12 billion next year, while business groups warned about energy prices and the "
          "opposition called the plan unaffordable. Markets reacted calmly, with the currency steady.")


def reworded(text: str, seed: int) -> str:
    """The same words in another order: same names and numbers, no shared 3-word shingles
    to speak of (so not a syndicated copy)."""
    words = text.split()
    np.random.default_rng(seed).shuffle(words)
    return " ".join(words)


def vector(topic: str, noise: str = "", weight: float = 0.15) -> np.ndarray:
    """A unit vector near the topic's; different `noise` strings give different neighbours."""
    base = np.random.default_rng(zlib.crc32(topic.encode())).standard_normal(384)
    jitter = np.random.default_rng(zlib.crc32(f"{topic}|{noise}".encode())).standard_normal(384)
    v = base + weight * jitter
    return (v / np.linalg.norm(v)).astype(np.float32)


def source(name: str, country: str = "GB") -> Source:
    slug = name.lower().replace(" ", "-")
    return Source.objects.get_or_create(homepage=f"https://{slug}.example/", defaults={"name": name, "country": country})[0]


def article(title: str, body: str, *, topic: str, publisher: Source, at: datetime = T0, noise: str = "",
            section: str = "World", **fields) -> Article:
    return Article.objects.create(
        source=publisher, url=f"{publisher.homepage}{zlib.crc32((title + noise + str(at)).encode())}",
        title=title, body=body, status=Article.Status.OK, published=at, published_known=True, section=section,
        embedding=fields.pop("embedding", None) or to_bytes(vector(topic, noise or title)), **fields)


def between(first: str, second: str, share: float = 0.5) -> bytes:
    """A vector leaning `share` of the way from one topic to another (cosine ≈ 0.7 to both at 0.5):
    a neighbour of the first topic's articles that is not of their event."""
    v = (1 - share) * vector(first, "between") + share * vector(second, "between")
    return to_bytes((v / np.linalg.norm(v)).astype(np.float32))


@pytest.fixture(autouse=True)
def _fresh_lsh_cache():
    """Each test's database starts empty: so must this process's caches (a restart)."""
    from broadsheet.stories import store

    dedup.reset_cache()
    store.reset_cache()
    yield
    dedup.reset_cache()
    store.reset_cache()


@pytest.fixture
def at():
    return lambda hours=0, days=0: T0 + timedelta(hours=hours, days=days)
