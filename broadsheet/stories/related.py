"""Related articles, chosen when an article arrives and stored as ranked rows.

Nearest by embedding among the articles within `WINDOW` of it (through the same vector
store as clustering), never from its own story (that is "Full coverage", one link away),
then diversified: at most `PER_STORY` from any other story and `PER_SOURCE` from any one
source, nothing below `MIN_SIMILARITY`.

An article that arrives first has nothing to relate to yet, so each arrival also offers
itself to its nearest neighbours (`spread`): their stored lists take it in when it ranks
among their best. The lists stay what a search over all the articles would give, and a
page still reads one stored list.

The floor was chosen on clustering-dev with bench/related.py (docs/benchmarks.md): at 0.5
the items shown are of the same event or topic 0.946 / 0.938 of the time (tuning / confirming
half) against 0.753 / 0.490 at the old 0.35, and 0.665 / 0.549 of articles get at least one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Hashable

from django.db import transaction

from broadsheet.articles.models import Article
from broadsheet.enrich.embeddings import from_bytes
from broadsheet.lib.language import language_of as base_language  # 'en-GB' -> 'en'
from broadsheet.stories.models import Member, Related, Story
from broadsheet.stories.store import vector_store

WINDOW = timedelta(days=15)  # either side of the article's publication
K = 6
POOL = 60  # neighbours looked at beyond the article's own story
OWN_STORY_CAP = 300  # members of its own story the search may have to step over
MIN_SIMILARITY = 0.5
# The embedding model (all-MiniLM-L6-v2) is English: between two texts in another language its
# cosines run high whatever they say (0.62-0.67 for unrelated Danish, Xhosa or Japanese pairs
# of extraction-dev), and across two languages they mean little. So related items share the
# article's language, and outside English they must clear a higher floor.
MODEL_LANGUAGES = {"en", ""}
FOREIGN_MIN_SIMILARITY = 0.7
PER_STORY, PER_SOURCE = 1, 2


def floor_for(language: str) -> float:
    return MIN_SIMILARITY if language in MODEL_LANGUAGES else FOREIGN_MIN_SIMILARITY


def choose(key: Hashable, hits: list[tuple[Hashable, float]], story_of: dict, source_of: dict, own_story,
           floor: float | None = None, k: int = K, language_of: dict | None = None) -> list[tuple[Hashable, float]]:
    """The related list of `key` from its neighbours `hits` (key, cosine). `source_of` holds the
    visible candidates only; a candidate with no story counts as a story of its own. With
    `language_of`, only candidates in the language of `key` count, above that language's floor."""
    language = (language_of or {}).get(key, "")
    if floor is None:
        floor = floor_for(language)
    chosen: list[tuple[Hashable, float]] = []
    per_story: dict = {}
    per_source: dict = {}
    for other, sim in sorted(hits, key=lambda h: -h[1]):
        if other == key or other not in source_of or sim < floor:
            continue
        other_language = (language_of or {}).get(other, "")
        if language and other_language and other_language != language:  # an unknown one matches any
            continue
        story = story_of.get(other)
        if own_story is not None and story == own_story:
            continue
        story = story if story is not None else ("alone", other)
        source = source_of[other]
        if per_story.get(story, 0) >= PER_STORY or per_source.get(source, 0) >= PER_SOURCE:
            continue
        chosen.append((other, sim))
        per_story[story] = per_story.get(story, 0) + 1
        per_source[source] = per_source.get(source, 0) + 1
        if len(chosen) == k:
            break
    return chosen


def _neighbours(article: Article, own: int | None) -> list[tuple[int, float]]:
    vector = from_bytes(article.embedding)
    if vector is None:
        return []
    crowd = 0
    if own is not None:
        crowd = Story.objects.filter(pk=own).values_list("article_count", flat=True).first() or 0
    return vector_store().nearest(vector, article.published, WINDOW, POOL + min(crowd, OWN_STORY_CAP))


def _facts(keys) -> tuple[dict, dict, dict]:
    """(story of, source of, language of) for `keys`; the last two for visible articles only."""
    rows = Article.objects.filter(pk__in=keys, status=Article.Status.OK).values_list("pk", "source_id", "language")
    source_of, language_of = {}, {}
    for pk, source, language in rows:
        source_of[pk], language_of[pk] = source, base_language(language)
    story_of = dict(Member.objects.filter(article_id__in=keys).values_list("article_id", "story_id"))
    return story_of, source_of, language_of


def lock(article_ids) -> None:
    """Hold the rows of the articles whose lists this transaction rewrites. A list is deleted
    and inserted again, so on PostgreSQL two workers rewriting one list would otherwise both
    insert rank 0 and one would fail on the unique rank; taken in one statement in key order,
    two such sets of locks can't deadlock. FOR NO KEY UPDATE, not FOR UPDATE: the new rows'
    foreign keys take FOR KEY SHARE on the articles they name, which FOR UPDATE blocks, so two
    workers whose lists named each other's article deadlocked at commit. (SQLite runs one
    writing transaction at a time and ignores both.)"""
    list(Article.objects.select_for_update(no_key=True).filter(pk__in=sorted(article_ids)).order_by("pk")
         .values_list("pk", flat=True))


def write(article_id: int, chosen: list[tuple[int, float]]) -> None:
    """Store an article's list in place of the old one; inside a transaction that took `lock`."""
    Related.objects.filter(article_id=article_id).delete()
    Related.objects.bulk_create(Related(article_id=article_id, other_id=pk, rank=i, similarity=sim)
                                for i, (pk, sim) in enumerate(chosen))


def compute(article: Article) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(its related list, all the neighbours looked at)."""
    own = Member.objects.filter(article_id=article.pk).values_list("story_id", flat=True).first()
    hits = _neighbours(article, own)
    story_of, source_of, language_of = _facts([pk for pk, _ in hits])
    language_of[article.pk] = base_language(article.language)
    return choose(article.pk, hits, story_of, source_of, own, language_of=language_of), hits


def offered_to(article: Article, hits: list[tuple[int, float]]) -> dict[int, float]:
    """The neighbours whose lists `article` is offered to: those at or above the floor."""
    return {pk: sim for pk, sim in hits if pk != article.pk and sim >= floor_for(base_language(article.language))}


def spread(article: Article, hits: list[tuple[int, float]]) -> int:
    """Offer `article` to the stored lists of its neighbours at or above the floor; returns how
    many lists changed. Cosine is symmetric, so its similarity to each is already known."""
    offers = offered_to(article, hits)
    if not offers:
        return 0
    stored: dict[int, list[tuple[int, float]]] = {pk: [] for pk in offers}
    for owner, other, sim in (Related.objects.filter(article_id__in=list(offers)).order_by("article_id", "rank")
                              .values_list("article_id", "other_id", "similarity")):
        stored[owner].append((other, sim))
    keys = set(offers) | {article.pk} | {o for rows in stored.values() for o, _ in rows}
    story_of, source_of, language_of = _facts(keys)
    changed = 0
    for owner, sim in offers.items():
        if owner not in source_of:
            continue
        before = stored[owner]
        if len(before) == K and sim <= before[-1][1]:
            continue  # it would not make the list: no write
        after = choose(owner, before + [(article.pk, sim)], story_of, source_of, story_of.get(owner),
                       language_of=language_of)
        if after != before:
            write(owner, after)
            changed += 1
    return changed


def store(article: Article) -> None:
    chosen, hits = compute(article)
    with transaction.atomic():
        lock({article.pk, *offered_to(article, hits)})
        write(article.pk, chosen)
        spread(article, hits)
