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
    sims = matrix @ vector
    if len(sims) > k:
        idx = np.argpartition(-sims, k)[:k]
    else:
        idx = np.arange(len(sims))
    idx = idx[np.argsort(-sims[idx])]
    return idx, sims[idx]


class MemoryVectors:
    """Vectors in growing numpy arrays, kept sorted by time so a window is a slice."""

    def __init__(self, dim: int = 384, capacity: int = 1024) -> None:
        self._m = np.zeros((capacity, dim), dtype=np.float32)
        self._t = np.zeros(capacity, dtype=np.float64)  # epoch seconds, sorted
        self._keys: list[Hashable] = []
        self._n = 0
        self._undated: list[tuple[Hashable, np.ndarray]] = []

    def __len__(self) -> int:
        return self._n + len(self._undated)

    def add(self, key: Hashable, vector: np.ndarray, published: datetime | None) -> None:
        if published is None:
            self._undated.append((key, np.asarray(vector, dtype=np.float32)))
            return
        if self._n == len(self._m):
            self._m = np.concatenate([self._m, np.zeros_like(self._m)])
            self._t = np.concatenate([self._t, np.zeros_like(self._t)])
        t = published.timestamp()
        pos = self._n if self._n == 0 or t >= self._t[self._n - 1] else int(np.searchsorted(self._t[: self._n], t, side="right"))
        if pos < self._n:  # late arrival: shift the newer rows up by one
            self._m[pos + 1 : self._n + 1] = self._m[pos : self._n]
            self._t[pos + 1 : self._n + 1] = self._t[pos : self._n]
        self._m[pos] = vector
        self._t[pos] = t
        self._keys.insert(pos, key)
        self._n += 1

    def nearest(self, vector: np.ndarray, around: datetime | None, window: timedelta, k: int) -> list[tuple[Hashable, float]]:
        if around is None:
            lo, hi = 0, self._n
        else:
            t, w = around.timestamp(), window.total_seconds()
            lo = int(np.searchsorted(self._t[: self._n], t - w, side="left"))
            hi = int(np.searchsorted(self._t[: self._n], t + w, side="right"))
        idx, sims = top_k(self._m[lo:hi], vector, k)
        hits = [(self._keys[lo + int(i)], float(s)) for i, s in zip(idx, sims)]
        if self._undated:
            keys, rows = zip(*self._undated)
            uidx, usims = top_k(np.stack(rows), vector, k)
            hits += [(keys[int(i)], float(s)) for i, s in zip(uidx, usims)]
            hits.sort(key=lambda h: -h[1])
        return hits[:k]
