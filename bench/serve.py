"""Page speed at scale: the site under load beside a bare-Django page of the same size.

1. Fills a database with N articles as the pipeline would leave them (bench/fill.py: raw
   executemany of model defaults plus what the bench sets; indexes, the search index and
   ANALYZE once at the end): 300 sources, stories of ~3.8 articles, members, sections,
   tags, enrichment rows, related rows and each story's card (the same `card_fields()`
   that store.refresh() uses). SQLite in a data dir (default a temp dir; reused with
   --data-dir if already filled), or DATABASE_URL. 1M articles: ~7 GB, ~10-25 minutes
   (PostgreSQL, binary COPY: ~7 GB, ~25 minutes at load 20, of which the search index 7).
2. Starts the site with granian, as `broadsheet run` does (2 workers; --servers for
   gunicorn too), once with the page cache off and once on, and the baseline:
   bench/bare_site.py, a bare Django 5.2 page of the same size made from one indexed query
   on the same database (2 gunicorn workers, --gunicorn options).
3. Loads each page with wrk on loopback (`apt-get install -y wrk`; falls back to a small
   Python threaded client and says so) and prints req/s, p50/p99, the ratio to the
   baseline measured in the same run, and each server's CPU per request (from /proc: it
   holds on a busy box, where req/s does not).

    .venv/bin/python bench/serve.py --articles 1000000 --data-dir /tmp/bs-1m [--seconds 8] [--only-fill]
    .venv/bin/python bench/serve.py --data-dir /tmp/bs-1m --in-process 15 [--explain] [--pages home,story]
    .venv/bin/python bench/serve.py --data-dir /tmp/bs-1m --servers gunicorn,granian --modes cached

--servers loads the site on each server named (gunicorn, granian's WSGI interface) right after
the same bare page, so the servers are compared in the same run.

--in-process starts no server: each page's median server time, CPU time and query count
through Django's test client with the page cache off (and each query's SQLite plan with
--explain), beside the bare page's CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOURCES, TAGS, STORY_SIZE, SPAN_PER_ARTICLE = 300, 5000, 3.8, timedelta(seconds=50)
WORDS = ("minister council budget vote storm river market shares court ruling police report city harbour "
         "election campaign talks border rates bank energy prices school hospital strike union match final "
         "season record launch rocket study climate water drought festival museum film award").split()
SECTIONS_WEIGHTS = [30, 15, 12, 10, 6, 6, 10, 5, 3, 3]


def setup(data_dir: Path) -> None:
    os.environ["BROADSHEET_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()


# --- fill ------------------------------------------------------------------------------
def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def fill(n: int, seed: int = 13) -> dict:
    """Bulk-insert n articles with their stories (bench/fill.py: raw executemany, indexes and
    the search index built once at the end); returns what the load needs (ids, cursors)."""
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.fill import bulk_mode, insert
    from broadsheet.articles.models import Article
    from broadsheet.enrich.models import ArticleEnrichment, ArticleTag, Tag
    from broadsheet.sources.models import Source
    from broadsheet.stories.models import Member, Related, Story
    from broadsheet.web.sections import sections

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    vec = np.random.default_rng(seed)
    names = sections()
    countries = ["GB", "US", "DE", "FR", "SE", "IN", "AU", "CA", "IE", "NZ"]
    bodies = ["\n\n".join(_text(rng, rng.randint(40, 90)) + "." for _ in range(8)) for _ in range(64)]
    now = timezone.now()
    start = now - SPAN_PER_ARTICLE * n
    # Which story each article joins: a new one with p = 1/STORY_SIZE, else one of the 40 newest.
    open_stories: list[int] = []
    story_of: list[int] = []
    story_section: list[str] = []
    for _ in range(n):
        if not open_stories or rng.random() < 1 / STORY_SIZE:
            story_section.append(rng.choices(names, SECTIONS_WEIGHTS[: len(names)] or None)[0])
            open_stories = (open_stories + [len(story_section) - 1])[-40:]
        story_of.append(rng.choice(open_stories[-40:]))
    t0 = time.perf_counter()
    with bulk_mode():
        with transaction.atomic():
            insert(Source, [dict(id=i + 1, name=f"Publisher {i:03d}", homepage=f"https://p{i}.example/",
                                 country=countries[i % len(countries)], language="sv" if i % 25 == 0 else "en")
                            for i in range(SOURCES)])
            insert(Tag, [dict(id=i + 1, key=f"tag{i}", name=f"Tag{i}") for i in range(TAGS)])
            insert(Story, [dict(id=s + 1, headline="") for s in range(len(story_section))])
        batch = 10_000
        for lo in range(0, n, batch):
            chunk = range(lo, min(n, lo + batch))
            embeddings = vec.standard_normal((len(chunk), 384), dtype=np.float32)
            articles, members, enrich, tags, related = [], [], [], [], []
            for i, emb in zip(chunk, embeddings):
                src = rng.randrange(SOURCES) + 1
                section = story_section[story_of[i]] if rng.random() < 0.9 else rng.choice(names)
                a = dict(
                    id=i + 1, source_id=src, url=f"https://p{src}.example/a/{i}", status="ok",
                    title=f"{_text(rng, 8)} {i}", published=start + SPAN_PER_ARTICLE * i, published_known=True,
                    section=section, language="sv" if (src - 1) % 25 == 0 else "en",
                    image=f"https://img.p{src}.example/{i}.jpg" if rng.random() < 0.7 else "",
                    body=bodies[i % len(bodies)], word_count=500, content_hash=f"{i:064x}",
                    embedding=emb.tobytes(), fetched_at=now, processed_at=now)
                articles.append(a)
                members.append(dict(article_id=a["id"], story_id=story_of[i] + 1, published=a["published"],
                                    source_id=src))
                enrich.append(dict(article_id=a["id"], section=section, hashtags=["Tag1", "Tag2"]))
                for rank, t in enumerate(rng.sample(range(1, TAGS + 1), 3)):
                    tags.append(dict(id=3 * i + rank + 1, article_id=a["id"], tag_id=t, rank=rank))
                if i > 3:
                    for rank in range(3):
                        related.append(dict(id=3 * i + rank + 1, article_id=a["id"], other_id=a["id"] - rank - 1,
                                            rank=rank, similarity=0.5))
            with transaction.atomic():
                for model, rows in ((Article, articles), (Member, members), (ArticleEnrichment, enrich),
                                    (ArticleTag, tags), (Related, related)):
                    insert(model, rows)
            if (lo // batch) % 10 == 9 or lo + batch >= n:
                print(f"  {lo + len(chunk):,} articles ({time.perf_counter() - t0:.0f} s)", file=sys.stderr,
                      flush=True)
    stories = finish_cards()
    if connection.vendor == "postgresql":
        # The cards came after bulk_mode's ANALYZE: with its statistics (no story listed) the
        # planner sorted every listed story for the home page's latest 40 instead of reading
        # the story_listed_pub index (this server runs with autovacuum off).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stories_story")
    print(f"filled {n:,} articles, {stories:,} stories in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return targets()


def finish_cards() -> int:
    """Counts and cards of every story from its members, as store.refresh() computes them
    (card_fields), read in one ordered pass and written with executemany: per-story refresh()
    calls or bulk_update's CASE statements take far longer at this size."""
    from django.db import connection, transaction

    from broadsheet.stories.store import card_fields

    sql = ("SELECT m.story_id, a.id, a.title, a.image, a.section, a.language, s.name, m.published, a.source_id "
           "FROM stories_member m JOIN articles_article a ON a.id = m.article_id JOIN sources_source s ON s.id = a.source_id "
           "WHERE a.status = 'ok' ORDER BY m.story_id, m.published, a.id")
    updates = []

    def flush(sid, rows):
        body = bodies.get(rows[0][0], "")
        card = card_fields(rows, body)
        updates.append((len(rows), len({r[7] for r in rows}), rows[0][6], rows[-1][6], card["listed"],
                        card["lead_id"], card["headline"], card["image"], card["teaser"], card["section"],
                        card["language"], json.dumps(card["source_names"]), sid))

    with connection.cursor() as cursor:
        cursor.execute("SELECT a.id, a.body FROM articles_article a WHERE a.id IN "
                       "(SELECT MIN(article_id) FROM stories_member GROUP BY story_id)")
        bodies = dict(cursor.fetchall())  # the lead's text (bench bodies repeat: cheap)
        cursor.execute(sql)
        current, rows = None, []
        for sid, aid, title, image, section, language, name, published, source_id in cursor.fetchall():
            if sid != current and rows:
                flush(current, rows)
                rows = []
            current = sid
            rows.append((aid, title, image, section, language, name, published, source_id))
        if rows:
            flush(current, rows)
    columns = ("article_count, source_count, first_published, last_published, listed, lead_id, headline, image, "
               "teaser, section, language, source_names").split(", ")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One COPY into a scratch table and one UPDATE … FROM: an UPDATE a story (executemany)
            # is a statement each, ~260k of them at 1M articles.
            cursor.execute("CREATE TEMP TABLE cards ON COMMIT DROP AS SELECT id, "
                           f"{', '.join(columns)} FROM stories_story WITH NO DATA")
            with cursor.cursor.copy(f"COPY cards ({', '.join(columns)}, id) FROM STDIN") as copy:
                for row in updates:
                    copy.write_row(row)
            cursor.execute(f"UPDATE stories_story s SET country_count = 1, "
                           f"{', '.join(f'{c} = c.{c}' for c in columns)} FROM cards c WHERE s.id = c.id")
        else:
            cursor.executemany(
                "UPDATE stories_story SET article_count = %s, source_count = %s, country_count = 1, "
                "first_published = %s, last_published = %s, listed = %s, lead_id = %s, headline = %s, image = %s, "
                "teaser = %s, section = %s, language = %s, source_names = %s WHERE id = %s", updates)
    return len(updates)


