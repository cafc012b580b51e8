"""Fixture feeds and pages written for these tests (no publisher's text)."""

from __future__ import annotations

from email.utils import format_datetime
from datetime import datetime, timezone
from html import escape

PARAGRAPHS = [
    "The city council voted on Tuesday to extend the riverside tram line by four kilometres, "
    "ending a debate that had divided the northern districts for most of the decade.",
    "Supporters said the extension would cut commuting times for thousands of residents, "
    "while opponents warned that the construction would close the old market for two summers.",
    "The council's transport committee expects the first trams to run on the new track in the spring "
    "of next year, provided the contractor finishes the bridge over the canal on time.",
    "Local shop owners asked for compensation during the works, and the mayor promised a fund "
    "that would be discussed at the next meeting of the finance committee.",
]


def article_html(title: str, *, author: str = "Jane Doe", role: str = "", date: str = "2026-11-20T09:30:00+00:00",
                 paragraphs: list[str] | None = None, site: str = "Example Gazette", charset: str = "utf-8") -> str:
    paragraphs = paragraphs or PARAGRAPHS
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    byline = f'<span class="author">{escape(author)}</span>' + (f' <span class="role">{escape(role)}</span>' if role else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="{charset}">
<title>{escape(title)} | {escape(site)}</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:image" content="https://img.example.org/lead.jpg">
<meta name="author" content="{escape(author)}">
<meta property="article:published_time" content="{date}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">By {byline}</p>
<time datetime="{date}">{date[:10]}</time>
{body}
</article></main>
<footer><p>Copyright {escape(site)}. All rights reserved.</p></footer>
</body></html>"""


def rss(items: list[dict], title: str = "Example Gazette", link: str = "https://example.org/") -> str:
    parts = []
    for item in items:
        fields = [f"<title>{escape(item.get('title', ''))}</title>"]
        if item.get("link"):
            fields.append(f"<link>{escape(item['link'])}</link>")
        if item.get("guid"):
            fields.append(f"<guid>{escape(item['guid'])}</guid>")
        if item.get("date"):
            fields.append(f"<pubDate>{format_datetime(item['date'])}</pubDate>")
        if item.get("summary"):
            fields.append(f"<description>{escape(item['summary'])}</description>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{escape(title)}</title><link>{escape(link)}</link>
<description>Fixture feed</description>
{''.join(parts)}
</channel></rss>"""


def when(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=timezone.utc)
