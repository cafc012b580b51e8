"""The raw page of each stored article: kept, read back, pruned.

Kept at fetch time (pipeline.fetch_article) so a better extractor reaches articles already
stored (`broadsheet reextract`, crawl/reextract.py). Bounded: a page larger than the
extraction cap is kept as the extractor reads it (scripts and styles gone, cut at
extract.core.MAX_BYTES), so re-extraction sees what the crawl saw. Pruned by age and by
total stored size, oldest first (`prune`: hourly in `broadsheet run`, and `broadsheet
rawpages --prune`).

Brotli, not the standard library's zlib: on the 143 pages of extraction-dev, quality 5
stored 16% fewer bytes than zlib level 6 (5.69 vs 6.81 MB) in less CPU (2.9 vs 3.5 ms a
page), and `brotli` is already a pinned dependency (httpx decodes `br` responses with it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import brotli
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from broadsheet.crawl.models import RawPage

log = logging.getLogger("broadsheet.crawl")

QUALITY = 5  # Brotli quality: 9 saves 3% more at 6x the CPU, 11 saves 12% at 100x
# Response headers worth keeping: what the page is (type, charset, language), its
# validators and age (a later conditional GET, a date of last resort), and robots rules.
HEADERS = ("content-type", "content-language", "last-modified", "etag", "date", "cache-control", "expires",
           "x-robots-tag", "link")
HEADER_CHARS = 1000
DELETE_BATCH = 500  # rows deleted per query when pruning by size


class RawPageError(ValueError):
    """A stored raw page cannot be read back (unknown codec, corrupt data)."""


def bounded(content: bytes) -> tuple[bytes, bool]:
    """The page as kept, and whether it was larger than the extraction cap."""
    from broadsheet.extract import core

    if len(content) <= core.MAX_BYTES:
        return content, False
    try:
        # What the extractor reads of a page this large: scripts, styles and comments
        # removed (JSON-LD kept), then cut at MAX_BYTES and after MAX_TAGS tags.
        kept = core._prepare(content)
    except core.ExtractError:  # binary data: the extractor refused it, keep a plain cut
        kept = content[: core.MAX_BYTES]
    return whole_characters(kept[: core.MAX_BYTES]), True


def whole_characters(data: bytes) -> bytes:
    """A cut may split a UTF-8 character at the end; drop its first bytes, so a UTF-8 page
    still decodes as UTF-8 (and is not handed to encoding guessing)."""
    end = len(data)
    start = end
    while start > 0 and end - start < 3 and data[start - 1] & 0xC0 == 0x80:  # continuation bytes
        start -= 1
    if start > 0 and data[start - 1] >= 0xC0:  # the lead byte of the last character
        lead = data[start - 1]
        length = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if end - (start - 1) < length:
            return data[: start - 1]
    return data


def kept_headers(headers) -> dict[str, str]:
    return {name: headers.get(name)[:HEADER_CHARS] for name in HEADERS if headers.get(name)}


def packed(response) -> dict:
    """The RawPage fields of a lib.http Response: bounded and compressed (done before the
    write transaction, so SQLite's one writer is not held while Brotli works)."""
    body, truncated = bounded(response.content)
    content = brotli.compress(body, quality=QUALITY)
    return {"content": content, "codec": "br", "size": len(body), "stored_size": len(content), "truncated": truncated,
            "fetched_at": timezone.now(), "status": response.status, "url": response.url[:2000],
            "headers": kept_headers(response.headers)}


def keep(article_id: int, fields: dict) -> None:
    """Store (or replace) the raw page of an article, from `packed(response)`."""
    RawPage.objects.update_or_create(article_id=article_id, defaults=fields)


def content_of(page: RawPage) -> bytes:
    """The page's bytes as kept. Raises RawPageError when they cannot be read back."""
    if page.codec != "br":
        raise RawPageError(f"raw page of article {page.article_id}: unknown codec {page.codec!r}")
    try:
        return brotli.decompress(bytes(page.content))
    except brotli.error as exc:
        raise RawPageError(f"raw page of article {page.article_id} is corrupt: {exc}") from None


def charset_of(page: RawPage) -> str | None:
    """The charset its Content-Type header named, as lib.http.Response.charset reads it."""
    for part in page.headers.get("content-type", "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


# --- pruning ---------------------------------------------------------------------------------


@dataclass
class Pruned:
    by_age: int = 0
    by_size: int = 0
    freed: int = 0  # stored bytes

    def line(self) -> str:
        return (f"pruned {self.by_age + self.by_size} raw pages ({self.by_age} by age, {self.by_size} by size), "
                f"{self.freed / 1e6:.1f} MB freed")


def prune(now: datetime | None = None, max_days: int | None = None, max_mb: float | None = None) -> Pruned:
    """Delete raw pages older than max_days, then the oldest until the rest fit in max_mb.

    Defaults: RAW_PAGES_MAX_DAYS and RAW_PAGES_MAX_MB; 0 turns a limit off. Safe to run
    anywhere and often: a few queries when nothing is over a limit."""
    now = now or timezone.now()
    max_days = settings.RAW_PAGES_MAX_DAYS if max_days is None else max_days
    max_mb = settings.RAW_PAGES_MAX_MB if max_mb is None else max_mb
    result = Pruned()
    if max_days and max_days > 0:
        old = RawPage.objects.filter(fetched_at__lt=now - timedelta(days=max_days))
        result.freed += old.aggregate(n=Sum("stored_size"))["n"] or 0
        result.by_age = old.delete()[0]
    if max_mb and max_mb > 0:
        total = RawPage.objects.aggregate(n=Sum("stored_size"))["n"] or 0
        excess = total - int(max_mb * 1_000_000)
        if excess > 0:
            doomed, freed = [], 0
            for pk, size in RawPage.objects.order_by("fetched_at", "pk").values_list("pk", "stored_size").iterator(2000):
                if freed >= excess:
                    break
                doomed.append(pk)
                freed += size
            for start in range(0, len(doomed), DELETE_BATCH):
                result.by_size += RawPage.objects.filter(pk__in=doomed[start:start + DELETE_BATCH]).delete()[0]
            result.freed += freed
    if result.by_age or result.by_size:
        log.info("%s", result.line())
    return result


@dataclass
class Stats:
    pages: int
    stored: int  # bytes, compressed
    size: int  # bytes, as kept
    oldest: datetime | None


def stats() -> Stats:
    from django.db.models import Count, Min

    row = RawPage.objects.aggregate(pages=Count("pk"), stored=Sum("stored_size"), size=Sum("size"), oldest=Min("fetched_at"))
    return Stats(pages=row["pages"], stored=row["stored"] or 0, size=row["size"] or 0, oldest=row["oldest"])
