"""Crawl benchmark: `broadsheet crawl --once --all` over many feeds from many loopback hosts,
a chosen share of them failing, against an all-healthy run of the same feeds in the same bench.

One server process serves N feeds from H loopback addresses (127.0.1.1 ... 127.0.1.H, one
threaded HTTP server each), 5 items a feed, each item a generated article page of about
5 KB (our own generated text). A share of the feeds fails, split evenly over five ways:
HTTP 500, HTTP 404, a hang longer than the fetch timeout, a body that starts as RSS and
turns to garbage, and RSS cut off half-way. The crawl runs as a subprocess on a fresh
database (SQLite in a temp folder, or the PostgreSQL of --db after a flush).

    .venv/bin/python bench/crawl.py [--feeds 1000] [--hosts 100] [--failing 0.10] [--tree PATH] [--db URL]
                                    [--run SECONDS [--workers 2] [--redis URL]]

`--run SECONDS` runs the running scheduler instead (`broadsheet run --no-web`: scheduler and
task workers, on the database queue, or on RQ with `--redis`) for that long, then stops it
and counts what it stored and processed by then.

Baseline: the same feeds, all healthy, crawled by the same code in the same bench. Prints
feeds/s, pages/s, enriched articles/s end to end, the median and p99 delay of the healthy
feeds (start of the crawl -> the server first sees the feed's request) as a ratio against
the baseline, every failing feed stored with its reason (vs expected) and the peak RSS and CPU time of
each process kind. `--tree /work/main` measures another checkout with the same bench.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEMS = 5
KINDS = ["http_500", "http_404", "timeout", "garbage", "truncated"]

# --- generated text (ours: words and made-up names, no publisher's text) ------------------

WORDS = """council city river bridge school hospital market station harbour village district mayor minister
budget plan vote tax rent water power grid road rail tram bus port airport farm harvest storm flood fire
court judge police inquiry report study survey data price cost wage job factory mine plant company bank
union strike talks deal agreement treaty border election campaign party leader member office policy law
rule permit license contract tender project site building tower park square street museum library theatre
festival season team match league final coach player club stadium ticket fan crowd record year month week
morning evening night weekend spring summer autumn winter north south east west central coastal rural urban
residents workers families children students teachers doctors nurses farmers drivers owners officials
experts critics supporters opponents visitors said told announced warned agreed rejected approved delayed
opened closed raised cut extended reduced expected planned promised asked called reported found showed
new old first last next major minor local national regional public private small large early late""".split()
SYLLABLES = "qa ve lor mi sun tar ok el brin da ro fen ash ul mar ti ko zen pel dor ri na vo kesh".split()


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def topic(i: int) -> tuple[str, list[str]]:
    """A made-up event: a place and its own words, shared by every article about it."""
    rng = random.Random(f"topic-{i}")
    return name(rng), [name(rng) for _ in range(4)] + rng.sample(WORDS, 8)


def sentence(rng: random.Random, words: list[str]) -> str:
    picked = [rng.choice(words if rng.random() < 0.3 else WORDS) for _ in range(rng.randint(10, 16))]
    return " ".join(picked).capitalize() + "."


def article(feed: int, item: int, topics: int) -> tuple[str, str, datetime]:
    """(title, html of about 5 KB, published) of item `item` of feed `feed`."""
    from html import escape

    rng = random.Random(f"page-{feed}-{item}")
    place, words = topic(rng.randrange(topics))
    title = f"{place}: {' '.join(rng.sample(words, 3))} {rng.choice(WORDS)} {rng.choice(WORDS)}".strip()
    published = datetime(2026, 11, 30, tzinfo=timezone.utc) - timedelta(minutes=rng.randint(30, 2880))
    paragraphs = [" ".join(sentence(rng, [place, *words]) for _ in range(rng.randint(3, 4))) for _ in range(8)]
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    author = f"{name(rng)} {name(rng)}"
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | Bench Post {feed % 97}</title>
<meta property="og:title" content="{escape(title)}">
<meta name="author" content="{escape(author)}">
<meta property="article:published_time" content="{published.isoformat()}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{escape(title)}</h1><p class="byline">By <span class="author">{escape(author)}</span></p>
<time datetime="{published.isoformat()}">{published.date()}</time>
{body}
</article></main><footer><p>Copyright Bench Post. All rights reserved.</p></footer></body></html>"""
    return title, html, published


