"""Hashed word n-grams: the section head's second view of an article, beside its embeddings.

Words and word pairs (and "?", "!" and quotes, which mark argument and opinion) are
hashed into DIM buckets with CRC-32, so the shipped weights are a matrix over bucket
numbers: no vocabulary ships, and no text can be read back from them. scikit-learn's
HashingVectorizer does the same, but it needs scikit-learn at run time and its hash
(MurmurHash3) is not in the standard library; zlib.crc32 is, and is stable across runs.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

DIM = 2 ** 16
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[?!\"“”]")


def counts(text: str) -> dict[int, float]:
    """Bucket → 1 + log(count) over the lower-cased words and word pairs of a text."""
    words = _TOKEN.findall((text or "").lower())
    found: dict[int, int] = {}
    for gram in words + [f"{a} {b}" for a, b in zip(words, words[1:])]:
        bucket = zlib.crc32(gram.encode("utf-8")) & (DIM - 1)
        found[bucket] = found.get(bucket, 0) + 1
    return {bucket: 1.0 + float(np.log(n)) for bucket, n in found.items()}


def vector(text: str, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(buckets, values) of a text's TF-IDF vector, L2-normalised: a sparse row."""
    found = counts(text)
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    buckets = np.fromiter(found, dtype=np.int64, count=len(found))
    values = np.fromiter(found.values(), dtype=np.float32, count=len(found)) * idf[buckets]
    norm = float(np.linalg.norm(values)) or 1.0
    return buckets, values / norm


def article_text(title: str, text: str) -> str:
    return f"{title}\n{text}"
