"""Raw pages benchmark: what keeping each article's page costs, and how fast `reextract` runs.

Stores the pages of ../shared/data/extraction-dev in a fresh SQLite database through
`pipeline.fetch_article` (its fetch answered from the files, so the crawl's own code keeps
each raw page), then prints:

- storage an article: the kept page's bytes as stored (Brotli quality 5, crawl/rawpages.py),
  median, p95 and total, against the standard library's zlib level 6 over the same bytes
  (the baseline) and the uncompressed page;
- re-extraction speed in pages/s and CPU ms a page: bare `extract()` over the same pages in
  memory (the baseline), then `reextract` over them with nothing changed (the idempotent
  run), then with an extractor rule changed so that every title changes and the whole
  ARTICLE_PIPELINE (embedding, story, sections, tags, summaries) runs on each, then once
  more (must change nothing).

    .venv/bin/python bench/rawpages.py [--limit 143] [--no-pipeline] [--storage-only]

Speed figures are wall time on a shared 2-core machine: CPU ms a page holds better.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the `broadsheet` command sets it

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction-dev"
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ["BROADSHEET_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-rawpages-")
    for name in ("DATABASE_URL", "REDIS_URL", "BROADSHEET_LLM_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def store(rows: list[dict]) -> list[int]:
    """Each page stored as the crawl stores it: fetch_article, with the fetch read from the file."""
    import httpx

    from broadsheet.articles.models import Article
    from broadsheet.crawl import pipeline
    from broadsheet.lib.http import Response
    from broadsheet.sources.models import Source

    pages = {row["url"]: (DATA / row["html_file"]).read_bytes() for row in rows}
    pipeline.robots_allowed = lambda url: True
    pipeline.fetch = lambda url: Response(url=url, status=200, content=pages[url],
                                          headers=httpx.Headers({"content-type": "text/html"}))
    sources: dict[str, Source] = {}
    ids = []
    for row in rows:
        site = row["site"]
        if site not in sources:
            sources[site] = Source.objects.create(name=site, homepage=f"https://{site}.example/")
        article = Article.objects.create(source=sources[site], url=row["url"], title="")
        if pipeline.fetch_article(article.pk) == "ok":
            ids.append(article.pk)
    return ids


def quantile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def storage() -> None:
    from broadsheet.crawl import rawpages
    from broadsheet.crawl.models import RawPage

    import brotli

    brotli_sizes, zlib_sizes, sizes, truncated, bodies = [], [], [], 0, []
    for page in RawPage.objects.all():
        body = rawpages.content_of(page)
        bodies.append(body)
        brotli_sizes.append(page.stored_size)
        zlib_sizes.append(len(zlib.compress(body, 6)))
        sizes.append(page.size)
        truncated += page.truncated
    cpu = {}
    for name, pack in (("zlib 6", lambda b: zlib.compress(b, 6)), ("brotli 5", lambda b: brotli.compress(b, quality=rawpages.QUALITY))):
        started = time.process_time()
        for body in bodies:
            pack(body)
        cpu[name] = (time.process_time() - started) / len(bodies) * 1000
    print(f"storage an article ({len(sizes)} raw pages kept, {truncated} cut at the cap):")
    for name, values in (("uncompressed", sizes), ("zlib 6 (baseline)", zlib_sizes), ("brotli 5 (kept)", brotli_sizes)):
        print(f"  {name:18s} median {statistics.median(values) / 1000:6.1f} KB   p95 {quantile(values, 0.95) / 1000:6.1f} KB"
              f"   total {sum(values) / 1e6:6.2f} MB")
    print(f"  ratio brotli / zlib: median {statistics.median(brotli_sizes) / statistics.median(zlib_sizes):.2f}x, "
          f"total {sum(brotli_sizes) / sum(zlib_sizes):.2f}x; brotli / uncompressed total {sum(brotli_sizes) / sum(sizes):.3f}x")
    print(f"  compressing: zlib 6 {cpu['zlib 6']:.1f} ms CPU a page, brotli 5 {cpu['brotli 5']:.1f} ms "
          f"({cpu['brotli 5'] / cpu['zlib 6']:.2f}x)")


def timed(label: str, pages: int, fn, baseline: tuple[float, float] | None = None):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ratio = f"   {(pages / wall) / baseline[0]:.2f}x baseline pages/s, {baseline[1] / (cpu / pages):.2f}x per CPU second" if baseline else ""
    print(f"  {label:34s} {wall:6.1f} s  {pages / wall:6.1f} pages/s  {cpu / pages * 1000:6.1f} ms CPU a page{ratio}")
    return result, (pages / wall, cpu / pages)


def speed(ids: list[int], pipeline_on: bool) -> None:
    from django.conf import settings

    from broadsheet.crawl import pipeline, rawpages
    from broadsheet.crawl.models import RawPage
    from broadsheet.crawl.process import process_articles
    from broadsheet.crawl.reextract import reextract
    from broadsheet.extract import core, extract

    if not pipeline_on:
        settings.ARTICLE_PIPELINE = []
    print(f"enrich every stored article first (the pipeline: {len(settings.ARTICLE_PIPELINE)} steps; models warm) ...")
    started = time.perf_counter()
    process_articles(ids)
    print(f"  {time.perf_counter() - started:.1f} s")
    raw = [(rawpages.content_of(p), rawpages.charset_of(p), p.url) for p in RawPage.objects.filter(pk__in=ids)]
    n = len(raw)
    print(f"re-extraction of {n} pages:")
    _, base = timed("bare extract() (baseline)", n, lambda: [extract(pipeline.decode_html(b, c), u) for b, c, u in raw])
    report, _ = timed("reextract, nothing changed", n, lambda: reextract(ids), base)
    print(f"    {report.lines()[0]}")
    pick = core.title_mod.pick
    core.title_mod.pick = lambda *a, **k: pick(*a, **k) + " (v2)"  # a changed rule: every title moves
    try:
        report, _ = timed("reextract, every title changed", n, lambda: reextract(ids), base)
        print(f"    {report.lines()[0]}\n    {report.lines()[1]}")
        report, _ = timed("reextract again (idempotent)", n, lambda: reextract(ids), base)
        print(f"    {report.lines()[0]}")
    finally:
        core.title_mod.pick = pick


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="pages (default: all)")
    parser.add_argument("--no-pipeline", action="store_true", help="re-extract only: no enrichment steps")
    parser.add_argument("--storage-only", action="store_true", help="measure storage, not re-extraction speed")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is missing (the team's ../shared/data)")
    rows = [json.loads(line) for line in (DATA / "truth.jsonl").open()]
    rows = rows[: args.limit] if args.limit else rows
    setup()
    load = os.getloadavg()[0]
    print(f"extraction-dev: {len(rows)} pages, fresh SQLite; 2 cores, load average {load:.1f}")
    started = time.perf_counter()
    ids = store(rows)
    print(f"stored through fetch_article: {len(ids)} articles in {time.perf_counter() - started:.1f} s")
    storage()
    if not args.storage_only:
        speed(ids, pipeline_on=not args.no_pipeline)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
