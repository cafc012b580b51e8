"""Adding sources: from a feed URL, a site URL (feed discovery) or an OPML list."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction

from broadsheet.crawl.discover import discover_feeds
from broadsheet.crawl.feeds import FeedError, parse_feed
from broadsheet.lib.http import FetchError, fetch
from broadsheet.lib.urls import origin
from broadsheet.sources.models import Feed, Source


class SourceError(ValueError):
    pass


def _name_from(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def add_feed(url: str, *, section: str = "", name: str = "", homepage: str = "", country: str = "",
             language: str = "") -> Feed:
    """Store a feed (and its publisher) without fetching anything."""
    homepage = homepage or origin(url)
    with transaction.atomic():
        source, _ = Source.objects.get_or_create(
            homepage=homepage, defaults={"name": name or _name_from(homepage), "country": country.upper()[:2],
                                         "language": language[:10]}
        )
        feed, created = Feed.objects.get_or_create(url=url, defaults={"source": source, "section": section})
        if not created and section and feed.section != section:
            feed.section = section
            feed.save(update_fields=["section"])
    return feed


def add_source(url: str, *, section: str = "", name: str = "", country: str = "") -> Feed:
    """Add a feed given its URL or the URL of a site that advertises one.

    The URL is fetched (and so checked against private addresses), parsed as a feed,
    and when it is a web page instead, its <link rel="alternate"> feeds are tried.
    """
    try:
        response = fetch(url)
    except FetchError as exc:
        raise SourceError(f"cannot fetch {url}: {exc}") from None
    try:
        parsed = parse_feed(response.content, response.url, response.headers.get("content-type", ""))
        feed_url = response.url
    except FeedError as exc:
        candidates = discover_feeds(response.content, response.url)
        if not candidates:
            raise SourceError(f"{url} is not a feed and advertises none ({exc})") from None
        feed_url, parsed = "", None
        errors = []
        for candidate in candidates:
            try:
                found = fetch(candidate)
                parsed = parse_feed(found.content, found.url, found.headers.get("content-type", ""))
                feed_url = found.url
                break
            except (FetchError, FeedError) as inner:
                errors.append(f"{candidate}: {inner}")
        if parsed is None:
            raise SourceError(f"{url} advertises feeds, but none could be read: " + "; ".join(errors)) from None
    homepage = parsed.link if parsed.link.startswith(("http://", "https://")) else ""
    feed = add_feed(feed_url, section=section, name=name or parsed.title, homepage=origin(homepage or feed_url),
                    country=country, language=parsed.language)
    if parsed.title and not feed.title:
        feed.title = parsed.title
        feed.save(update_fields=["title"])
    return feed


def load_default_sources() -> int:
    """Store the built-in list of public news feeds (broadsheet/sources/default_sources.json)."""
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parent / "default_sources.json").read_text())
    added = 0
    for source in data:
        for feed in source["feeds"]:
            before = Feed.objects.filter(url=feed["url"]).exists()
            add_feed(feed["url"], section=feed.get("section", ""), name=source["name"], homepage=source["homepage"],
                     country=source.get("country", ""), language=source.get("language", ""))
            added += not before
    return added
