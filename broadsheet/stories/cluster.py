"""Online story clustering: each new article joins the story it fits best, or opens one.

No re-clustering on arrival: the article is compared with its nearest neighbours (by
sentence embedding) among articles published within `window` of it, so a story's window
drifts with its newest article. A neighbour's score is the cosine of the two embeddings
plus the overlap of the names and of the numbers in their opening words (see
signals.py), plus a bonus for being published close together (fading to nothing at the
window's edge; nothing when either date is unknown, so undated pairs need the stronger
textual match, nor when the two name nothing in common); the article joins the story of its best-scoring neighbour when that score
clears `join`. When neighbours from two stories both clear `merge`, the stories have
converged and are merged into the older one.

Joining on the best single neighbour lets a chain of near-misses carry one event's
reports into a look-alike event's story (two quakes on one island, two launches of one
laptop). So after a join the story is checked for cohesion: its recent members are split
in two by average linkage on the same pair score, and when both halves hold at least
`split_group` articles and the two score below `split` on average, the half without the
story's oldest member leaves for a new story. Only the joined story is looked at, and
only its `split_members` most recent members: local work, no re-clustering.

This module is pure: the same `place()` runs in the pipeline (stores backed by the
database, see store.py) and in `broadsheet cluster` / the benchmark (MemoryIndex).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Hashable, Protocol

import numpy as np

from broadsheet.stories.signals import overlap
from broadsheet.stories.vectors import MemoryVectors


@dataclass(frozen=True)
class Params:
    join: float = 0.8  # score needed to join a story
    merge: float = 1.2  # score needed, to two stories at once, to merge them
    names_weight: float = 1.5
    numbers_weight: float = 0.5
    # Reports of one event cluster in time: a pair published together gets up to this much,
    # fading linearly to 0 at `window` apart. Measured on clustering-dev (docs/benchmarks.md):
    # 0.15 / 0.2–0.25 / 0.4 give F1 0.922 / 0.928 / 0.929 against 0.913 without. Only
    # for pairs sharing a name (the same figures on dev as without that condition).
    time_weight: float = 0.25
    window: timedelta = timedelta(days=3)  # either side of the article; drifts as the story grows
    neighbours: int = 30
    # Cohesion check after a join. Measured on clustering-dev over 16 arrival orders (the
    # result of an online method depends on the order; docs/benchmarks.md): mean B-cubed F1
    # 0.905 without, 0.940-0.943 with `split` anywhere in 0.95-1.1 (1.2: 0.929).
    split: float | None = 1.0  # average score between the two halves below which they part
    split_group: int = 3  # articles each half needs: two reports are not yet a story of their own
    split_members: int = 60  # most recent members looked at


@dataclass(frozen=True)
class Doc:
    key: Hashable
    vector: np.ndarray
    names: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    published: datetime | None = None


@dataclass(frozen=True)
class Neighbour:
    doc: Doc
    story: Hashable
    cosine: float


@dataclass
class Decision:
    story: Hashable | None  # None: open a new story
    score: float
    merge: list[Hashable] = field(default_factory=list)  # other stories to fold into `story`


def score(doc: Doc, other: Doc, cosine: float, params: Params) -> float:
    value = (cosine + params.names_weight * overlap(doc.names, other.names)
             + params.numbers_weight * overlap(doc.numbers, other.numbers))
    # Time corroborates a textual match, it does not make one: two same-day look-alike
    # events naming nothing in common (two quakes in two places) get no bonus.
    if params.time_weight and doc.names & other.names:
        value += params.time_weight * closeness(doc.published, other.published, params.window)
    return value


def closeness(a: datetime | None, b: datetime | None, window: timedelta) -> float:
    """1 for the same moment, falling linearly to 0 at `window` apart; 0 when a date is unknown."""
    if a is None or b is None or window <= timedelta(0):
        return 0.0
    return max(0.0, 1.0 - abs(a - b) / window)


def in_window(a: datetime | None, b: datetime | None, window: timedelta) -> bool:
    return a is None or b is None or abs(a - b) <= window


def decide(doc: Doc, neighbours: list[Neighbour], params: Params) -> Decision:
    best: dict[Hashable, float] = {}
    for n in neighbours:
        if n.doc.key == doc.key or not in_window(doc.published, n.doc.published, params.window):
            continue
        s = score(doc, n.doc, n.cosine, params)
        if s > best.get(n.story, -np.inf):
            best[n.story] = s
    if not best:
        return Decision(None, 0.0)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    story, top = ranked[0]
    if top < params.join:
        return Decision(None, top)
    merge = [s for s, v in ranked[1:] if v >= params.merge] if top >= params.merge else []
    return Decision(story, top, merge)


def pair_scores(docs: list[Doc], params: Params) -> np.ndarray:
    """Symmetric matrix of `score()` between every two docs (vectors unit length)."""
    vectors = np.stack([d.vector for d in docs])
    cosines = vectors @ vectors.T
    n = len(docs)
    scores = np.zeros((n, n))
    for a in range(n):
        for b in range(a + 1, n):
            scores[a, b] = scores[b, a] = score(docs[a], docs[b], float(cosines[a, b]), params)
    return scores


def average_linkage_halves(distances: np.ndarray) -> np.ndarray:
    """The two clusters that average linkage (UPGMA) ends with, as a label per row of a
    square distance matrix: what scipy's `fcluster(linkage(d, "average"), 2, "maxclust")`
    gives, with one label for all when the last two merges are equally far (fcluster
    cannot cut between them).

    Our own because importing scipy.cluster (it pulls in scipy.spatial and scipy.special)
    costs a task worker ~40 MB for at most `split_members` (60) rows. It follows scipy's
    nearest-neighbour-chain algorithm step for step (the same scan order, strict
    comparisons and distance update), so that ties between equal scores are broken as
    scipy breaks them; tests/stories/test_cluster.py holds it to scipy's answer."""
    n = len(distances)
    d = np.array(distances, dtype=np.float64)
    size = np.ones(n, dtype=np.int64)
    label = np.arange(n)
    others = np.arange(n)
    chain: list[int] = []
    heights = []
    for _ in range(n - 1):
        if not chain:
            chain = [int(np.flatnonzero(size)[0])]
        while True:  # follow nearest neighbours until two are each other's
            x = chain[-1]
            y, nearest = (chain[-2], d[x, chain[-2]]) if len(chain) > 1 else (-1, np.inf)
            row = np.where((size > 0) & (others != x), d[x], np.inf)
            first = int(np.argmin(row))  # the lowest index of the smallest, as scipy's scan finds
            if row[first] < nearest:
                y, nearest = first, row[first]
            if len(chain) > 1 and y == chain[-2]:
                break
            chain.append(y)
        del chain[-2:]
        x, y = min(x, y), max(x, y)
        heights.append(nearest)
        nx, ny = size[x], size[y]
        size[x], size[y] = 0, nx + ny
        label[label == x] = y
        alive = np.flatnonzero(size)
        alive = alive[alive != y]
        # Lance-Williams for average linkage: the mean distance over all pairs of members.
        d[alive, y] = d[y, alive] = (nx * d[alive, x] + ny * d[alive, y]) / (nx + ny)
        if len(heights) == n - 2:
            halves = label.copy()
    if n < 3:
        return np.arange(n)
    top, second = sorted(heights)[-2:][::-1]
    return np.zeros(n, dtype=int) if top == second else halves


