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

    .venv/bin/python bench/related.py [--data DIR] [--floors 0.3,0.35,...]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--floors", default="0.3,0.35,0.4,0.45,0.5,0.55,0.6")
    parser.add_argument("--pages", action="store_true", help="also coverage on extraction-dev's real pages")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
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
