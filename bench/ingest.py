"""Ingest benchmark: `broadsheet crawl --once` end to end against real pages on loopback.

Serves N real news pages from ../shared/data/extraction-dev (each repeated under
distinct URLs) plus one RSS feed per loopback host, from a separate process, crawls
them into a fresh SQLite database, and compares the wall time with bare trafilatura
extracting the same pages in the same run.

    .venv/bin/python bench/ingest.py [--pages 400] [--hosts 6]

Prints articles/s for both and the ratio (ours / bare extraction): the goal is that
fetching, storing and queueing cost at most 30% over extraction alone (ratio <= 1.30).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction-dev"
sys.path.insert(0, str(ROOT))


def load_pages() -> list[tuple[str, bytes]]:
    rows = [json.loads(line) for line in (DATA / "truth.jsonl").read_text().splitlines() if line.strip()]
    return [(row["url"], (DATA / "html" / f"{row['id']}.html").read_bytes()) for row in rows]


def serve(host: str, port: int, pages: dict[str, bytes], feed: bytes, ready) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            if self.path == "/feed.xml":
                body, kind = feed, "application/rss+xml"
            elif self.path in pages:
                body, kind = pages[self.path], "text/html; charset=utf-8"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    ready.set()
    server.serve_forever()


def rss(items: list[tuple[str, str]]) -> bytes:
    from html import escape

    entries = "".join(f"<item><title>{escape(t)}</title><link>{escape(u)}</link></item>" for u, t in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>{entries}</channel></rss>'.encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--hosts", type=int, default=6)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"needs {DATA} (the team's shared data); not found")

    originals = load_pages()
    pages = [originals[i % len(originals)] for i in range(args.pages)]

    # --- baseline: bare trafilatura on the same pages, one core -------------------------
    import trafilatura

    start = time.perf_counter()
    for url, html in pages:
        trafilatura.bare_extraction(html.decode("utf-8", "replace"), url=url, with_metadata=True)
    bare = time.perf_counter() - start

    # --- ours: serve on loopback from other processes, crawl into a fresh database --------
    hosts = [f"127.0.0.{i + 1}" for i in range(args.hosts)]
    per_host: dict[str, dict[str, bytes]] = {h: {} for h in hosts}
    items: dict[str, list[tuple[str, str]]] = {h: [] for h in hosts}
    for i, (url, html) in enumerate(pages):
        host = hosts[i % len(hosts)]
        path = f"/a/{i}.html"
        per_host[host][path] = html
        items[host].append((f"http://{host}:{args.port}{path}", f"page {i}"))
    servers = []
    for host in hosts:
        ready = multiprocessing.Event()
        proc = multiprocessing.Process(target=serve, args=(host, args.port, per_host[host], rss(items[host]), ready), daemon=True)
        proc.start()
        ready.wait(10)
        servers.append(proc)

    from bench.embedded import fresh_site

    fresh_site("bench-ingest-")
    from broadsheet.articles.models import Article
    from broadsheet.crawl.runner import crawl_once
    from broadsheet.extract import extract
    from broadsheet.sources.services import add_feed

    for host in hosts:
        add_feed(f"http://{host}:{args.port}/feed.xml", name=f"bench {host}")

    start = time.perf_counter()
    summary = crawl_once(process=False)
    ours = time.perf_counter() - start

    # our extraction alone, to split the cost between extraction and plumbing
    start = time.perf_counter()
    for url, html in pages:
        try:
            extract(html.decode("utf-8", "replace"), url)
        except Exception:
            pass
    ours_extract = time.perf_counter() - start

    for proc in servers:
        proc.terminate()

    stored = Article.objects.exclude(status=Article.Status.PENDING).count()
    n = len(pages)
    print(f"pages: {n} ({len(originals)} real pages from extraction-dev, repeated under distinct URLs), {args.hosts} loopback hosts")
    print("; ".join(summary.lines()))
    print(f"baseline  bare trafilatura extraction, 1 core : {bare:7.2f} s  {n / bare:7.1f} pages/s")
    print(f"ours      our extraction alone, 1 core        : {ours_extract:7.2f} s  {n / ours_extract:7.1f} pages/s")
    print(f"ours      crawl --once end to end             : {ours:7.2f} s  {stored / ours:7.1f} articles/s  ({stored} rows done)")
    print(f"ratio     crawl end to end / bare extraction  : {ours / bare:5.2f}   (goal <= 1.30)")
    print(f"ratio     crawl end to end / our extraction   : {ours / ours_extract:5.2f}   (plumbing overhead over our own extractor)")


if __name__ == "__main__":
    main()