def targets() -> dict:
    """URLs to load: the biggest recent story, a mid article, a busy source, a deep section page."""
    from broadsheet.articles.models import Article
    from broadsheet.stories.models import Story
    from broadsheet.web.sections import sections, slug_for

    section = sections()[0]
    story = Story.objects.filter(listed=True).order_by("-last_published")[:200]
    story = max(story, key=lambda s: s.article_count)
    articles = Article.objects.filter(status="ok").order_by("-published")
    article = articles[min(1000, articles.count() - 1)]
    in_section = Story.objects.filter(listed=True, section=section).order_by("-last_published", "-pk")
    deep = in_section[in_section.count() // 2]  # half-way down the section, however long it is
    from broadsheet.api.forms import make_cursor
    from broadsheet.enrich.models import ArticleTag

    tag = ArticleTag.objects.filter(article=article).select_related("tag").first().tag.key

    return {"home": "/", "section": f"/section/{slug_for(section)}/",
            "section deep": f"/section/{slug_for(section)}/?before={make_cursor(deep.last_published, deep.pk)}",
            "story": f"/story/{story.pk}/", "article": f"/article/{article.pk}/",
            "source": f"/source/{article.source_id}/", "tag": f"/tag/{tag}/",
            "search": "/search/?q=harbour+election", "API list (50)": "/api/articles?limit=50",
            "API search": "/api/search?q=harbour+election"}


# --- in process ---------------------------------------------------------------------------
def in_process(pages: dict, repeat: int, explain: bool = False) -> dict:
    """Server time and queries of each page through Django's test client, page cache off:
    the median of `repeat` views after one warm-up, and the bare page's the same way."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]
    from django.test import RequestFactory

    from bench.bare_site import page as bare_page

    client = Client()
    found = {}

    def measure(view):
        view()
        wall, cpu = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t, c = time.perf_counter(), time.process_time()
                response = view()
                wall.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
        return {"ms": statistics.median(wall), "cpu_ms": statistics.median(cpu), "queries": len(queries),
                "status": response.status_code, "bytes": len(response.content), "captured": queries.captured_queries}

    # CPU time is this process's own (the database is in process for SQLite), so it holds
    # on a busy box where the wall clock also counts waiting for a core.
    print(f"{'page':18} {'wall':>8} {'CPU':>8}  queries | bare page of the same size, CPU  ratio")
    for name, path in pages.items():
        ours = measure(lambda: client.get(path))
        os.environ["BARE_PAGE_BYTES"] = str(ours["bytes"])
        import bench.bare_site

        bench.bare_site.BYTES = ours["bytes"]
        bare = measure(lambda: bare_page(RequestFactory().get("/")))
        found[name] = {**{k: v for k, v in ours.items() if k != "captured"}, "bare_cpu_ms": bare["cpu_ms"]}
        print(f"{name:18} {ours['ms']:6.1f}ms {ours['cpu_ms']:6.1f}ms  {ours['queries']:4d}    | {bare['cpu_ms']:6.1f} ms"
              f"  {bare['cpu_ms'] / ours['cpu_ms']:5.2f}  (status {ours['status']}, {ours['bytes'] // 1024} KB)",
              flush=True)
        queries = ours["captured"]
        if explain:
            with connection.cursor() as cursor:
                for q in queries:
                    sql = q["sql"]
                    if connection.vendor == "sqlite" and sql.lstrip().upper().startswith("SELECT"):
                        cursor.execute("EXPLAIN QUERY PLAN " + sql)
                        plan = "; ".join(row[-1] for row in cursor.fetchall())
                        print(f"    {float(q['time']) * 1000:6.1f} ms  {sql[:160]}\n             plan: {plan}")
                    elif connection.vendor == "postgresql" and sql.lstrip().upper().startswith(("SELECT", "WITH")):
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                        plan = cursor.fetchone()[0]
                        plan = json.loads(plan) if isinstance(plan, str) else plan
                        top = plan[0]["Plan"]
                        print(f"    {plan[0]['Execution Time']:7.1f} ms exec, {top['Actual Rows']} rows, buffers "
                              f"{top.get('Shared Hit Blocks', 0) + top.get('Shared Read Blocks', 0):,}  {sql[:160]}\n"
                              f"             plan: {_pg_plan(top)}")
    return found


def _pg_plan(node: dict) -> str:
    """A PostgreSQL plan in one line: each node's type, relation or index and actual rows;
    a sequential scan of a big table is marked, the plans tests/web/test_plans.py forbids on SQLite."""
    big = ("articles_article", "stories_member", "stories_story", "enrich_articletag", "stories_related",
           "search_document")
    what = node["Node Type"]
    if node.get("Index Name"):
        what += f" {node['Index Name']}"
    elif node.get("Relation Name"):
        what += f" {node['Relation Name']}"
    if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in big:
        what = "!! " + what
    what += f" ({node.get('Actual Rows', 0)}×{node.get('Actual Loops', 1)})"
    inner = [_pg_plan(child) for child in node.get("Plans", [])]
    return what + (" [" + "; ".join(inner) + "]" if inner else "")


# --- servers and load ---------------------------------------------------------------------
PORTS: range | None = None  # --ports: where servers may listen (a range of one's own on a shared box)
_GIVEN: set[int] = set()  # handed out from PORTS: a server may not be listening on it yet


def free_port() -> int:
    for port in [p for p in PORTS if p not in _GIVEN] if PORTS else [0]:
        _GIVEN.add(port)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:  # taken
                continue
            return s.getsockname()[1]
    raise SystemExit(f"no free port in {PORTS}")


GUNICORN: list[str] = []  # extra options for every gunicorn server (--gunicorn)
GRANIAN: list[str] = []  # extra options for every granian server (--granian)


def serve(app: str, env: dict, port: int, server: str = "gunicorn") -> subprocess.Popen:
    """`app` on 2 worker processes of gunicorn or of granian (its WSGI interface)."""
    if server == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", "2", "--no-ws", "--log-level", "warning", *GRANIAN, app]
    else:
        command = [sys.executable, "-m", "gunicorn", app, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level",
                   "warning", *GUNICORN]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
            return proc
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{app} did not start on port {port}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by every process of a process group (a gunicorn master and its
    workers), from /proc: what a request costs the server whatever else the box is doing."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...; utime, stime at 11, 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


# wrk's delay() hook: each connection waits PACE_MS after a response before its next request.
PACE_SCRIPT = 'local ms = tonumber(os.getenv("PACE_MS")) function delay() return ms end\n'


def load(url: str, seconds: int, connections: int, server: subprocess.Popen | None = None,
         pace: float = 0) -> dict:
    """wrk's rate and latency, and the server's CPU per request (µs) when its process is given.

    pace > 0: offer about that many requests a second instead of as many as the server answers.
    As fast as possible (pace 0), wrk and the server share the bench's two cores, so the p99
    is mostly the queue of a saturated box; paced, it is the latency a reader sees at that rate."""
    before = group_cpu(server.pid) if server else 0.0
    if shutil.which("wrk"):
        command, env = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"], None
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            if pace:
                script.write(PACE_SCRIPT)
                script.flush()
                command += ["-s", script.name]
                env = {**os.environ, "PACE_MS": f"{connections / pace * 1000:.3f}"}
            out = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
        p50 = _ms(re.search(r"\s50%\s+(\S+)", out)[1])
        p99 = _ms(re.search(r"\s99%\s+(\S+)", out)[1])
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        done = int(re.search(r"(\d+) requests in", out)[1])
        found = {"rate": rate, "p50": p50, "p99": p99, "errors": int(errors[1]) if errors else 0}
    elif pace:
        raise SystemExit("paced load needs wrk (apt-get install -y wrk), or --paced 0")
    else:
        found = _python_load(url, seconds, connections)
        done = found["rate"] * seconds
    found["cpu_us"] = (group_cpu(server.pid) - before) / max(1, done) * 1e6 if server else float("nan")
    return found


def _python_load(url: str, seconds: int, connections: int) -> dict:
    """Fallback when wrk is missing: threads with keep-alive-less urllib (slower than wrk)."""
    times: list[float] = []
    errors = [0]
    end = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < end:
            t = time.perf_counter()
            try:
                urllib.request.urlopen(url, timeout=30).read()
                times.append(time.perf_counter() - t)
            except Exception:
                errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    q = statistics.quantiles(times, n=100) if len(times) > 1 else [0] * 99
    return {"rate": len(times) / seconds, "p50": q[49] * 1000, "p99": q[98] * 1000, "errors": errors[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300_000)
    parser.add_argument("--data-dir", type=Path, help="reuse (or fill) this data dir; default: a new temp dir")
    parser.add_argument("--seconds", type=int, default=8, help="load per page and server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only-fill", action="store_true")
    parser.add_argument("--pages", help="comma-separated page names to load (default: all)")
    parser.add_argument("--gunicorn", default="--worker-class gthread --threads 4",
                        help="gunicorn options for the site and the bare page (default: %(default)s)")
    parser.add_argument("--servers", default="granian",
                        help="the site's servers, each loaded in turn after the same bare page: granian (its WSGI "
                             "interface, what `broadsheet run` starts), gunicorn, or both (default: %(default)s)")
    parser.add_argument("--granian", default="--blocking-threads 4",
                        help="granian options for the site (default: %(default)s)")
    parser.add_argument("--modes", default="uncached,cached", help="uncached, cached or both (default)")
    parser.add_argument("--paced", type=float, default=3000, metavar="RATE",
                        help="cached pages are also loaded at about RATE req/s (wrk's delay hook), where "
                             "the issue's p99 goal applies; 0: not (default: %(default)s)")
    parser.add_argument("--in-process", type=int, metavar="N",
                        help="no servers: each page's median server time over N views and its query count")
    parser.add_argument("--explain", action="store_true", help="with --in-process: each query's SQLite plan")
    parser.add_argument("--ports", help="FIRST-LAST: listen only on these ports (default: any free one)")
    args = parser.parse_args()
    if args.ports:
        global PORTS
        first, last = (int(part) for part in args.ports.split("-"))
        PORTS = range(first, last + 1)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bs-serve-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    setup(data_dir)
    from broadsheet.articles.models import Article
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from broadsheet.stories.models import Story

    have = Article.objects.count()
    if have and not Story.objects.filter(listed=True).exists():  # a fill stopped before its cards
        print(f"cards of {finish_cards():,} stories written", file=sys.stderr)
    pages = fill(args.articles) if have == 0 else targets()
    n = Article.objects.count()
    print(f"database: {n:,} articles in {data_dir} ({os.environ.get('DATABASE_URL') and 'PostgreSQL' or 'SQLite'})")
    if args.only_fill:
        return
    if args.pages:
        pages = {k: v for k, v in pages.items() if k in args.pages.split(",")}
    if args.in_process:
        print(f"in process, page cache off, median of {args.in_process}; load average {os.getloadavg()[0]:.1f}")
        in_process(pages, args.in_process, args.explain)
        return
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), "BROADSHEET_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": "broadsheet.settings", "OPENBLAS_NUM_THREADS": "1"}
    tool = "wrk -t2" if shutil.which("wrk") else "python threads (wrk not installed)"
    servers = args.servers.split(",")
    print(f"load: {tool} -c{args.connections}, {args.seconds} s per page and server; 2 workers, gunicorn "
          f"{args.gunicorn}" + (f", granian {args.granian}" if "granian" in servers else "") + "; bare page on gunicorn; "
          f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results: dict[str, dict] = {}
    GUNICORN[:] = args.gunicorn.split()
    GRANIAN[:] = args.granian.split()
    for mode, seconds in (("uncached", "0"), ("cached", "60")):
        if mode not in args.modes.split(","):
            continue
        sites = {}
        try:
            for server in servers:
                port = free_port()
                sites[server] = (port, serve("broadsheet.wsgi:application",
                                             {**env, "BROADSHEET_PAGE_CACHE_SECONDS": seconds}, port, server))
            for name, path in pages.items():
                port = next(iter(sites.values()))[0]
                size = len(urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).read())
                bare_port = free_port()
                bare = serve("bench.bare_site:application", {**env, "BARE_PAGE_BYTES": str(size)}, bare_port)
                try:
                    base = load(f"http://127.0.0.1:{bare_port}/", args.seconds, args.connections, bare)
                finally:
                    stop(bare)
                for server, (port, site) in sites.items():
                    if mode == "cached":
                        # Each worker holds its own copy of the page (locmem cache): one second
                        # of load first, so that every worker has rendered it once and the
                        # figure is of cached answers, not of the first renders queued behind.
                        load(f"http://127.0.0.1:{port}{path}", 1, args.connections)
                    ours = load(f"http://127.0.0.1:{port}{path}", args.seconds, args.connections, site)
                    label = f"{name}, {mode}" + (f", {server}" if len(servers) > 1 else "")
                    results[label] = {"ours": ours, "bare": base, "bytes": size}
                    print(f"{label:32} {ours['rate']:8.0f} req/s  p50 {ours['p50']:7.1f} ms  "
                          f"p99 {ours['p99']:7.1f} ms | bare {base['rate']:6.0f} req/s p99 {base['p99']:6.1f} ms"
                          f" | ratio {ours['rate'] / base['rate']:5.2f} | server CPU/request {ours['cpu_us']:6.0f} µs,"
                          f" bare {base['cpu_us']:5.0f} µs ({size // 1024} KB"
                          f"{', errors ' + str(ours['errors']) if ours['errors'] else ''})", flush=True)
                    if mode == "cached" and args.paced:
                        paced = load(f"http://127.0.0.1:{port}{path}", 2, args.connections, site, pace=args.paced)
                        # wrk's delay comes after each answer, so the answer time lengthens every
                        # connection's cycle: one correction from a 2 s trial brings the rate to RATE.
                        offer = args.paced
                        if paced["rate"] < 0.98 * args.paced:
                            cycle_ms = args.connections / args.paced * 1000 - (
                                args.connections / paced["rate"] - args.connections / args.paced) * 1000
                            offer = args.connections / max(cycle_ms, 0.01) * 1000
                        paced = load(f"http://127.0.0.1:{port}{path}", args.seconds, args.connections, site,
                                     pace=offer)
                        results[label]["paced"] = paced
                        print(f"{label + ', paced':32} {paced['rate']:8.0f} req/s  p50 {paced['p50']:7.1f} ms  "
                              f"p99 {paced['p99']:7.1f} ms | offered ~{args.paced:.0f} req/s | server CPU/request "
                              f"{paced['cpu_us']:6.0f} µs", flush=True)
        finally:
            for _, site in sites.values():
                stop(site)
    (data_dir / "serve-results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
