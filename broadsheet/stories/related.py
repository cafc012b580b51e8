"""Related articles, chosen when an article arrives and stored as ranked rows.

Nearest by embedding among the articles of the last `WINDOW` (through the same vector
store as clustering), then diversified: at most `PER_STORY` from any one story
(`PER_OWN_STORY` from the article's own, whose full coverage is one link away) and
`PER_SOURCE` from any one source.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from broadsheet.articles.models import Article
from broadsheet.enrich.embeddings import from_bytes
from broadsheet.stories.models import Member, Related
from broadsheet.stories.store import vector_store

WINDOW = timedelta(days=30)
K = 6
POOL = 60
MIN_SIMILARITY = 0.35
PER_STORY, PER_OWN_STORY, PER_SOURCE = 1, 2, 2


def choose(article: Article, hits: list[tuple[int, float]], story_of: dict[int, int], source_of: dict[int, int],
           own_story: int | None) -> list[tuple[int, float]]:
    chosen, per_story, per_source = [], {}, {}
    for pk, sim in sorted(hits, key=lambda h: -h[1]):
        if pk == article.pk or pk not in source_of or sim < MIN_SIMILARITY:
            continue
        story, source = story_of.get(pk), source_of[pk]
        cap = PER_OWN_STORY if story == own_story else PER_STORY
        if per_story.get(story, 0) >= cap or per_source.get(source, 0) >= PER_SOURCE:
            continue
        chosen.append((pk, sim))
        per_story[story] = per_story.get(story, 0) + 1
        per_source[source] = per_source.get(source, 0) + 1
        if len(chosen) == K:
            break
    return chosen


def compute(article: Article) -> list[tuple[int, float]]:
    vector = from_bytes(article.embedding)
    if vector is None:
        return []
    # The window ends at the article: related reading is what came before (or with) it.
    half = WINDOW / 2
    hits = vector_store().nearest(vector, article.published - half, half, POOL)
    keys = [pk for pk, _ in hits]
    source_of = dict(Article.objects.filter(pk__in=keys, status=Article.Status.OK).values_list("pk", "source_id"))
    story_of = dict(Member.objects.filter(article_id__in=keys).values_list("article_id", "story_id"))
    own = Member.objects.filter(article_id=article.pk).values_list("story_id", flat=True).first()
    return choose(article, hits, story_of, source_of, own)


def store(article: Article) -> None:
    chosen = compute(article)
    with transaction.atomic():
        Related.objects.filter(article=article).delete()
        Related.objects.bulk_create(Related(article=article, other_id=pk, rank=i, similarity=sim)
                                    for i, (pk, sim) in enumerate(chosen))
