"""Memory of each process kind (issue 15): peak and final RSS against a bare Django process,
measured in the same run.

Each kind runs in a process of its own, started from this script:

- `bare`: python + django.setup() + one query: the baseline every figure is set against;
- `task` (one per BROADSHEET_EMBEDDER form, and torch without the malloc_trim after each
  batch, as main ran before): what `broadsheet worker` does before and while it works:
  its `_load_models()`, then the fetch path's extraction of the 143 extraction-dev pages
  (trafilatura, lingua over the pages' many languages), then the ARTICLE_PIPELINE over N
  stored articles (clustering-dev's 370 reports, then sections-dev's to make up N) with
  `process_articles`, batches of 64, as a task worker claims them; RSS after each stage,
  the peak, CPU ms a page and an article;
- `web`: granian, then gunicorn, each with one worker of 4 threads (`broadsheet run`'s
  command line, granian its default) over
  the database the first task process filled, every page type requested (home, sections,
  articles, stories, sources, tags, search, AI panels, API, feeds, sitemap) 5 times; RSS
  of the worker process read from /proc, and the modules it loaded that a web process
  must not (tests/web/test_lean.py checks the same in process).

    .venv/bin/python bench/memory.py [--articles 500] [--forms numpy,torch,torch-untrimmed]

Needs ../shared/data (clustering-dev, sections-dev, extraction-dev) and Linux (/proc).
Ends with status 1 if a goal of the issue is missed (task worker <= 500 MB, web worker
<= 100 MB after the run), so it can fail.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
TASK_GOAL_MB, WEB_GOAL_MB = 500, 100
HEAVY = ["torch", "sentence_transformers", "transformers", "numpy", "scipy", "sklearn", "wordllama", "datasketch",
         "trafilatura", "lxml", "htmldate", "justext", "httpx", "feedparser", "lingua", "tokenizers"]


def rss() -> dict[str, int]:
    from broadsheet.lib.memory import rss_mb

    return rss_mb()


def checkpoint(points: dict, name: str, cpu: float | None = None) -> None:
    points[name] = {**rss(), "cpu": cpu}


def setup_django(data_dir: str) -> None:
    os.environ["BROADSHEET_DATA_DIR"] = data_dir
    for name in ("DATABASE_URL", "REDIS_URL", "BROADSHEET_LLM_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the `broadsheet` command sets it
    import django

    django.setup()


# --- the kinds, each in its own process --------------------------------------------------

def kind_fill(data_dir: str, n: int) -> dict:
    """Migrate a fresh SQLite database and store n articles waiting for processing."""
    setup_django(data_dir)
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from broadsheet.articles.models import Article
    from broadsheet.sources.models import Source

    call_command("migrate", verbosity=0)
    rows = [json.loads(line) for line in (DATA / "clustering-dev" / "articles.jsonl").open()]
    more = map(json.loads, (DATA / "sections-dev" / "sections.jsonl").open())
    rows += [{**r, "source": r["id"].split("-")[0]} for r in more]
    now = timezone.now()
    sources: dict[str, Source] = {}
    for i, row in enumerate(rows[:n]):
        name = row.get("source") or row.get("dataset") or "unknown"
        if name not in sources:
            sources[name] = Source.objects.create(name=name, homepage=f"https://{name}.example/")
        Article.objects.create(
            source=sources[name], url=f"https://{name}.example/{row['id']}", title=row["title"] or "",
            body=row["text"], status=Article.Status.OK, published=now - timedelta(minutes=3 * (n - i)),
            published_known=True, section=row.get("section") or "News", language="en")
    return {"articles": Article.objects.count()}


def kind_bare(data_dir: str) -> dict:
    points: dict = {}
    checkpoint(points, "python")
    setup_django(data_dir)
    from broadsheet.articles.models import Article

    Article.objects.count()
    checkpoint(points, "django + a query")
    return {"points": points}


def kind_task(data_dir: str, form: str) -> dict:
    """What a task worker does, stage by stage (see the module's doc)."""
    embedder, _, variant = form.partition("-")
    os.environ["BROADSHEET_EMBEDDER"] = embedder
    points: dict = {}
    checkpoint(points, "python")
    setup_django(data_dir)
    checkpoint(points, "django")
    from broadsheet.crawl import process
    from broadsheet.crawl.management.commands.worker import _load_models

    if variant == "untrimmed":
        process.trim = lambda: False
    cpu = time.process_time()
    _load_models()
    checkpoint(points, "models loaded (worker start)", time.process_time() - cpu)

    from broadsheet.extract import extract

    truth = [json.loads(line) for line in (DATA / "extraction-dev" / "truth.jsonl").open()]
    cpu = time.process_time()
    for row in truth:
        html = (DATA / "extraction-dev" / row["html_file"]).read_bytes().decode("utf-8", "replace")
        extract(html, row["url"])
    spent = time.process_time() - cpu
    checkpoint(points, f"{len(truth)} pages extracted", spent)
    from broadsheet.articles.models import Article

    ids = list(Article.objects.filter(processed_at__isnull=True).order_by("published").values_list("pk", flat=True))
    cpu = time.process_time()
    done = process.process_articles(ids)
    processed = time.process_time() - cpu
    checkpoint(points, f"{len(done)} articles processed", processed)
    loaded = sorted(m for m in HEAVY if m in sys.modules)
    urls = site_urls() if variant == "" and embedder == "numpy" else []
    return {"points": points, "extract_ms": spent / len(truth) * 1000,
            "process_ms": processed / max(1, len(done)) * 1000, "processed": len(done), "loaded": loaded, "urls": urls}


def site_urls() -> list[str]:
    """Every page type of the filled site, several of each."""
    from django.urls import reverse

    from broadsheet.articles.models import Article
    from broadsheet.enrich.models import Tag
    from broadsheet.sources.models import Source
    from broadsheet.stories.models import Story
    from broadsheet.web.sections import sections, slug_for

    urls = [reverse("web:home"), "/search/?q=election", "/search/?q=police+city", "/api/articles", "/api/sections",
            "/api/sources", "/api/search?q=court", "/api/openapi.json", "/sitemap.xml"]
    urls += [reverse("web:section", args=[slug_for(name)]) for name in sections()[:6]]
    shown = Article.objects.filter(processed_at__isnull=False, status=Article.Status.OK)  # a copy's page is a 404
    for pk in shown.values_list("pk", flat=True)[:15]:
        urls += [reverse("web:article", args=[pk]), reverse("enrich:article-panel", args=[pk]), f"/api/articles/{pk}"]
    for pk in Story.objects.values_list("pk", flat=True)[:10]:
        urls += [reverse("stories:story", args=[pk]), reverse("enrich:story-panel", args=[pk]),
                 reverse("web:story-feed", args=[pk])]
    urls += [reverse("web:source", args=[pk]) for pk in Source.objects.values_list("pk", flat=True)[:5]]
    urls += [reverse("enrich:tag", args=[key]) for key in Tag.objects.values_list("key", flat=True)[:8]]
    return urls


# --- the web worker: a real gunicorn ------------------------------------------------------

def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def modules_of(pid: int) -> list[str]:
    """Heavy libraries mapped into a process: their shared objects in /proc/PID/maps (a web
    worker must load none of them; a pure-Python module would not show, test_lean.py covers those)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    marks = {"torch": "libtorch", "numpy": "numpy/_core", "lxml": "lxml/etree", "lingua": "lingua",
             "tokenizers": "tokenizers", "scipy": "scipy/", "sklearn": "sklearn/"}
    return sorted(name for name, mark in marks.items() if mark in maps)


def run_web(data_dir: str, urls: list[str], repeats: int, kind: str) -> dict:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BROADSHEET_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "broadsheet.settings", "OPENBLAS_NUM_THREADS": "1"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    from broadsheet.crawl.management.commands.run import web_command

    # The command line `broadsheet run` starts, with one worker of 4 threads.
    server = subprocess.Popen(web_command(kind, "127.0.0.1", port, 1, 4), env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/sections", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the web server did not start")
                time.sleep(0.3)
        from broadsheet.lib.memory import rss_mb

        # The worker: the largest child (granian's master may have helpers beside it).
        worker = max(children(server.pid), key=lambda pid: rss_mb(pid).get("VmRSS", 0))

        first = rss_mb(worker)
        statuses: dict[int, int] = {}
        for _ in range(repeats):
            for url in urls:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as response:
                        response.read()
                        code = response.status
                except urllib.error.HTTPError as error:
                    code = error.code
                statuses[code] = statuses.get(code, 0) + 1
        after = rss_mb(worker)
        return {"first": first, "after": after, "statuses": statuses, "requests": repeats * len(urls),
                "libraries": modules_of(worker), "master": rss_mb(server.pid)}
    finally:
        server.terminate()
        server.wait(timeout=20)


# --- the parent --------------------------------------------------------------------------

def spawn(kind: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--kind", kind, *args], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--forms", default="numpy,torch,torch-untrimmed",
                        help="task worker variants: numpy, torch (BROADSHEET_EMBEDDER), "
                             "torch-untrimmed (no malloc_trim)")
    parser.add_argument("--repeats", type=int, default=5, help="times each web page is requested")
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--form", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kind:
        result = {"fill": lambda: kind_fill(args.dir, args.articles), "bare": lambda: kind_bare(args.dir),
                  "task": lambda: kind_task(args.dir, args.form)}[args.kind]()
        print(json.dumps(result))
        return
    for part in ("clustering-dev", "sections-dev", "extraction-dev"):
        if not (DATA / part).exists():
            sys.exit(f"needs {DATA / part} (the team's shared data); not found")
    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        report(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(work: Path, args) -> None:
    filled = work / "filled"
    filled.mkdir()
    print(f"# memory of each process kind: {args.articles} articles, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    print(f"filled: {spawn('fill', '--dir', str(filled), '--articles', str(args.articles))['articles']} articles")
    bare = spawn("bare", "--dir", str(filled))["points"]
    base = bare["django + a query"]["VmRSS"]
    print(f"baseline: bare python {bare['python']['VmRSS']} MB; python + django.setup() + a query {base} MB (VmRSS)")
    missed = []
    web_dir = None
    cost = {}
    for form in [f.strip() for f in args.forms.split(",") if f.strip()]:
        run_dir = work / form
        shutil.copytree(filled, run_dir)
        result = spawn("task", "--dir", str(run_dir), "--form", form)
        print(f"\n## task worker, {form} (BROADSHEET_EMBEDDER={form.split('-')[0]}"
              f"{', no malloc_trim after batches' if form.endswith('untrimmed') else ''})")
        print(f"  {'stage':36} {'RSS':>6} {'peak':>6} {'/ baseline':>10} {'CPU':>8}")
        for name, point in result["points"].items():
            cpu = f"{point['cpu']:.1f} s" if point["cpu"] is not None else ""
            print(f"  {name:36} {point['VmRSS']:4d} MB {point['VmHWM']:4d} MB {point['VmRSS'] / base:9.2f}x {cpu:>8}")
        last = list(result["points"].values())[-1]
        print(f"  CPU: {result['extract_ms']:.1f} ms a page extracted, {result['process_ms']:.1f} ms an article "
              f"processed (batches of 64); modules loaded: {', '.join(result['loaded'])}")
        cost[form] = result["extract_ms"] + result["process_ms"]
        ok = last["VmRSS"] <= TASK_GOAL_MB
        print(f"  goal: RSS after the run <= {TASK_GOAL_MB} MB: {'met' if ok else 'NOT met'} ({last['VmRSS']} MB; "
              f"peak {last['VmHWM']} MB)")
        if not ok and not form.endswith("untrimmed") and form == args.forms.split(",")[0].strip():
            missed.append(f"task worker ({form}) {last['VmRSS']} MB")
        if result["urls"]:
            web_dir, urls = run_dir, result["urls"]
    for form, ms in cost.items():
        print(f"2 cores at {ms:.1f} ms CPU an article (extraction + processing, {form}; fetching, feeds and "
              f"the database server not counted): at most {2000 / ms:.1f} articles/s")
    for kind in ("granian", "gunicorn") if web_dir is not None else ():
        web = run_web(str(web_dir), urls, args.repeats, kind)
        print(f"\n## web worker ({kind}, 1 worker x 4 threads as `broadsheet run` starts it, {web['requests']} "
              f"requests over {len(urls)} URLs: statuses {web['statuses']})")
        print(f"  before the first request: {web['first']['VmRSS']} MB ({web['first']['VmRSS'] / base:.2f}x baseline)")
        print(f"  after the requests      : {web['after']['VmRSS']} MB, peak {web['after']['VmHWM']} MB "
              f"({web['after']['VmRSS'] / base:.2f}x baseline); its master process {web['master'].get('VmRSS')} MB")
        print(f"  heavy libraries mapped in the worker: {', '.join(web['libraries']) or 'none'}")
        ok = web["after"]["VmRSS"] <= WEB_GOAL_MB and not web["libraries"]
        print(f"  goal: RSS after the run <= {WEB_GOAL_MB} MB, no ML/extraction/HTTP-client library: "
              f"{'met' if ok else 'NOT met'}")
        if not ok:
            missed.append(f"web worker ({kind}) {web['after']['VmRSS']} MB")
        # 429: the AI panels' per-client rate limit (enrich/views.py) answering the repeats, as it should.
        if set(web["statuses"]) - {200, 429}:
            missed.append(f"web pages answered {web['statuses']}")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    if missed:
        print("missed: " + "; ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
