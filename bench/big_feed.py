"""Big-feed benchmark: one poll of a feed with N entries, served over loopback.

A hostile or careless publisher can serve a 5 MB feed with 100,000 entries. This times
one `poll_feed` of such a feed into a fresh SQLite database, split into fetch, parse and
store, and counts the articles the poll queued (the cap per poll bounds them).

    .venv/bin/python bench/big_feed.py [--entries 100000] [--polls 2] [--dates]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def big_rss(n: int, dates: bool) -> bytes:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    items = "".join(
        f"<item><link>https://big.example.org/a/{i}</link>"
        + (f"<pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate>" if dates else "")
        + "</item>"
        for i in range(n)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>{items}</channel></rss>'.encode()


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--polls", type=int, default=2)
    parser.add_argument("--dates", action="store_true", help="give each entry a pubDate (about 9 MB for 100,000)")
    args = parser.parse_args()

    from bench.embedded import fresh_site

    fresh_site("bench-bigfeed-")
    from broadsheet.articles.models import Article
    from broadsheet.crawl import feeds, pipeline
    from broadsheet.lib import http
    from broadsheet.sources.models import Feed
    from broadsheet.sources.services import add_feed

    body = big_rss(args.entries, args.dates)
    server = serve(body)
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    add_feed(url, name="big")
    print(f"feed: {args.entries:,} entries, {len(body) / 1e6:.1f} MB")

    # Time the phases by wrapping the functions poll_feed calls.
    phases = {"fetch": 0.0, "parse": 0.0}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] += time.perf_counter() - t
        return wrapper

    pipeline.fetch = timed("fetch", http.fetch)
    pipeline.parse_feed = timed("parse", feeds.parse_feed)
    for poll in range(1, args.polls + 1):
        phases.update(fetch=0.0, parse=0.0)
        feed = Feed.objects.select_related("source").get()
        feed.etag = feed.last_modified = ""  # the server sends none; keep every poll a full read
        start = time.perf_counter()
        result = pipeline.poll_feed(feed)
        total = time.perf_counter() - start
        store = total - phases["fetch"] - phases["parse"]
        print(f"poll {poll}: {total:6.1f} s  (fetch {phases['fetch']:.1f} s, parse {phases['parse']:.1f} s, "
              f"store {store:.1f} s); {len(result.new_ids):,} queued, {result.known:,} known, ok={result.ok} "
              f"{result.error}")
    pending = Article.objects.filter(status=Article.Status.PENDING).count()
    print(f"articles pending after {args.polls} polls: {pending:,}")
    server.shutdown()


if __name__ == "__main__":
    main()