def split_off(docs: list[Doc], params: Params) -> list[Hashable]:
    """Keys of the docs that should leave their story (docs oldest first), or []."""
    if params.split is None or len(docs) < 2 * params.split_group:
        return []
    scores = pair_scores(docs, params)
    # Average linkage on a distance; top - score keeps every average in the same order.
    distances = (scores.max() + 1.0) - scores
    np.fill_diagonal(distances, 0.0)
    halves = average_linkage_halves(distances)
    keep, leave = halves == halves[0], halves != halves[0]  # the oldest doc's half keeps the story
    if min(keep.sum(), leave.sum()) < params.split_group:
        return []
    if scores[np.ix_(keep, leave)].mean() >= params.split:
        return []
    return [d.key for d, out in zip(docs, leave) if out]


class Index(Protocol):
    def neighbours(self, doc: Doc, params: Params) -> list[Neighbour]: ...
    def open_story(self, doc: Doc) -> Hashable: ...
    def add(self, doc: Doc, story: Hashable, score: float) -> None: ...
    def merge(self, story: Hashable, into: Hashable) -> None: ...
    def recent_members(self, story: Hashable, limit: int) -> list[Doc]: ...  # oldest first
    def split(self, story: Hashable, keys: list[Hashable]) -> Hashable: ...  # the new story


def place(doc: Doc, index: Index, params: Params = Params()) -> Hashable:
    """Put `doc` in a story (joining, opening or merging, then the cohesion check) and
    return the story it ends in."""
    decision = decide(doc, index.neighbours(doc, params), params)
    if decision.story is None:
        story = index.open_story(doc)
    else:
        story = decision.story
        for other in decision.merge:
            index.merge(other, into=story)
    index.add(doc, story, decision.score)
    if decision.story is not None:
        leaving = split_off(index.recent_members(story, params.split_members), params)
        if leaving:
            new = index.split(story, leaving)
            if doc.key in leaving:
                return new
    return story


class MemoryIndex:
    """Stories kept in memory: for the batch CLI and the benchmark."""

    def __init__(self) -> None:
        self.vectors = MemoryVectors()
        self.docs: dict[Hashable, Doc] = {}
        self.story_of: dict[Hashable, Hashable] = {}
        self.members: dict[Hashable, list[Hashable]] = {}
        self.first_story: dict[Hashable, Hashable] = {}  # story when placed, before any merge
        self._next = 0

    def neighbours(self, doc: Doc, params: Params) -> list[Neighbour]:
        hits = self.vectors.nearest(doc.vector, doc.published, params.window, params.neighbours)
        return [Neighbour(self.docs[k], self.story_of[k], cos) for k, cos in hits]

    def open_story(self, doc: Doc) -> Hashable:
        self._next += 1
        self.members[self._next] = []
        return self._next

    def add(self, doc: Doc, story: Hashable, score: float) -> None:
        self.docs[doc.key] = doc
        self.story_of[doc.key] = story
        self.first_story.setdefault(doc.key, story)
        self.members[story].append(doc.key)
        self.vectors.add(doc.key, doc.vector, doc.published)

    def merge(self, story: Hashable, into: Hashable) -> None:
        for key in self.members.pop(story, []):
            self.story_of[key] = into
            self.members[into].append(key)

    def recent_members(self, story: Hashable, limit: int) -> list[Doc]:
        return [self.docs[k] for k in self.members[story][-limit:]]  # arrival order

    def split(self, story: Hashable, keys: list[Hashable]) -> Hashable:
        new = self.open_story(self.docs[keys[0]])
        leaving = set(keys)
        self.members[story] = [k for k in self.members[story] if k not in leaving]
        for key in keys:
            self.story_of[key] = new
            self.members[new].append(key)
        return new
