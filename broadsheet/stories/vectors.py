"""Nearest-neighbour search over article vectors, behind one small interface.

`nearest(vector, around, window, k)` returns up to k (key, cosine) pairs among vectors
published within `window` of `around` (all of them when `around` is None; vectors
without a date are always candidates). Implementations:

- MemoryVectors: exact numpy search over the time-bounded slice (CLI, benchmark);
- DatabaseVectors (store.py): exact numpy search over the rows of the window, read
  through an index on the publication time (SQLite, and PostgreSQL without pgvector);
- PgVectors (store.py): pgvector HNSW index on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Hashable, Protocol

import numpy as np


class VectorStore(Protocol):
    def nearest(self, vector: np.ndarray, around: datetime | None, window: timedelta, k: int) -> list[tuple[Hashable, float]]: ...


def top_k(matrix: np.ndarray, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row positions and cosines of the k rows of `matrix` (L2-normalised) nearest `vector`."""
    if len(matrix) == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=np.float32)
    return top_k_of(matrix @ vector, k)


class _Bucket:
    """The vectors of one day, in a growing array."""

    def __init__(self, dim: int) -> None:
        self.matrix = np.zeros((16, dim), dtype=np.float32)
        self.times = np.zeros(16, dtype=np.float64)
        self.keys: list[Hashable] = []

    def add(self, key: Hashable, vector: np.ndarray, t: float) -> None:
        n = len(self.keys)
        if n == len(self.matrix):
            self.matrix = np.concatenate([self.matrix, np.zeros_like(self.matrix)])
            self.times = np.concatenate([self.times, np.zeros_like(self.times)])
        self.matrix[n], self.times[n] = vector, t
        self.keys.append(key)

    def retain(self, keys: set) -> None:
        rows = [i for i, key in enumerate(self.keys) if key in keys]
        matrix = np.zeros((max(16, len(rows)), self.matrix.shape[1]), dtype=np.float32)
        times = np.zeros(len(matrix), dtype=np.float64)
        matrix[: len(rows)], times[: len(rows)] = self.matrix[rows], self.times[rows]
        self.matrix, self.times, self.keys = matrix, times, [self.keys[i] for i in rows]


class MemoryVectors:
    """Vectors in one bucket per day, so a time window reads only the days it covers and a
    late arrival costs no more than an on-time one. Undated vectors sit in their own bucket
    and are always candidates."""

    DAY = 86400.0

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self._days: dict[int, _Bucket] = {}
        self._undated = _Bucket(dim)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, key: Hashable, vector: np.ndarray, published: datetime | None) -> None:
        self._count += 1
        if published is None:
            self._undated.add(key, vector, np.nan)
            return
        t = published.timestamp()
        day = int(t // self.DAY)
        bucket = self._days.get(day)
        if bucket is None:
            bucket = self._days[day] = _Bucket(self.dim)
        bucket.add(key, vector, t)

    def retain(self, keys: set) -> None:
        """Drop every vector whose key is not in `keys` (a cache making room)."""
        for day, bucket in list(self._days.items()):
            bucket.retain(keys)
            if not bucket.keys:
                del self._days[day]
        self._undated.retain(keys)
        self._count = sum(len(b.keys) for b in self._days.values()) + len(self._undated.keys)

    def nearest(self, vector: np.ndarray, around: datetime | None, window: timedelta, k: int) -> list[tuple[Hashable, float]]:
        hits: list[tuple[Hashable, float]] = []
        if around is None:
            buckets = [(b, None) for b in self._days.values()]
        else:
            t, w = around.timestamp(), window.total_seconds()
            first, last = int((t - w) // self.DAY), int((t + w) // self.DAY)
            buckets = [(self._days[d], (t - w, t + w)) for d in range(first, last + 1) if d in self._days]
        for bucket, bounds in [*buckets, (self._undated, None)]:
            n = len(bucket.keys)
            if not n:
                continue
            sims = bucket.matrix[:n] @ vector
            if bounds is not None:  # the first and last day are only partly inside the window
                outside = (bucket.times[:n] < bounds[0]) | (bucket.times[:n] > bounds[1])
                sims = np.where(outside, -np.inf, sims)
            idx, best = top_k_of(sims, k)
            hits += [(bucket.keys[int(i)], float(s)) for i, s in zip(idx, best) if s > -np.inf]
        hits.sort(key=lambda h: -h[1])
        return hits[:k]


def top_k_of(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.argpartition(-sims, k)[:k] if len(sims) > k else np.arange(len(sims))
    idx = idx[np.argsort(-sims[idx])]
    return idx, sims[idx]
