"""Related articles: the relevance floor, measured.

On ../shared/data/clustering-dev, every article gets the related list the pipeline would
store (stories.related.choose over its nearest neighbours by the same embedding), with
stories as `broadsheet cluster` forms them (and, as a check, the gold events as stories).
A shown item is relevant when it reports the same event or, for ECB+, the same topic (its
two events are of one kind: two earthquakes, two rehab stays); precision is counted on
ECB+ articles, the only ones whose other-event neighbours have a topic label (a BASIL or
PAC item next to an ECB+ article counts as unrelated). Coverage (articles with at least one
related item) is counted on all.

The floor is tuned on one half of the topics and events (hash of the group) and confirmed
on the other. The baseline is the rule before this change: floor 0.35 and up to two items
of the article's own story.

    .venv/bin/python bench/related.py [--data DIR] [--floors 0.3,0.35,...] [--pages]
    BROADSHEET_DATA_DIR=/tmp/empty .venv/bin/python bench/related.py --db 50000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "data"


def group(row: dict) -> str:
    """ECB+ topic (both its events together), else the event."""
    if row["dataset"] == "ECB+":
        return row["cluster"].rsplit("-", 1)[0]
    return row["cluster"]


def half(row: dict) -> str:
    return "tune" if int(hashlib.sha256(group(row).encode()).hexdigest()[:8], 16) % 2 == 0 else "confirm"


def relevant(a: dict, b: dict) -> bool:
    return a["cluster"] == b["cluster"] or (a["dataset"] == "ECB+" and group(a) == group(b))


def embed_rows(texts: list[str]) -> np.ndarray:
    from broadsheet.enrich.embeddings import embed

    return embed(texts)


def related_lists(rows, sims, story, floor: float | None, baseline: bool = False,
                  language_of: dict | None = None) -> list[list[int]]:
    from broadsheet.stories import related

    source_of = {i: (r["source"] or f"unnamed-{i}") for i, r in enumerate(rows)}
    story_of = dict(enumerate(story))
    out = []
    for i in range(len(rows)):
        order = np.argsort(-sims[i])[: related.POOL + 40]
        hits = [(int(j), float(sims[i, j])) for j in order if j != i]
        if baseline:
            out.append([j for j, _ in old_choose(i, hits, story_of, source_of, story[i])])
        else:
            out.append([j for j, _ in related.choose(i, hits, story_of, source_of, story[i], floor=floor,
                                                     language_of=language_of)])
    return out


def old_choose(key, hits, story_of, source_of, own, floor=0.35, k=6):
    """The rule before this change (stories/related.py at ba3262e), for the baseline."""
    chosen, per_story, per_source = [], {}, {}
    for pk, sim in hits:
        if pk == key or sim < floor:
            continue
        s, src = story_of.get(pk), source_of[pk]
        cap = 2 if s == own else 1
        if per_story.get(s, 0) >= cap or per_source.get(src, 0) >= 2:
            continue
        chosen.append((pk, sim))
        per_story[s] = per_story.get(s, 0) + 1
        per_source[src] = per_source.get(src, 0) + 1
        if len(chosen) == k:
            break
    return chosen


def score(rows, lists, part: str | None) -> dict:
    idx = [i for i, r in enumerate(rows) if part is None or half(r) == part]
    shown = good = 0
    for i in idx:
        if rows[i]["dataset"] != "ECB+":
            continue
        shown += len(lists[i])
        good += sum(relevant(rows[i], rows[j]) for j in lists[i])
    covered = sum(1 for i in idx if lists[i])
    per = sum(len(lists[i]) for i in idx) / max(len(idx), 1)
    return {"precision": good / shown if shown else float("nan"), "shown": shown, "coverage": covered / len(idx),
            "covered": covered, "n": len(idx), "per_article": per}


def line(name: str, s: dict) -> str:
    return (f"{name:34} precision {s['precision']:.3f} ({s['shown']} shown)   "
            f"≥1 related {s['covered']}/{s['n']} = {s['coverage']:.3f}   {s['per_article']:.2f} per article")


def worst(rows, lists, sims, n: int = 5) -> None:
    bad = [(sims[i, j], i, j) for i, items in enumerate(lists) for j in items
           if rows[i]["dataset"] == "ECB+" and not relevant(rows[i], rows[j])]
    for sim, i, j in sorted(bad, reverse=True)[:n]:
        print(f"    {sim:.3f}  {rows[i]['title'][:60] or rows[i]['text'][:60]!r}  ->  "
              f"{rows[j]['title'][:60] or rows[j]['text'][:60]!r}")


def extraction_coverage(floor: float) -> None:
    """Coverage on real pages of many publishers and languages (no relevance labels): first with
    the English floor for every pair, then as the pipeline does (same language, a higher floor
    outside English). The pairs are printed to be read."""
    from broadsheet.enrich.embeddings import article_text
    from broadsheet.extract.language import detect

    path = DATA / "extraction-dev" / "truth.jsonl"
    rows = [json.loads(x) for x in path.open()]
    rows = [r for r in rows if r.get("title") and r.get("body")]
    vectors = embed_rows([article_text(r["title"], r["body"]) for r in rows])
    sims = vectors @ vectors.T
    fake = [{"source": r.get("site") or r["url"], "cluster": f"page-{i}", "dataset": "x"} for i, r in enumerate(rows)]
    languages = {i: detect(r["body"]) for i, r in enumerate(rows)}
    english = sum(1 for v in languages.values() if v == "en")
    for name, kwargs in ((f"one floor {floor} for all", {"floor": floor}),
                         ("same language, language floors", {"floor": None, "language_of": languages})):
        lists = related_lists(fake, sims, list(range(len(rows))), **kwargs)
        covered = sum(1 for x in lists if x)
        print(f"  extraction-dev ({len(rows)} real pages, {english} in English, each its own story), {name}: "
              f"≥1 related {covered}/{len(rows)}")
        for i, items in enumerate(lists):
            for j in items[:1]:
                print(f"    {sims[i, j]:.3f} {languages[i]}->{languages[j]}  {rows[i]['title'][:50]!r} -> "
                      f"{rows[j]['title'][:50]!r}")


def db_cost(n: int, probes: int = 200, days: int = 30) -> None:
    """CPU and wall time of the pipeline's related step with n articles stored (in the configured
    database: run with BROADSHEET_DATA_DIR=<empty dir>): the new step (its own list, then offered
    to its neighbours' lists) against the old one's work (its own list only) in the same run.
    Synthetic vectors: n/20 topics, same-topic cosines around 0.55, so about half the pairs of a
    topic clear the floor and the offers are real."""
    import time
    from datetime import datetime, timedelta, timezone

    from django.core.management import call_command
    from django.db import connection, transaction

    from broadsheet.articles.models import Article
    from broadsheet.enrich.embeddings import to_bytes
    from broadsheet.sources.models import Source
    from broadsheet.stories import related
    from broadsheet.stories.models import Member, Related, Story

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(11)
    sources = [Source.objects.get_or_create(homepage=f"https://bench{i}.example/", defaults={"name": f"B{i}"})[0]
               for i in range(20)]
    topics = rng.standard_normal((max(1, n // 20), 384)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)

    def vectors(count):
        v = topics[rng.integers(0, len(topics), count)] + 0.9 * rng.standard_normal((count, 384)).astype(np.float32) / 19.6
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    have = Article.objects.count()
    for lo in range(have, n, 5000):
        hi = min(lo + 5000, n)
        vs = vectors(hi - lo)
        arts = Article.objects.bulk_create(
            Article(source=sources[i % 20], url=f"https://bench.example/{i}", title=f"a{i}", status=Article.Status.OK,
                    published=start + timedelta(seconds=float(rng.uniform(0, days * 86400))),
                    embedding=to_bytes(vs[i - lo])) for i in range(lo, hi))
        stories = Story.objects.bulk_create(Story(headline=a.title) for a in arts)
        Member.objects.bulk_create(Member(article=a, story=s, published=a.published, source_id=a.source_id)
                                   for a, s in zip(arts, stories))
    timings = {"old (own list only)": ([], []), "new (own list + offers)": ([], [])}
    changed = []
    for j in range(probes * 2):
        v = vectors(1)[0]
        art = Article.objects.create(source=sources[j % 20], url=f"https://bench.example/p{j}-{time.time()}",
                                     title="probe", status=Article.Status.OK,
                                     published=start + timedelta(days=float(rng.uniform(5, days - 5))),
                                     embedding=to_bytes(v))
        Member.objects.create(article=art, story=Story.objects.create(headline="probe"), published=art.published,
                              source_id=art.source_id)
        name = "old (own list only)" if j % 2 else "new (own list + offers)"
        wall, cpu = time.perf_counter(), time.process_time()
        if j % 2:
            chosen, _ = related.compute(art)
            with transaction.atomic():
                related.write(art.pk, chosen)
        else:
            chosen, hits = related.compute(art)
            with transaction.atomic():
                related.write(art.pk, chosen)
                changed.append(related.spread(art, hits))
        timings[name][0].append((time.perf_counter() - wall) * 1000)
        timings[name][1].append((time.process_time() - cpu) * 1000)
    print(f"related step with {n:,} stored ({connection.vendor}; {probes} probes each, alternating; "
          f"load {os.getloadavg()[0]:.1f}): lists changed by one arrival's offers: mean {np.mean(changed):.1f}, "
          f"max {max(changed)}; related rows {Related.objects.count():,}")
    base = np.percentile(timings["old (own list only)"][1][10:], 50)
    for name, (walls, cpus) in timings.items():
        w50, w99 = np.percentile(walls[10:], [50, 99])
        c50, c99 = np.percentile(cpus[10:], [50, 99])
        print(f"  {name:26} wall p50 {w50:6.1f} p99 {w99:6.1f} ms | CPU p50 {c50:6.1f} p99 {c99:6.1f} ms "
              f"| CPU p50 ratio {c50 / base:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--floors", default="0.3,0.35,0.4,0.45,0.5,0.55,0.6")
    parser.add_argument("--pages", action="store_true", help="also coverage on extraction-dev's real pages")
    parser.add_argument("--db", type=int, default=0, help="only the step's cost with this many stored articles")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    if args.db:
        db_cost(args.db)
        return
    from broadsheet.enrich.embeddings import article_text
    from broadsheet.stories import related
    import stories as story_bench

    path = args.data / "clustering-dev"
    if not path.exists():
        sys.exit(f"{path} is missing (it lives in ../shared/data beside the checkout)")
    rows = story_bench.load(path)
    vectors = embed_rows([article_text(r["title"], r["text"]) for r in rows])
    sims = vectors @ vectors.T
    predicted, _ = story_bench.ours(rows)
    gold = [r["cluster"] for r in rows]
    print(f"related on clustering-dev: {len(rows)} articles "
          f"({sum(r['dataset'] == 'ECB+' for r in rows)} ECB+ with topic labels), {len(set(predicted))} stories "
          f"by `broadsheet cluster`; K={related.K}, per source {related.PER_SOURCE}, per story {related.PER_STORY}")
    for stories_name, story in (("stories by broadsheet cluster", predicted), ("gold events as stories", gold)):
        print(f" {stories_name}:")
        base = related_lists(rows, sims, story, 0.35, baseline=True)
        for part in ("tune", "confirm"):
            print("  " + line(f"[{part}] baseline (0.35, own story)", score(rows, base, part)))
        for floor in [float(f) for f in args.floors.split(",")]:
            lists = related_lists(rows, sims, story, floor)
            for part in ("tune", "confirm"):
                print("  " + line(f"[{part}] floor {floor:.2f}", score(rows, lists, part)))
        lists = related_lists(rows, sims, story, related.MIN_SIMILARITY)
        print(f"  chosen floor {related.MIN_SIMILARITY}: " + line("all", score(rows, lists, None)))
        print("  worst unrelated items shown at the chosen floor (ECB+):")
        worst(rows, lists, sims)
    if args.pages:
        extraction_coverage(related.MIN_SIMILARITY)


if __name__ == "__main__":
    main()
