"""Processing benchmark: the ARTICLE_PIPELINE (embed, stories, enrich) one article at a
time against batches, on the same stored articles in the same run.

Stores the articles of ../shared/data/clustering-dev (370 real reports, 72 stories) in a
fresh SQLite database, warms the models, then processes them all with
`process_article(id)` one by one (the baseline: what `crawl --once` did) and, after
clearing every processing result, again with `process_articles(ids)` in batches.

Tried and dropped (measured with this bench on the shared 2-core box, load ≈ 10): the
next batch embedded in a helper thread while the current one was placed and enriched
ran at 0.61x of one at a time; torch's Python-level forward and our steps fight for the
GIL. Using both cores takes two processes (two task workers), not two threads.

    .venv/bin/python bench/process.py [--limit 370] [--batch 64]

Prints articles/s and CPU ms an article of both (the CPU figure holds better on a busy
machine), the ratios (batched / one at a time), the time spent in each step, and whether both runs put the same articles in the same stories (they must).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the `broadsheet` command sets it

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "clustering-dev"
sys.path.insert(0, str(ROOT))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def setup(limit: int) -> list[int]:
    os.environ["BROADSHEET_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-process-")
    for name in ("DATABASE_URL", "REDIS_URL", "BROADSHEET_LLM_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from broadsheet.articles.models import Article
    from broadsheet.sources.models import Source

    call_command("migrate", verbosity=0)
    rows = [json.loads(line) for line in (DATA / "articles.jsonl").open()]
    rows.sort(key=lambda r: hashlib.sha1(r["id"].encode()).hexdigest())  # arrival order: not the file's
    sources: dict[str, Source] = {}
    ids = []
    for i, row in enumerate(rows[:limit]):
        name = row.get("source") or row["dataset"]
        if name not in sources:
            sources[name] = Source.objects.create(name=name, homepage=f"https://{name}.example/")
        article = Article.objects.create(
            source=sources[name], url=f"https://{name}.example/{row['id']}", title=row["title"] or "",
            body=row["text"], status=Article.Status.OK, published=T0 + timedelta(minutes=10 * i),
            published_known=True, section="News", language="en")
        ids.append(article.pk)
    return ids


def clear() -> None:
    """Every processing result gone, as before the first run; this process's caches too."""
    from broadsheet.articles.models import Article
    from broadsheet.enrich.models import ArticleEnrichment, ArticleTag, StorySummary, Tag
    from broadsheet.stories import dedup, store
    from broadsheet.stories.models import Member, Related, Signature, Story

    for model in (Related, Member, Signature, ArticleTag, Tag, ArticleEnrichment, StorySummary):
        model.objects.all().delete()
    Story.objects.all().delete()
    Article.objects.update(status=Article.Status.OK, duplicate_of=None, embedding=None, processed_at=None,
                           section="News")
    dedup.reset_cache()
    store.reset_cache()


def partition(ids: list[int]) -> set[frozenset]:
    """The stories as sets of article ids (story ids differ between runs), and the copies."""
    from broadsheet.articles.models import Article
    from broadsheet.stories.models import Member

    groups = defaultdict(set)
    for article_id, story_id in Member.objects.values_list("article_id", "story_id"):
        groups[story_id].add(article_id)
    copies = Article.objects.filter(status=Article.Status.DUPLICATE).values_list("pk", "duplicate_of_id")
    return {frozenset(g) for g in groups.values()} | {frozenset({"copy", pk, of}) for pk, of in copies}


class StepClock:
    """Wall time per pipeline step, batch forms included."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def timed(self, name: str, fn):
        def run(*args):
            start = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self.spent[name] += time.perf_counter() - start
        return run

    def wrap(self, path: str):
        from django.utils.module_loading import import_string

        step = import_string(path)
        name = ".".join(path.split(".")[-2:])
        wrapped = self.timed(name, step)
        if hasattr(step, "batch"):
            wrapped.batch = self.timed(name, step.batch)
        return wrapped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=370)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"needs {DATA} (the team's shared data); not found")
    ids = setup(args.limit)

    from django.conf import settings

    from broadsheet.crawl import process
    from broadsheet.enrich.embeddings import embed
    from broadsheet.enrich.text import light_embed

    embed(["warm up"])  # both runs start with the models loaded: a worker loads them once
    light_embed(["warm up"])
    paths = list(settings.ARTICLE_PIPELINE)
    clocks, results, cpus = {}, {}, {}
    runs = ["one at a time", "batched"]
    for label in runs:
        clear()
        clock = clocks[label] = StepClock()
        steps = {p: clock.wrap(p) for p in paths}
        process.import_string = steps.__getitem__  # the pipeline's own steps, timed
        process.BATCH = args.batch
        start, cpu = time.perf_counter(), time.process_time()
        if label == "one at a time":
            done = sum(process.process_article(pk) for pk in ids)
        else:
            done = len(process.process_articles(ids))
        results[label] = (time.perf_counter() - start, done, partition(ids))
        cpus[label] = time.process_time() - cpu

    base, n_base, p_base = results["one at a time"]
    print(f"articles: {len(ids)} from clustering-dev, SQLite, models warm; batches of {args.batch}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for label, (spent, done, _) in results.items():
        steps = ", ".join(f"{name} {secs:.1f} s" for name, secs in clocks[label].spent.items())
        print(f"{label:14}: {spent:6.1f} s  {done / spent:6.1f} articles/s  "
              f"{cpus[label] / done * 1000:5.1f} ms CPU an article  ({steps})")
    spent, done, _ = results["batched"]
    print(f"ratio     batched / one at a time: {done / spent / (n_base / base):5.2f}x articles/s, "
          f"{(cpus['one at a time'] / n_base) / (cpus['batched'] / done):5.2f}x articles per CPU second")
    differ = [label for label in runs if results[label][2] != p_base]
    print(f"stories   {len(p_base)} groups one at a time; "
          + ("the same in every run" if not differ else f"DIFFERENT in: {', '.join(differ)}"))
    if differ:
        sys.exit(1)


if __name__ == "__main__":
    main()
