"""Search latency on a database filled with generated articles.

    BROADSHEET_DATA_DIR=/tmp/search-bench .venv/bin/python bench/search.py [--articles 100000] [--queries 300]
    DATABASE_URL=postgres://.../db .venv/bin/python bench/search.py ...     # the PostgreSQL path

Fills an empty database (SQLite in the data dir unless DATABASE_URL is set) by bulk
inserts: 300 sources, N articles with a headline of 6-12 words and a body of 250 words
drawn from a Zipf-distributed vocabulary of 20,000 pseudo-words (so the commonest word is
in nearly every article and most are rare), published over the last 365 days, three
articles to a story, two tags each. The triggers index them as the pipeline's writes
would. Then times `search()` (the engine: index query, ranking, one query for the cards)
and the whole /search/ page through Django's test client, for queries of 1-3 words
of a random article's headline or text, or one of the ten commonest words, a fifth of
them with a section filter. Baseline in the same run: the same one-word queries as a LIKE scan of
headline and body (what a site without an index would do), on the first 5 queries only.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "bri", "den", "ful", "gor", "hal", "jen", "kip", "lur", "mon", "nes",
             "par", "qui", "ros", "sul", "tor", "ul", "ves", "wen", "xa", "yor", "zed"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: rng.random())


def fill(n: int, seed: int = 0) -> list[str]:
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from broadsheet.articles.models import Article
    from broadsheet.enrich.models import ArticleTag, Tag
    from broadsheet.sources.models import Source
    from broadsheet.stories.models import Member, Story
    from broadsheet.web.sections import sections

    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    vocab = vocabulary(20_000, rng)
    ranks = np.minimum(np_rng.zipf(1.3, size=n * 270), len(vocab)) - 1
    names = sections()
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        sources = Source.objects.bulk_create([Source(name=f"{vocab[i].title()} Post", homepage=f"https://s{i}.example/")
                                              for i in range(300)])
        tags = Tag.objects.bulk_create([Tag(key=vocab[i], name=vocab[i].title()) for i in range(200, 1200)])
    cursor_word = 0
    batch = 5000
    for start in range(0, n, batch):
        with transaction.atomic():
            rows = []
            for i in range(start, min(n, start + batch)):
                title_len, body_len = rng.randint(6, 12), 250
                words = [vocab[r] for r in ranks[cursor_word:cursor_word + title_len + body_len]]
                cursor_word += title_len + body_len
                rows.append(Article(
                    source=sources[i % len(sources)], url=f"https://s{i % 300}.example/a/{i}", status="pending",
                    title=" ".join(words[:title_len]).capitalize(), body=" ".join(words[title_len:]),
                    published=now - timedelta(seconds=rng.randint(0, 365 * 86400)), published_known=True,
                    section=names[i % len(names)], language="en"))
            made = Article.objects.bulk_create(rows)
            stories = Story.objects.bulk_create([Story(headline=a.title, article_count=3, source_count=3,
                                                       last_published=a.published) for a in made[::3]])
            Member.objects.bulk_create([Member(article=a, story=stories[k // 3], published=a.published,
                                               source_id=a.source_id) for k, a in enumerate(made)])
            ArticleTag.objects.bulk_create([ArticleTag(article=a, tag=tag) for a in made
                                            for tag in rng.sample(tags, 2)])
            # Stored, as the pipeline marks an article once extracted: indexed once, with its tags.
            Article.objects.filter(pk__in=[a.pk for a in made]).update(status="ok")
        print(f"  {min(n, start + batch):>8} articles, {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return vocab


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="measure a database this script filled before")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from broadsheet.articles.models import Article
    from broadsheet.search.backends import Filters
    from broadsheet.search.engine import search
    from broadsheet.web.sections import sections

    setup_test_environment()  # the test client's host checks
    call_command("migrate", verbosity=0)
    if args.reuse:
        vocab = vocabulary(20_000, random.Random(0))  # what fill() drew first
        args.articles = Article.objects.count()
    elif Article.objects.exists():
        sys.exit("the database already holds articles: point BROADSHEET_DATA_DIR or DATABASE_URL at an empty one "
                 "(or --reuse one this script filled)")
    else:
        print(f"filling {connection.vendor} with {args.articles} articles")
        started = time.perf_counter()
        vocab = fill(args.articles)
        print(f"filled in {time.perf_counter() - started:.0f} s")

    # Queries a reader could type: 1-3 words of one article's headline or text, or one of
    # the ten commonest words (in most articles: the worst case for an index).
    rng = random.Random(1)
    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = rng.sample(range(1, top + 1), min(top, args.queries))
    sample = list(Article.objects.filter(pk__in=picks).values_list("title", "body"))
    queries = []
    for k, (title, body) in enumerate(sample):
        band = ["headline", "text", "common"][k % 3]
        if band == "common":
            words = [rng.choice(vocab[:10])]
        else:
            pool = (title if band == "headline" else body).lower().split()
            words = rng.sample(pool, min(len(pool), 1 + k % 3))
        section = rng.choice(sections()) if k % 5 == 0 else None
        queries.append((band, " ".join(words), section))

    client = Client()
    engine: dict[str, list[float]] = {}
    cpu: list[float] = []
    page: list[float] = []
    found = []
    for band, query, section in queries:
        t, c = time.perf_counter(), time.process_time()
        result = search(query, Filters(section=section))
        engine.setdefault(band, []).append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        found.append(len(result.results))
        t = time.perf_counter()
        response = client.get("/search/", {"q": query})
        page.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    baseline = []
    for _, query, _ in queries[:5]:
        word = query.split()[0]
        t = time.perf_counter()
        list(Article.objects.filter(status="ok").filter(title__icontains=word) | Article.objects.filter(
            status="ok", body__icontains=word)).__len__()
        baseline.append((time.perf_counter() - t) * 1000)

    every = [ms for values in engine.values() for ms in values]
    print(f"\n{connection.vendor}, {args.articles} articles, {len(queries)} queries, load average {os.getloadavg()[0]:.1f} "
          f"(median {statistics.median(found):.0f} stories on the first page)")
    print(f"{'':26} {'p50 ms':>8} {'p95 ms':>8}")
    for band, values in engine.items():
        print(f"search(), {band + ' words':16} {percentile(values, 50):8.1f} {percentile(values, 95):8.1f}")
    print(f"search(), all                {percentile(every, 50):8.1f} {percentile(every, 95):8.1f}")
    print(f"search(), all, CPU time    {percentile(cpu, 50):8.1f} {percentile(cpu, 95):8.1f}   (wall time above, on a shared box)")
    print(f"/search/ page, all           {percentile(page, 50):8.1f} {percentile(page, 95):8.1f}")
    print(f"baseline LIKE scan           {percentile(baseline, 50):8.1f} {percentile(baseline, 95):8.1f}   "
          f"(ratio of p95: {percentile(baseline, 95) / percentile(every, 95):.0f}x)")


if __name__ == "__main__":
    main()
