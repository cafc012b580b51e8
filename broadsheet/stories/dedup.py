"""Syndicated copies: near-duplicate bodies found with datasketch MinHash LSH.

Each article's MinHash signature (word 3-shingles, 128 permutations) is stored in the
Signature table. Each process keeps a datasketch MinHashLSH of the signatures of the
last `WINDOW` and brings it up to date from the table before each query, so detection
survives restarts and works across workers. LSH only proposes; a candidate counts when
the Jaccard estimated from the stored signatures reaches `THRESHOLD` (≈0.7: lightly
edited copies sit near 0.8, see DESIGN.md).

Of a group of copies the earliest published (then the lowest id) is the canonical
article; the others get status DUPLICATE and `duplicate_of` pointing at it, whatever
order they arrive in.
"""

from __future__ import annotations

import importlib
import re
import sys
import threading
import types
from datetime import timedelta

import numpy as np
from django.db import transaction

from broadsheet.articles.models import Article
from broadsheet.stories.models import Member, Signature, Story

THRESHOLD = 0.7
NUM_PERM = 128
SHINGLE = 3
SCHEME = "affine32"  # datasketch 2 hashing scheme; stored values are only comparable within one
MIN_WORDS = 40  # shorter bodies give noisy estimates: left alone
WINDOW = timedelta(days=7)
_WORD = re.compile(r"\w+")
# datasketch's MinHashLSH(threshold=0.7, num_perm=128) picks its bands and rows by
# integrating false positive and negative rates with scipy.integrate; this is its answer
# (tests/stories/test_dedup.py checks it against datasketch's own `_optimal_param`).
BANDS_ROWS = (14, 9)


def _import_datasketch() -> types.ModuleType:
    """datasketch, without scipy.integrate, which its lsh modules import at module level
    only for that integral: scipy.integrate and scipy.special cost a task worker ~50 MB.
    While datasketch is imported, `scipy.integrate` is a stand-in whose `quad` imports the
    real one on first call (so a MinHashLSH built without `params` still works, at that
    cost); the stand-in leaves sys.modules at once, so any other import gets the real one."""
    if "datasketch" in sys.modules or "scipy.integrate" in sys.modules:
        return importlib.import_module("datasketch")

    def quad(*args, **kwargs):
        return importlib.import_module("scipy.integrate").quad(*args, **kwargs)

    stand_in = types.ModuleType("scipy.integrate")
    stand_in.quad = quad
    sys.modules["scipy.integrate"] = stand_in
    try:
        return importlib.import_module("datasketch")
    finally:
        if sys.modules.get("scipy.integrate") is stand_in:
            del sys.modules["scipy.integrate"]


_datasketch = _import_datasketch()
MinHash = _datasketch.MinHash


def new_lsh():
    """An empty MinHashLSH for THRESHOLD and NUM_PERM (bands and rows given: no integral)."""
    return _datasketch.MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=BANDS_ROWS)


def minhash(text: str) -> MinHash | None:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch(list(shingles))
    return m


def from_values(blob: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=np.frombuffer(bytes(blob), dtype=np.uint64))


class _Cache:
    """This process's LSH over the recent signatures, synchronised from the table."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.lsh = new_lsh()
        self.keys: set[int] = set()

    def sync(self, rows) -> None:
        """Insert the signatures of `rows` (the window) the LSH lacks; drop those that left."""
        wanted = set(rows.values_list("article_id", flat=True))
        for key in self.keys - wanted:
            self.lsh.remove(key)
        missing = wanted - self.keys
        if missing:
            with self.lsh.insertion_session() as session:
                for key, blob in Signature.objects.filter(article_id__in=missing).values_list("article_id", "hashvalues"):
                    session.insert(key, from_values(blob))
        self.keys = wanted


_cache = _Cache()


def reset_cache() -> None:
    with _cache.lock:
        _cache.reset()


def near_duplicates(article: Article, signature: MinHash) -> list[int]:
    """Ids of stored articles whose body is a near-copy of this one's."""
    window = Signature.objects.filter(published__range=(article.published - WINDOW, article.published + WINDOW))
    with _cache.lock:
        _cache.sync(window)
        proposed = [k for k in _cache.lsh.query(signature) if k != article.pk]
    found = []
    for key, blob in Signature.objects.filter(article_id__in=proposed).values_list("article_id", "hashvalues"):
        if signature.jaccard(from_values(blob)) >= THRESHOLD:  # the table, not the cache, decides
            found.append(key)
    return found


def _canonical(article: Article) -> Article:
    return article.duplicate_of if article.duplicate_of_id and article.duplicate_of else article


def fold(article: Article) -> list[int]:
    """Pipeline step part: store the signature, fold the article with its copies.
    Returns the stories this left empty: a copy that arrived first had opened a story of
    its own, which should now lead to the story of the group's canonical article."""
    signature = minhash(f"{article.title}\n{article.body}")
    if signature is None:
        return []
    Signature.objects.update_or_create(article_id=article.pk, defaults={
        "published": article.published, "hashvalues": signature.hashvalues.astype(np.uint64).tobytes()})
    copies = near_duplicates(article, signature)
    if not copies:
        return []
    with transaction.atomic():
        group = {article.pk: article}
        for other in Article.objects.filter(pk__in=copies).select_related("duplicate_of"):
            head = _canonical(other)
            group[head.pk] = head
        canonical = min(group.values(), key=lambda a: (a.published, a.pk))
        demoted = [pk for pk in group if pk != canonical.pk]
        Article.objects.filter(pk__in=demoted).update(status=Article.Status.DUPLICATE, duplicate_of=canonical)
        Article.objects.filter(duplicate_of_id__in=demoted).update(duplicate_of=canonical)
        left = list(Member.objects.filter(article_id__in=demoted).values_list("story_id", flat=True))
        Member.objects.filter(article_id__in=demoted).delete()
    if left:
        from broadsheet.stories.store import refresh

        for story in set(left):
            refresh(story)
    article.refresh_from_db()
    return list(Story.objects.filter(pk__in=set(left), members__isnull=True).values_list("pk", flat=True))
