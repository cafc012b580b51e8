"""`broadsheet extract`: pages in, clean articles out, as JSON lines.

    broadsheet extract < pages.jsonl > articles.jsonl     # {"id", "url", "html"} per line
    broadsheet extract page.html [--url URL]              # one saved page
    broadsheet extract pages.jsonl                        # a JSON-lines file
    broadsheet extract https://example.com/story          # fetched through the bounded client

Each output line is {"id", "title", "authors", "published", "modified", "section",
"language", "image", "body", "paragraphs", "blocks"}: "blocks" labels the paragraphs in
reading order ({"type": "p|h2|h3|li|quote|entry", "text", ...}; see extract/structure.py).
A page that cannot be handled gives {"id", "error"} and the run goes on. Progress goes to stderr. An input line may carry
"feed": {"title", "author", "published"} from the feed entry, used where the page is silent.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Iterator, TextIO

from django.core.management.base import BaseCommand, CommandError

from broadsheet.extract import ExtractError, extract

FIELDS = ("title", "authors", "published", "modified", "section", "language", "image", "body", "paragraphs", "blocks")
EXTRA_FIELDS = ("canonical_url", "sitename", "paywalled", "teaser")


def handle_row(row: object, number: int, extra: bool = False) -> dict:
    """One input object -> one output object (never raises)."""
    if not isinstance(row, dict):
        return {"id": None, "error": f"line {number}: each line must be a JSON object"}
    page_id = row.get("id", number)
    html, url = row.get("html"), row.get("url") or ""
    if not isinstance(html, str) or not html.strip():
        return {"id": page_id, "error": 'needs a non-empty "html" string'}
    if not isinstance(url, str):
        return {"id": page_id, "error": '"url" must be a string'}
    hints = row.get("feed") if isinstance(row.get("feed"), dict) else None
    try:
        data = extract(html, url, feed_hints=hints).as_json()
    except ExtractError as exc:
        return {"id": page_id, "error": str(exc)}
    except Exception as exc:  # an extractor bug costs one page, not the run
        return {"id": page_id, "error": f"internal error: {exc.__class__.__name__}: {exc}"}
    keys = FIELDS + (EXTRA_FIELDS if extra else ())
    return {"id": page_id, **{key: data[key] for key in keys}}


def _lines(stream: TextIO) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as exc:
            yield number, ValueError(f"line {number}: invalid JSON ({exc.msg})")


def _fetch(url: str) -> dict:
    from broadsheet.lib.http import FetchError, fetch

    try:
        response = fetch(url)
    except FetchError as exc:
        return {"id": url, "url": url, "error": str(exc)}
    charset = response.charset or "utf-8"
    try:
        html = response.content.decode(charset, "replace")
    except LookupError:
        html = response.content.decode("utf-8", "replace")
    return {"id": url, "url": response.url, "html": html}


class Command(BaseCommand):
    help = "Extract clean articles from HTML pages (JSON lines in, JSON lines out)."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="an .html file, a .jsonl file or an http(s) URL (default: stdin)")
        parser.add_argument("--url", default="", help="the page's URL, for a single .html file")
        parser.add_argument("--all-fields", action="store_true", help="also output canonical_url, sitename, paywalled, teaser")

    def handle(self, *args, source=None, url="", all_fields=False, **options):
        out, err = self.stdout._out, self.stderr._out
        rows: Iterator[tuple[int, object]]
        if source is None or source == "-":
            rows = _lines(sys.stdin)
        elif source.startswith(("http://", "https://")):
            rows = iter([(1, _fetch(source))])
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"no such file: {source}")
            if path.suffix.lower() in {".jsonl", ".json", ".ndjson"}:
                rows = _lines(path.open(encoding="utf-8", errors="replace"))
            else:
                rows = iter([(1, {"id": str(path), "url": url, "html": path.read_bytes().decode("utf-8", "replace")})])
        done = failed = 0
        start = time.monotonic()
        for number, row in rows:
            if isinstance(row, Exception):
                result = {"id": None, "error": str(row)}
            elif isinstance(row, dict) and "error" in row and "html" not in row:
                result = {"id": row.get("id"), "error": row["error"]}
            else:
                result = handle_row(row, number, extra=all_fields)
            done += 1
            if "error" in result:
                failed += 1
                err.write(f"page {result['id']}: {result['error']}\n")
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
            if done % 50 == 0:
                err.write(f"{done} pages, {failed} errors, {done / (time.monotonic() - start):.1f} pages/s\n")
        elapsed = time.monotonic() - start
        err.write(f"done: {done} pages, {failed} errors in {elapsed:.1f} s\n")