def feed_xml(feed: int, base: str, topics: int) -> bytes:
    from html import escape

    items = []
    for item in range(ITEMS):
        title, _, published = article(feed, item, topics)
        items.append(f"<item><title>{escape(title)}</title><link>{base}/a/{feed}/{item}.html</link>"
                     f"<guid>{base}/a/{feed}/{item}.html</guid><pubDate>{format_datetime(published)}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Bench feed {feed}</title>'
            f"<link>{base}/</link><description>generated</description>{''.join(items)}</channel></rss>").encode()


def hosts(count: int) -> list[str]:
    return [f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(count)]


def failing_plan(feeds: int, share: float, seed: int = 1) -> dict[int, str]:
    """Which feeds fail and how: an even split over KINDS, spread over the hosts."""
    chosen = random.Random(seed).sample(range(feeds), round(feeds * share))
    return {feed: KINDS[i % len(KINDS)] for i, feed in enumerate(sorted(chosen))}


# --- the server process --------------------------------------------------------------------


def serve(addresses: list[str], port: int, topics: int, hang: float, control) -> None:
    state = {"fail": {}, "log": []}  # log: (time, host index, path), appended by handler threads

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def send(self, status: int, body: bytes = b"", kind: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            state["log"].append((time.time(), self.server.server_address[0], self.path))
            base = f"http://{self.server.server_address[0]}:{port}"
            parts = self.path.strip("/").split("/")
            try:
                if parts[0] == "f" and len(parts) == 2:
                    feed = int(parts[1].removesuffix(".xml"))
                    kind = state["fail"].get(feed)
                    if kind == "http_500":
                        return self.send(500, b"server error")
                    if kind == "http_404":
                        return self.send(404, b"not found")
                    if kind == "timeout":
                        time.sleep(hang)
                        return self.send(200, feed_xml(feed, base, topics), "application/rss+xml")
                    body = feed_xml(feed, base, topics)
                    if kind == "garbage":
                        rng = random.Random(feed)
                        body = body[:160] + bytes(rng.randrange(256) for _ in range(3000))
                    elif kind == "truncated":
                        body = body[: len(body) * 6 // 10]
                    return self.send(200, body, "application/rss+xml")
                if parts[0] == "a" and len(parts) == 3:
                    _, html, _ = article(int(parts[1]), int(parts[2].removesuffix(".html")), topics)
                    return self.send(200, html.encode(), "text/html; charset=utf-8")
            except (ValueError, BrokenPipeError, ConnectionResetError):
                return
            self.send(404, b"not found")

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    for address in addresses:
        server = ThreadingHTTPServer((address, port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    control.send("ready")
    while True:
        command, arg = control.recv()
        if command == "plan":
            state["fail"], state["log"] = arg, []
            control.send("ok")
        elif command == "log":
            control.send(list(state["log"]))
        elif command == "stop":
            return


# --- one crawl -----------------------------------------------------------------------------

ADD_FEEDS = """
import json, sys, django
django.setup()
from broadsheet.sources.services import add_feed
for url in json.load(open(sys.argv[1])):
    add_feed(url)
"""

RESULTS = """
import json, django
django.setup()
from django.db.models import Count, Max
from django.utils import timezone
from broadsheet.articles.models import Article
from broadsheet.sources.models import Feed
print(json.dumps({
    # a feed read with a warning (truncated, garbage inside) keeps it in last_warning, where the code has one
    "feeds": [(url, kind or ("warning" if warning else ""), failures) for url, kind, failures, warning in
              Feed.objects.values_list("url", "last_error_kind", "consecutive_failures",
                                       "last_warning" if hasattr(Feed, "last_warning") else "last_error_kind")],
    "status": dict(Article.objects.values_list("status").annotate(n=Count("pk"))),
    "processed": Article.objects.filter(processed_at__isnull=False).count(),
    # processing not starved by fetches: articles processed while pages were still being fetched
    "processed_before_last_fetch": Article.objects.filter(
        processed_at__lt=Article.objects.aggregate(m=Max("fetched_at"))["m"] or timezone.now()).count(),
}))
"""


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def peak_kib(pid: int) -> tuple[str, int] | None:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    if not cmdline or not hwm:  # exiting: nothing left to read
        return None
    if "resource_tracker" in cmdline:
        kind = "multiprocessing resource tracker"
    elif "broadsheet.cli worker" in cmdline:
        kind = "task worker"
    elif "broadsheet.cli run" in cmdline:
        kind = "run (scheduler)"
    elif "crawl" in cmdline:
        kind = "crawl process"
    elif "multiprocessing" in cmdline or "spawn_main" in cmdline:
        kind = "extraction process"
    else:
        kind = "other: " + cmdline[:40]
    return kind, hwm


def crawl(args, plan: dict[int, str], control, urls: list[str], label: str) -> dict:
    control.send(("plan", plan))
    control.recv()
    env = {**os.environ, "PYTHONPATH": str(args.tree), "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
           "BROADSHEET_FETCH_ALLOW_PRIVATE": "true", "BROADSHEET_DATA_DIR": tempfile.mkdtemp(prefix=f"bench-crawl-{label}-")}
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    if args.db:
        env["DATABASE_URL"] = args.db
    else:
        env.pop("DATABASE_URL", None)
    python = [sys.executable]

    def run(*argv: str) -> str:
        done = subprocess.run([*python, *argv], env=env, cwd=args.tree, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{' '.join(argv[:3])} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    run("-m", "broadsheet.cli", "migrate", "-v0")
    if args.db:
        run("-m", "broadsheet.cli", "flush", "--no-input", "-v0")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(urls, handle)
    run("-c", ADD_FEEDS, handle.name)

    if args.redis:
        from redis import Redis

        Redis.from_url(args.redis).flushdb()  # jobs of an earlier run
    peaks: dict[int, tuple[str, int]] = {}
    cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, CPU seconds at its last sample)
    worker_cpu: list[tuple[float, float]] = []  # (time, task workers' CPU seconds so far), each sample
    start = time.time()
    if args.run:
        command = ["run", "--no-web", "--workers", str(args.workers), "--interval", "1"]
    else:
        command = ["crawl", "--once", "--all"] + (["--no-process"] if args.no_process else [])
    proc = subprocess.Popen([*python, "-m", "broadsheet.cli", *command], env=env, cwd=args.tree,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True)
    reader.start()
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            found = peak_kib(pid)
            if found and found[1] >= peaks.get(pid, ("", 0))[1]:
                peaks[pid] = found
            if found:
                cpu[pid] = (found[0], max(cpu.get(pid, ("", 0.0))[1], cpu_seconds(pid)))
        worker_cpu.append((time.time(), sum(seconds for kind, seconds in cpu.values() if kind == "task worker")))
        if args.run and time.time() - start >= args.run:
            proc.terminate()  # `run` stops its workers and scheduler on SIGTERM
            proc.wait(60)
            break
        time.sleep(0.25)
    wall = min(time.time() - start, args.run) if args.run else time.time() - start
    out = proc.stdout.read()
    reader.join(5)
    Path(env["BROADSHEET_DATA_DIR"], "stderr.log").write_text("".join(err))  # the whole log, for a crash's traceback
    if proc.returncode and (not args.run or time.time() - start < args.run - 1):  # `run` stopped before its time
        sys.exit(f"{command[0]} failed ({proc.returncode}):\n{''.join(err)[-3000:]}")
    control.send(("log", None))
    log = control.recv()
    results = json.loads(run("-c", RESULTS).strip().splitlines()[-1])
    by_kind: dict[str, int] = {}
    for kind, kib in peaks.values():
        by_kind[kind] = max(by_kind.get(kind, 0), kib)
    cpu_by_kind: dict[str, float] = {}
    for kind, seconds in cpu.values():
        cpu_by_kind[kind] = cpu_by_kind.get(kind, 0.0) + seconds
    busy = [json.loads(line.split("worker busy: ", 1)[1]) for line in err if "worker busy: " in line]
    return {"start": start, "wall": wall, "load": os.getloadavg()[0], "log": log, "results": results, "summary": out.strip().splitlines(),
            "busy": busy,
            "peaks": by_kind, "cpu": cpu_by_kind, "worker_cpu": worker_cpu, "warnings": [line for line in err if "crashed" in line or "Traceback" in line][:5] +
            ([f"(whole log: {env['BROADSHEET_DATA_DIR']}/stderr.log)"] if any("crashed" in line for line in err) else [])}


# --- figures -------------------------------------------------------------------------------


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def figures(run: dict, feeds: int, plan: dict[int, str]) -> dict:
    first: dict[str, float] = {}
    for t, _, path in run["log"]:
        first[path] = min(t, first.get(path, t))
    feed_times = {int(path[3:-4]): t - run["start"] for path, t in first.items() if path.startswith("/f/")}
    page_times = [t - run["start"] for path, t in first.items() if path.startswith("/a/")]
    healthy = [i for i in range(feeds) if i not in plan]
    delays = [feed_times[i] for i in healthy if i in feed_times]
    processed = run["results"]["processed"]
    return {
        "delays": {i: feed_times.get(i) for i in healthy},
        "median": statistics.median(delays) if delays else float("nan"),
        "p99": p(delays, 0.99),
        "feeds_per_s": len(feed_times) / max(feed_times.values()) if feed_times else 0.0,
        "pages": len(page_times),
        "first_page": min(page_times) if page_times else float("nan"),
        "pages_per_s": len(page_times) / max(page_times) if page_times else 0.0,
        "processed": processed,
        "enriched_per_s": processed / run["wall"],
        # The task workers' CPU from the first page fetched on (their start-up, models loading,
        # left out), per article processed: the figure that holds on a loaded box.
        "worker_cpu_ms": 1000 * (run["worker_cpu"][-1][1] - _cpu_at(run["worker_cpu"], run["start"] + min(page_times)))
        / processed if processed and page_times and run["worker_cpu"] else float("nan"),
        # The cores the task workers used from the first page fetched to the end of the run.
        "worker_cores": (run["worker_cpu"][-1][1] - _cpu_at(run["worker_cpu"], run["start"] + min(page_times)))
        / max(1e-9, run["wall"] - min(page_times)) if page_times and run["worker_cpu"] else float("nan"),
    }


TOP = ("claim", "idle")  # with the task:NAME spans, the worker loop's top-level spans (crawl/busy.py)


def busy_lines(reports: list[dict], processed: int) -> list[str]:
    """Where the task workers' wall time went, summed over the workers (crawl/busy.py): each
    top-level span's share, split into on a core (CPU), waiting for a core (run queue: the
    box's load) and blocked (network, SQLite's lock, the queue's sleep); then the waits inside."""
    if not reports:
        return []
    spans: dict[str, list[float]] = {}
    for report in reports:
        for name, values in report["spans"].items():
            totals = spans.setdefault(name, [0, 0.0, 0.0, 0.0])
            for i, value in enumerate(values):
                totals[i] += value
    wall = sum(r["wall"] for r in reports)
    cpu = sum(r["cpu"] for r in reports)
    runq = sum(r.get("runqueue", 0.0) for r in reports)
    top = {name: v for name, v in spans.items() if name.startswith("task:") or name in TOP}
    rest = [wall - sum(v[1] for v in top.values()), cpu - sum(v[2] for v in top.values()),
            runq - sum(v[3] for v in top.values())]

    def row(name: str, n, w: float, c: float, q: float) -> str:
        count = f"{int(n):7d} x" if n is not None else " " * 9
        return (f"   {name:<22} {count} {w / wall:6.1%} of wall: on a core {c / wall:6.1%}, waiting for one {q / wall:6.1%}, "
                f"blocked {(w - c - q) / wall:6.1%}  ({w:.1f} s)")

    blocked = wall - cpu - runq
    out = [f"task workers' time : {len(reports)} workers, {wall:.1f} s of wall in all: their task threads on a core "
           f"{cpu / wall:.0%}, waiting for a core {runq / wall:.0%}, blocked {blocked / wall:.0%}",
           # What a box with free cores would show (no run queue): the share of the time a worker
           # is not waiting for a core that it computes. The figure the load moves least.
           f"   busy share without the run queue: {cpu / max(1e-9, cpu + blocked):.0%} "
           f"(on a core / (on a core + blocked)); blocked {1000 * blocked / max(1, processed):.1f} ms a processed article"]
    for name, (n, w, c, q) in sorted(top.items(), key=lambda kv: -kv[1][1]):
        out.append(row(name, n, w, c, q))
    out.append(row("(rest of the loop)", None, *rest))
    inner = {name: v for name, v in spans.items() if name == "http"}
    db = [v for name, v in spans.items() if name.startswith("db:")]
    if db:
        inner["db"] = [sum(v[i] for v in db) for i in range(4)]
        inner.update({name.replace("db:task:", "db in "): v for name, v in spans.items() if name.startswith("db:")})
    for name, values in inner.items():
        out.append(row("inside: " + name, *values))
    return out


def _cpu_at(series: list[tuple[float, float]], when: float) -> float:
    """The task workers' CPU seconds at the last sample taken before `when`."""
    before = [seconds for t, seconds in series if t <= when]
    return before[-1] if before else 0.0


def stored_reasons(run: dict, plan: dict[int, str]) -> tuple[int, dict[str, dict[str, int]]]:
    """(failing feeds stored with a reason, {served as: {stored kind: count}})."""
    kinds = {int(url.rsplit("/", 1)[1][:-4]): kind for url, kind, _ in run["results"]["feeds"]}
    table: dict[str, dict[str, int]] = {}
    with_reason = 0
    for feed, served in plan.items():
        stored = kinds.get(feed) or "(none: counted ok)"  # "warning": read, with its warning stored
        with_reason += bool(kinds.get(feed))
        table.setdefault(served, {}).setdefault(stored, 0)
        table[served][stored] += 1
    return with_reason, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--failing", type=float, default=0.10, help="share of feeds failing, split over five ways")
    parser.add_argument("--topics", type=int, default=0, help="distinct events the articles are about (default feeds*5/8)")
    parser.add_argument("--hang", type=float, default=20.0, help="seconds a hanging feed waits (fetch timeout is 15 s)")
    parser.add_argument("--port", type=int, default=8780)
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose code crawls (default: this one)")
    parser.add_argument("--db", default="", help="a PostgreSQL DATABASE_URL (flushed before each run) instead of SQLite")
    parser.add_argument("--no-process", action="store_true",
                        help="crawl --no-process: feeds and pages only, processing left queued for task workers")
    parser.add_argument("--skip-baseline", action="store_true", help="only the failing run (no ratios)")
    parser.add_argument("--run", type=float, default=0, metavar="SECONDS",
                        help="run the scheduler and task workers (`broadsheet run --no-web`) this long instead of crawl --once")
    parser.add_argument("--workers", type=int, default=2, help="task worker processes with --run")
    parser.add_argument("--redis", default="", help="a REDIS_URL (flushed before each run): RQ workers with --run")
    args = parser.parse_args()
    args.tree = args.tree.resolve()
    topics = args.topics or max(1, args.feeds * ITEMS // 8)

    addresses = hosts(args.hosts)
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(
        target=serve, args=(addresses, args.port, topics, args.hang, theirs), daemon=True)
    server.start()
    if ours.recv() != "ready":
        sys.exit("the server process did not start")
    urls = [f"http://{addresses[i % len(addresses)]}:{args.port}/f/{i}.xml" for i in range(args.feeds)]
    plan = failing_plan(args.feeds, args.failing)

    load = os.getloadavg()
    print(f"bench/crawl.py: {args.feeds} feeds x {ITEMS} items from {len(addresses)} loopback hosts, "
          f"{len(plan)} failing ({args.failing:.0%}: {', '.join(KINDS)}), code from {args.tree}, "
          f"{'PostgreSQL' if args.db else 'SQLite'}{', --no-process' if args.no_process else ''}"
          f"{f', broadsheet run for {args.run:.0f} s with {args.workers} workers on ' + ('RQ' if args.redis else 'the database queue') if args.run else ''}; "
          f"load average at start {load[0]:.1f}", flush=True)
    runs = {}
    if not args.skip_baseline:
        runs["all healthy"] = crawl(args, {}, ours, urls, "healthy")
    runs["failing"] = crawl(args, plan, ours, urls, "failing")
    server_peak = peak_kib(server.pid)
    ours.send(("stop", None))

    figs = {label: figures(run, args.feeds, plan if label == "failing" else {}) for label, run in runs.items()}
    # The healthy feeds of hosts where two or more feeds hang (both polite slots could be held
    # by them) against the other healthy feeds, within each run: a ratio the box's load moves
    # far less than a ratio between two runs.
    hung = [i % len(addresses) for i, kind in plan.items() if kind == "timeout"]
    held_hosts = {h for h in hung if hung.count(h) >= 2}
    held = {i for i in figs["failing"]["delays"] if i % len(addresses) in held_hosts}
    base = figs.get("all healthy")
    if base:  # the baseline's delays over the same feeds that stay healthy in the failing run
        same = [base["delays"][i] for i in figs["failing"]["delays"] if base["delays"].get(i) is not None]
        base["median"], base["p99"] = statistics.median(same), p(same, 0.99)
    for label, run in runs.items():
        f = figs[label]
        print(f"\n## {label} (wall {run['wall']:.1f} s, load average at its end {run['load']:.1f})")
        for line in run["summary"]:
            print("   " + line)
        print(f"feeds/s            : {f['feeds_per_s']:7.1f}  (every feed asked for by +{args.feeds / f['feeds_per_s']:.1f} s)")
        print(f"pages/s            : {f['pages_per_s']:7.1f}  ({f['pages']} pages by +{f['pages'] / max(f['pages_per_s'], 1e-9):.1f} s; "
              f"first at +{f['first_page']:.1f} s)")
        if not args.no_process:
            print(f"enriched articles/s: {f['enriched_per_s']:7.1f}  ({f['processed']} processed in {run['wall']:.1f} s, "
                  f"{run['results'].get('processed_before_last_fetch', 0)} of them before the last page fetched)")
            print(f"task workers' CPU  : {f['worker_cpu_ms']:7.1f} ms a processed article, from the first page fetched on; "
                  f"{f['worker_cores']:.2f} cores used of {os.cpu_count()} in that time")
            for line in busy_lines(run.get("busy", []), f["processed"]):
                print(line)
        ratio = (lambda key: f"  {f[key] / base[key]:.2f}x the all-healthy run") if base else (lambda key: "")
        print(f"healthy feeds' delay: median {f['median']:6.1f} s{ratio('median')}")
        print(f"                      p99    {f['p99']:6.1f} s{ratio('p99')}")
        if held:
            mine = [f["delays"][i] for i in held if f["delays"].get(i) is not None]
            rest = [t for i, t in f["delays"].items() if i not in held and i in figs["failing"]["delays"] and t is not None]
            print(f"  on hosts where 2+ feeds hang ({len(mine)} feeds, {len(held_hosts)} host(s)): median {statistics.median(mine):.1f} s, "
                  f"last {max(mine):.1f} s; other healthy feeds: median {statistics.median(rest):.1f} s, last {max(rest):.1f} s; "
                  f"medians {statistics.median(mine) / statistics.median(rest):.2f}x")
        for kind, kib in sorted(run["peaks"].items()):
            print(f"peak RSS {kind:<20}: {kib / 1024:7.0f} MB")
        for kind, seconds in sorted(run["cpu"].items()):
            print(f"CPU time {kind:<20}: {seconds:7.1f} s (all processes of the kind, to their last sample)")
        if run["warnings"]:
            print("stderr: " + " | ".join(line.strip() for line in run["warnings"]))
    if plan:
        with_reason, table = stored_reasons(runs["failing"], plan)
        print(f"\nfailing feeds stored with a reason (an error kind, or a stored warning): {with_reason} of {len(plan)}")
        for served, stored in table.items():
            print(f"   served {served:<9} -> " + ", ".join(f"{kind} {n}" for kind, n in sorted(stored.items())))
    if server_peak:
        print(f"peak RSS bench server process    : {server_peak[1] / 1024:7.0f} MB")
    if base:
        f = figs["failing"]
        enriched = "" if args.no_process else f", {f['enriched_per_s']:.1f} enriched articles/s (>= 20)"
        print(f"\ngoals: healthy feeds' median delay {f['median'] / base['median']:.2f}x the all-healthy run (<= 1.2x){enriched}")


if __name__ == "__main__":
    main()
