"""Search latency on a database filled with generated articles.

    BROADSHEET_DATA_DIR=/work/bench-search/1m .venv/bin/python bench/search.py --articles 1000000 [--queries 300]
    BROADSHEET_DATA_DIR=/work/bench-search/1m .venv/bin/python bench/search.py --reuse     # measure again
    DATABASE_URL=postgres://.../db .venv/bin/python bench/search.py ...     # the PostgreSQL path

Fills an empty database (SQLite in the data dir unless DATABASE_URL is set) by bulk
inserts (bench/fill.py: secondary indexes and search triggers off, then built once):
300 sources, N articles with a headline of 6-12 words and a body of 250 words drawn from
a Zipf-distributed vocabulary of 20,000 pseudo-words (so the commonest word is in nearly
every article and most are rare), published over the last 365 days in id order, three
articles to a story, two tags each. Then times `search()` (the engine: index query,
ranking, one query for the cards) and the whole /search/ page through Django's test
client (page cache off), wall and CPU time, for four kinds of query: the rarest word of a
random article's text, one of the ten commonest words, 2-3 words of a random headline,
and one word with a section filter (one of about ten) or a source filter (one of 300). Baseline in the same run: the first few queries of
each kind as a LIKE scan (every article holding every word in headline or text, as a site
without an index must read to rank them). Quality: for the rare-word and headline-words
queries, where the article the words came from (or its story) stands on the first page
of 20 (found, found first, mean reciprocal rank): a change of ranking must keep these.

Quality of older stories (--quality N queries, default 30): articles at least 30 days old,
each searched for by the two words of its headline rarer than the rest (as a reader who
remembers a story types its distinctive words), and by its text's rarest word. Each query
is ranked three ways in the same run: the newest 1,000 matches only, scored by where the
words are (main's ranking before search_heads: `backends.HEADS = 0`, `COMPLETE = 1`);
the ranking as it is; and every match ranked (`RECENT` and `HEADS` unbounded: the
ceiling of this score, slow). Printed: found on the first page out of N for each, the
CPU each took, and the worst cases (the queries the ranking misses, with their matches).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
from collections import Counter
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
    return sorted(sorted(words), key=lambda w: rng.random())  # sorted first: a set's order varies by run


def fill(n: int, seed: int = 0) -> list[str]:
    """Bulk-insert n articles (bench/fill.py: raw executemany, secondary indexes and the search
    triggers off while filling, then the indexes and the search index built once)."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from bench.fill import bulk_mode, insert
    from broadsheet.articles.models import Article
    from broadsheet.enrich.models import ArticleTag, Tag
    from broadsheet.sources.models import Source
    from broadsheet.stories.models import Member, Story
    from broadsheet.web.sections import sections

    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    vocab = vocabulary(20_000, rng)
    words_of = np.array(vocab, dtype=object)
    names = sections()
    now = timezone.now()
    span = timedelta(days=365)
    started = time.perf_counter()
    with bulk_mode():
        with transaction.atomic():
            insert(Source, [dict(id=i + 1, name=f"{vocab[i].title()} Post", homepage=f"https://s{i}.example/")
                            for i in range(300)])
            insert(Tag, [dict(id=k + 1, key=vocab[i], name=vocab[i].title()) for k, i in enumerate(range(200, 1200))])
        batch = 10_000
        for lo in range(0, n, batch):
            hi = min(n, lo + batch)
            ranks = np.minimum(np_rng.zipf(1.3, size=(hi - lo) * 262), len(vocab)) - 1
            text = words_of[ranks]
            articles, members, stories, tags = [], [], [], []
            at = 0
            for i in range(lo, hi):
                title_len = rng.randint(6, 12)
                title = " ".join(text[at:at + title_len]).capitalize()
                body = " ".join(text[at + title_len:at + title_len + 250])
                at += 262
                # Ids follow publication (as a crawl's do), a few hours of jitter.
                published = now - span * (1 - (i + 1) / n) - timedelta(seconds=rng.randint(0, 6 * 3600))
                aid, sid = i + 1, i // 3 + 1
                articles.append(dict(id=aid, source_id=i % 300 + 1, url=f"https://s{i % 300}.example/a/{i}",
                                     status="ok", title=title, body=body, published=published, published_known=True,
                                     section=names[i % len(names)], language="en", word_count=250,
                                     content_hash=f"{i:064x}"))
                if i % 3 == 0:
                    stories.append(dict(id=sid, headline=title, article_count=3, source_count=3, listed=True,
                                        lead_id=aid, first_published=published, last_published=published,
                                        section=names[i % len(names)], language="en"))
                members.append(dict(article_id=aid, story_id=sid, published=published, source_id=i % 300 + 1))
                for rank, tag in enumerate(rng.sample(range(1, 1001), 2)):
                    tags.append(dict(id=2 * i + rank + 1, article_id=aid, tag_id=tag, rank=rank, published=published))
            with transaction.atomic():
                for model, rows in ((Article, articles), (Story, stories), (Member, members), (ArticleTag, tags)):
                    insert(model, rows)
            if (lo // batch) % 10 == 9 or hi >= n:
                print(f"  {hi:>8} articles, {time.perf_counter() - started:.0f} s", flush=True)
    return vocab


KINDS = ("rare word", "common word", "2-3 words", "section filter", "source filter")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="measure a database this script filled before")
    parser.add_argument("--fill-only", action="store_true", help="fill the database and stop")
    parser.add_argument("--baseline", type=int, default=3, help="queries of each kind also run as a LIKE scan")
    parser.add_argument("--quality", type=int, default=30, help="older articles searched for (0: none)")
    parser.add_argument("--recent", type=int, help="search.backends.RECENT for this run: the newest matches ranked")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import setup_test_environment

    from broadsheet.articles.models import Article
    from broadsheet.search.backends import Filters
    from broadsheet.search.engine import search
    from broadsheet.web.sections import sections, slug_for

    setup_test_environment()  # the test client's host checks
    if args.recent is not None:
        from broadsheet.search import backends

        backends.RECENT = args.recent
    call_command("migrate", verbosity=0)
    if args.reuse:
        args.articles = Article.objects.count()
    elif Article.objects.exists():
        sys.exit("the database already holds articles: point BROADSHEET_DATA_DIR or DATABASE_URL at an empty one "
                 "(or --reuse one this script filled)")
    else:
        print(f"filling {connection.vendor} with {args.articles} articles")
        started = time.perf_counter()
        fill(args.articles)
        print(f"filled in {time.perf_counter() - started:.0f} s")
        if args.fill_only:
            return

    # Queries a reader could type, in four kinds: a rare word of one article's text (its
    # rarest), one of the ten commonest words (in most articles: the worst case for an
    # index), 2-3 words of one article's headline, and a word with a section filter.
    rng = random.Random(1)
    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = rng.sample(range(1, top + 1), min(top, args.queries))
    sample = list(Article.objects.filter(pk__in=picks).values_list("title", "body", "pk", "story_member__story_id"))
    # How common each word is, counted on the sampled articles (a database filled before the
    # vocabulary's order was fixed drew it in another order).
    counts = Counter(word for _, body, _, _ in sample for word in body.lower().split())
    common = [word for word, _ in counts.most_common(10)]
    queries, wanted = [], []
    for k, (title, body, pk, story) in enumerate(sample):
        kind = KINDS[k % len(KINDS)]
        section = publisher = None
        if kind == "rare word":
            words = [min(body.lower().split(), key=lambda w: counts[w])]
        elif kind == "common word":
            words = [rng.choice(common)]
        elif kind == "2-3 words":
            pool = title.lower().split()
            words = rng.sample(pool, min(len(pool), 2 + k % 2))
        else:  # a filter: one section of about ten, or one source of 300
            words = [rng.choice(common) if k % 2 else rng.choice(title.lower().split())]
            section = rng.choice(sections()) if kind == "section filter" else None
            publisher = rng.randint(1, 300) if kind == "source filter" else None
        queries.append((kind, " ".join(words), section, publisher))
        # Quality: the article a rare word or headline words were drawn from is the one a reader
        # looks for; found if its story (or itself) is on the first page, and at which place.
        wanted.append((pk, story) if kind in ("rare word", "2-3 words") else None)

    settings.PAGE_CACHE_SECONDS = 0  # every page computed, as for a query no one asked before
    client = Client()
    timing = {name: {kind: [] for kind in KINDS} for name in ("search() wall", "search() CPU", "page wall", "page CPU")}
    found, places = [], {"rare word": [], "2-3 words": []}
    for (kind, query, section, publisher), target in zip(queries, wanted):
        t, c = time.perf_counter(), time.process_time()
        result = search(query, Filters(section=section, source=publisher))
        timing["search() wall"][kind].append((time.perf_counter() - t) * 1000)
        timing["search() CPU"][kind].append((time.process_time() - c) * 1000)
        found.append(len(result.results))
        if target:
            hits = [i for i, r in enumerate(result.results)
                    if r.article.pk == target[0] or (r.story is not None and r.story.pk == target[1])]
            places[kind].append(hits[0] + 1 if hits else None)
        t, c = time.perf_counter(), time.process_time()
        response = client.get("/search/", {"q": query, **({"section": slug_for(section)} if section else {}),
                                           **({"source": publisher} if publisher else {})})
        timing["page wall"][kind].append((time.perf_counter() - t) * 1000)
        timing["page CPU"][kind].append((time.process_time() - c) * 1000)
        assert response.status_code == 200, (query, response.status_code)

    # Baseline: the same queries as a site without an index answers them: every article whose
    # headline or text holds every word (LIKE; all of them, as ranking them needs), on the first
    # few queries of each kind. (LIKE matches inside words too, so it finds more.)
    baseline = {"LIKE wall": {kind: [] for kind in KINDS}, "LIKE CPU": {kind: [] for kind in KINDS}}
    for kind in KINDS:
        for _, query, section, publisher in [q for q in queries if q[0] == kind][:args.baseline]:
            rows = Article.objects.filter(status="ok")
            if section:
                rows = rows.filter(section=section)
            if publisher:
                rows = rows.filter(source_id=publisher)
            for word in query.split():
                rows = rows.filter(Q(title__icontains=word) | Q(body__icontains=word))
            t, c = time.perf_counter(), time.process_time()
            len(list(rows.values_list("pk", "published")))
            baseline["LIKE wall"][kind].append((time.perf_counter() - t) * 1000)
            baseline["LIKE CPU"][kind].append((time.process_time() - c) * 1000)

    print(f"\n{connection.vendor}, {args.articles} articles, {len(queries)} queries ({len(queries) // len(KINDS)} a kind), "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(median {statistics.median(found):.0f} stories on the first page)")
    print(f"{'ms, p50 / p95':22}" + "".join(f"{kind:>20}" for kind in KINDS) + f"{'all':>20}")
    for name, values in {**timing, **baseline}.items():
        cells = [f"{percentile(v, 50):8.1f} / {percentile(v, 95):7.1f}" if v else f"{'-':>18}" for v in values.values()]
        every = [ms for v in values.values() for ms in v]
        if every:
            print(f"{name:22}" + "".join(f"{cell:>20}" for cell in cells)
                  + f"{percentile(every, 50):11.1f} / {percentile(every, 95):6.1f}")
    for kind, ranks in places.items():
        top = [r for r in ranks if r]
        print(f"quality, {kind}: the source article on the first page {len(top)}/{len(ranks)}, "
              f"first {sum(r == 1 for r in top)}/{len(ranks)}, MRR {sum(1 / r for r in top) / max(1, len(ranks)):.3f}")
    for unit in ("wall", "CPU"):
        every = [ms for v in timing[f"search() {unit}"].values() for ms in v]
        like = [ms for v in baseline[f"LIKE {unit}"].values() for ms in v]
        if like:
            print(f"LIKE scan / search(), {unit}, p95: {percentile(like, 95) / percentile(every, 95):.0f}x, "
                  f"p50: {percentile(like, 50) / percentile(every, 50):.0f}x")
    if args.quality:
        older_stories(args.quality, counts)


RANKINGS = {  # name: the settings of search.backends each is ranked with
    "newest 1,000 only (main)": {"RECENT": 1000, "HEADS": 0, "COMPLETE": 1.0},
    "this ranking": {},
    "every match (ceiling)": {"RECENT": 10 ** 9, "HEADS": 10 ** 9},
}


def older_stories(n: int, counts: Counter) -> None:
    """Articles 30 days old or more, searched for by their headline's two rarest words and by
    their text's rarest word, ranked three ways (RANKINGS): where each lands on the first page."""
    from django.db import connection
    from django.utils import timezone

    from broadsheet.articles.models import Article
    from broadsheet.search import backends
    from broadsheet.search.engine import search
    from broadsheet.search.terms import fts5_match

    rng = random.Random(2)
    old = Article.objects.filter(status="ok", published__lt=timezone.now() - timedelta(days=30))
    top = old.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = rng.sample(range(1, top + 1), min(top, n * 2))
    sample = list(old.filter(pk__in=picks).values_list("title", "body", "pk", "story_member__story_id", "published"))[:n]
    queries = []
    for title, body, pk, story, published in sample:
        heads = sorted(set(title.lower().split()), key=lambda w: (counts[w], w))[:2]
        queries.append(("headline's 2 rarest words", " ".join(heads), pk, story, published))
        queries.append(("text's rarest word", min(body.lower().split(), key=lambda w: (counts[w], w)), pk, story, published))
    kept = {name: getattr(backends, name) for name in ("RECENT", "HEADS", "COMPLETE")}
    places: dict[str, list] = {}  # each ranking's place of each query's article (None: not on the page)
    cpu: dict[tuple[str, str], list] = {}
    try:
        for name, changes in RANKINGS.items():
            for key, value in {**kept, **changes}.items():
                setattr(backends, key, value)
            for kind, query, pk, story, _ in queries:
                c = time.process_time()
                results = search(query).results
                cpu.setdefault((name, kind), []).append((time.process_time() - c) * 1000)
                hits = [i + 1 for i, r in enumerate(results) if r.article.pk == pk or (r.story and r.story.pk == story)]
                places.setdefault(name, []).append(hits[0] if hits else None)
    finally:
        for key, value in kept.items():
            setattr(backends, key, value)
    now = timezone.now()
    print(f"\nolder stories: {len(sample)} articles 30 days old or more (median age "
          f"{statistics.median((now - q[4]).days for q in queries):.0f} days), found on the first page of 20:")
    kinds = list(dict.fromkeys(kind for kind, *_ in queries))
    print(f"{'':28}" + "".join(f"{kind:>32}" for kind in kinds))
    for name in RANKINGS:
        cells = []
        for kind in kinds:
            mine = [p for p, q in zip(places[name], queries) if q[0] == kind]
            cells.append(f"{sum(1 for p in mine if p)}/{len(mine)}, CPU p50 {percentile(cpu[(name, kind)], 50):.1f} ms")
        print(f"{name:28}" + "".join(f"{cell:>32}" for cell in cells))
    both = sum(1 for i in range(len(queries)) if not any(places[name][i] for name in RANKINGS))
    print(f"({both} of the {len(queries)} queries are missed by every ranking, the ceiling too: more stories hold "
          f"those words as well as the article does and are newer)")
    print("worst cases, this ranking: the queries it missed (at most 8 a kind): query, age, matches, headlines "
          "matching, place newest-1,000 / this / ceiling")
    shown: Counter = Counter()
    with connection.cursor() as cursor:
        for i, (kind, query, pk, story, published) in enumerate(queries):
            main, mine, best = (places[name][i] for name in RANKINGS)
            if mine or shown[kind] == 8:
                continue
            shown[kind] += 1
            matches = heads = "-"
            if connection.vendor == "sqlite":
                cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH %s", [fts5_match(query.split())])
                matches = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM search_heads WHERE search_heads MATCH %s", [fts5_match(query.split())])
                heads = cursor.fetchone()[0]
            print(f"  {kind:26} {query:28} {(now - published).days:4} days {matches:>8} {heads:>6}   "
                  f"{main or '-'} / {mine or '-'} / {best or '-'}")


if __name__ == "__main__":
    main()
