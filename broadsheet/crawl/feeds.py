"""Feed bytes -> entries. feedparser reads RSS 0.9x/1.0/2.0, Atom and CDF, and copes
with most ill-formed feeds; we only decide what counts as "not a feed at all"."""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone

import feedparser


class FeedError(ValueError):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind

    def __str__(self) -> str:
        return f"{self.kind}: {self.args[0]}"


@dataclass
class Entry:
    link: str
    guid: str = ""
    title: str = ""
    summary: str = ""
    author: str = ""
    published: datetime | None = None
    categories: list[str] = field(default_factory=list)  # the publisher's <category> terms (a section hint)


@dataclass
class ParsedFeed:
    title: str = ""
    link: str = ""
    language: str = ""
    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0  # entries without a usable link
    warning: str = ""  # set when the feed is ill-formed but still yielded entries


def _when(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _categories(entry) -> list[str]:
    terms = [(tag.get("term") or tag.get("label") or "").strip() for tag in entry.get("tags") or []]
    return [t[:100] for t in terms if t][:10]


def _looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head[:512]


def parse_feed(content: bytes, url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse a feed; raise FeedError when the bytes are empty, HTML, or not a feed."""
    if not content or not content.strip():
        raise FeedError("empty_feed", "the feed URL returned an empty body")
    headers = {"content-type": content_type} if content_type else {}
    # Always a stream, never the bytes themselves: feedparser tries `open()` on a bytes or
    # str argument first, so a feed whose body is "/etc/passwd" or "/dev/zero" would make
    # us read a local file. A stream is read as it is.
    parsed = feedparser.parse(
        io.BytesIO(content), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    version = parsed.get("version", "")
    if not parsed.entries and not version:
        if _looks_like_html(content) or "html" in content_type:
            raise FeedError("not_a_feed", "the URL serves an HTML page, not a feed (try `sources add` with the site URL to discover its feed)")
        reason = parsed.get("bozo_exception")
        raise FeedError("malformed_feed", f"not a readable feed: {reason or 'no feed elements found'}")

    result = ParsedFeed(
        title=(parsed.feed.get("title") or "").strip()[:300],
        link=parsed.feed.get("link") or "",
        language=(parsed.feed.get("language") or "")[:10],
    )
    # bozo is set for broken XML (a truncated document, garbage inside) and also for mere
    # labels: a feed served as text/html, a charset that differs from the declared one.
    # feedparser files the latter under ThingsNobodyCaresAboutButMe; only the former is a
    # warning, and broken XML that yields no entry at all is not a feed we can read.
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe):
        if not parsed.entries:
            raise FeedError("malformed_feed", f"ill-formed feed with no readable entries: {problem}")
        result.warning = f"ill-formed feed read anyway (truncated or corrupt?): {problem}"
    for raw in parsed.entries:
        link = (raw.get("link") or "").strip()
        if not link:
            # Some feeds put the permalink only in the guid.
            guid = raw.get("id") or ""
            if guid.startswith(("http://", "https://")) and raw.get("guidislink", True):
                link = guid
        if not link.startswith(("http://", "https://")):
            result.skipped += 1
            continue
        # RSS <author> is "email (Name)"; feedparser splits it into author_detail.
        author = (raw.get("author_detail") or {}).get("name") or raw.get("author") or ""
        result.entries.append(
            Entry(
                link=link,
                guid=(raw.get("id") or link)[:1000],
                title=(raw.get("title") or "").strip()[:1000],
                summary=(raw.get("summary") or "")[:5000],
                author=author.strip()[:300],
                published=_when(raw),
                categories=_categories(raw),
            )
        )
    return result
