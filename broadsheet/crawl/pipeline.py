"""The crawl orchestrator: with crawl/process.py, the only crawl code that writes to the database.

poll_feed (fetch + parse a feed, store new entries as PENDING articles)
  -> fetch_article (robots, fetch, decode, extract, exact-duplicate check, store)
  -> process_article / process_articles (the ARTICLE_PIPELINE steps: embed, stories,
     enrichment; in crawl/process.py, re-exported here)

Each step is idempotent: an article is keyed by its canonical URL, a step that finds
its work already done returns at once, and a row left PENDING by a killed worker is
picked up again by `requeue_stale`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.crawl import busy, rawpages
from broadsheet.crawl.process import process_article, process_articles  # noqa: F401  (the third step, kept here)
from broadsheet.crawl.feeds import FeedError, parse_feed
from broadsheet.extract import ExtractError, extract
from broadsheet.lib import http
from broadsheet.lib.http import FetchError, fetch, robots_allowed
from broadsheet.lib.urls import canonical_url
from broadsheet.sources.models import Feed, Source
from broadsheet.stories.models import Picture

log = logging.getLogger("broadsheet.crawl")

HTML_TYPES = {"text/html", "application/xhtml+xml", "text/plain", ""}
MAX_ATTEMPTS = 3
# Worth another try later: what the client retries at once, plus what may clear in minutes.
TRANSIENT = http.TRANSIENT | {"dns", "robots_unreachable", "deadline", "worker_died"}
# A task stopped at its deadline, and one whose worker process died under it.
DEADLINE, WORKER_DIED = "deadline", "worker_died"


@dataclass
class PollResult:
    feed_id: int
    ok: bool = True
    not_modified: bool = False
    entries: int = 0
    new_ids: list[int] = field(default_factory=list)
    known: int = 0
    skipped: int = 0
    waiting: int = 0  # entries left for a later poll by the caps (per poll, per source)
    warning: str = ""  # the feed was read, but ill-formed (truncated, garbage inside)
    error_kind: str = ""
    error: str = ""


# --- feeds --------------------------------------------------------------------------


def due_feeds(now: datetime | None = None):
    now = now or timezone.now()
    return Feed.objects.filter(active=True, next_check_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def claim(feed_id: int, lease: timedelta = timedelta(minutes=10)) -> bool:
    """Take a feed for polling; a conditional UPDATE, so only one worker wins it."""
    now = timezone.now()
    taken = (
        Feed.objects.filter(pk=feed_id, active=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + lease)
    )
    return taken == 1


def claim_feeds(all_feeds: bool = False) -> list[Feed]:
    """Claim the due feeds (every active one with `all_feeds`); those that failed their last
    poll last, so a host's healthy feeds go before its failing ones."""
    feeds = Feed.objects.filter(active=True) if all_feeds else due_feeds()
    claimed = [f for f in feeds.select_related("source") if claim(f.pk)]
    return sorted(claimed, key=lambda f: f.consecutive_failures > 0)


def _max_age(headers) -> int | None:
    match = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
    return int(match.group(1)) if match else None


def _reschedule_ok(feed: Feed, new_count: int, max_age: int | None) -> None:
    low, high = settings.POLL_MIN_MINUTES, settings.POLL_MAX_MINUTES
    # Follow how often the feed posts: sooner when it had news, later when it had none.
    minutes = feed.poll_minutes // 2 if new_count else int(feed.poll_minutes * 1.5) + 1
    if max_age:
        minutes = max(minutes, max_age // 60)
    feed.poll_minutes = max(low, min(high, minutes))
    feed.next_check_at = timezone.now() + timedelta(minutes=feed.poll_minutes)


def _reschedule_failed(feed: Feed, retry_after: float | None) -> None:
    low, high = settings.POLL_MIN_MINUTES, settings.POLL_MAX_MINUTES
    backoff = min(high, low * 2 ** min(feed.consecutive_failures - 1, 10))
    if retry_after:
        backoff = max(backoff, min(high, retry_after / 60))
    feed.next_check_at = timezone.now() + timedelta(minutes=backoff)


def poll_feed(feed: Feed, fetcher=None) -> PollResult:
    """Fetch one feed and store its new entries as PENDING articles. Never raises for bad input.

    `fetcher` stands for lib.http's fetch (the scheduler's poll threads take turns writing
    after it, crawl/polls.py)."""
    result = PollResult(feed_id=feed.pk)
    now = timezone.now()
    feed.last_fetch_at = now
    try:
        # A feed that failed last time gets one try, not the inline retries: a dead host
        # then costs one timeout per poll, and the schedule's backoff does the retrying.
        retries = 0 if feed.consecutive_failures else None
        response = (fetcher or fetch)(feed.url, etag=feed.etag, last_modified=feed.last_modified, retries=retries)
        if response.not_modified:
            result.not_modified = True
            _reschedule_ok(feed, 0, _max_age(response.headers))
        else:
            parsed = parse_feed(response.content, feed.url, response.headers.get("content-type", ""))
            result.entries = len(parsed.entries)
            result.skipped = parsed.skipped
            result.warning = parsed.warning
            result.new_ids, result.known, result.waiting = store_entries(feed, parsed.entries)
            if not feed.title and parsed.title:
                feed.title = parsed.title
            feed.etag = response.headers.get("etag", "")[:300]
            feed.last_modified = response.headers.get("last-modified", "")[:100]
            if result.waiting:
                # The feed still holds entries we have not taken: come back at the shortest interval.
                feed.poll_minutes = settings.POLL_MIN_MINUTES * 2
            _reschedule_ok(feed, len(result.new_ids), _max_age(response.headers))
            feed.last_warning = result.warning[:2000]
            if result.warning:
                log.warning("feed %s (%s) read with a warning: %s", feed.source.name, feed.url, result.warning)
        feed.last_success_at = now
        feed.consecutive_failures = 0
        feed.last_error = ""
        feed.last_error_kind = ""
        if not result.not_modified and result.skipped:
            feed.last_error = f"{result.skipped} entries had no link and were skipped"
    except (FetchError, FeedError) as exc:
        result.ok = False
        result.error_kind, result.error = exc.kind, str(exc)
        feed.consecutive_failures += 1
        feed.last_error, feed.last_error_kind = str(exc)[:2000], exc.kind
        _reschedule_failed(feed, getattr(exc, "retry_after", None))  # FeedError has none
        log.warning("feed %s (%s) failed: %s; failure %d in a row, next try at %s",
                    feed.source.name, feed.url, exc, feed.consecutive_failures, feed.next_check_at.strftime("%H:%M"))
    feed.entries_seen += result.entries
    feed.articles_added += len(result.new_ids)
    feed.claimed_until = None
    feed.save()
    return result


LOOKUP_BATCH = 500  # canonical URLs looked up per query (well under every database's parameter limit)


def newest_first(entries: list) -> list:
    """Dated entries newest first, then undated ones in the feed's own order."""
    return sorted(entries, key=lambda e: (e.published is None, -e.published.timestamp() if e.published else 0))


def store_entries(feed: Feed, entries: list) -> tuple[list[int], int, int]:
    """Store a feed's new entries as PENDING articles, within the caps. Returns (new ids, known, waiting).

    At most FEED_MAX_NEW_PER_POLL new entries per poll, newest first, and no more than
    FEED_MAX_PENDING_PER_SOURCE articles of the source waiting to be fetched: a feed of
    100,000 entries costs a few queries and queues a bounded batch; the rest are still in
    the feed and are taken by later polls. Known URLs are found by one query per batch of
    LOOKUP_BATCH entries, and the new rows go in with one INSERT.
    """
    pending = Article.objects.filter(source_id=feed.source_id, status=Article.Status.PENDING).count()
    room = max(0, min(settings.FEED_MAX_NEW_PER_POLL, settings.FEED_MAX_PENDING_PER_SOURCE - pending))
    fresh: dict[str, object] = {}
    known = looked_at = new_seen = 0
    ordered = newest_first(entries)
    while len(fresh) < room and looked_at < len(ordered):
        batch: dict[str, object] = {}
        for entry in ordered[looked_at:looked_at + LOOKUP_BATCH]:
            batch.setdefault(canonical_url(entry.link), entry)  # the same link twice in a feed: once
        looked_at = min(looked_at + LOOKUP_BATCH, len(ordered))
        existing = set(Article.objects.filter(url__in=list(batch)).values_list("url", flat=True))
        known += len(existing)
        for url, entry in batch.items():
            if url in existing or url in fresh:
                continue
            new_seen += 1
            if len(fresh) < room:
                fresh[url] = entry
    waiting = (len(ordered) - looked_at) + (new_seen - len(fresh))  # not looked at, or over the cap
    ids = _insert(feed, fresh)
    return ids, known + len(fresh) - len(ids), waiting  # fresh ones another poll stored first are known


def _insert(feed: Feed, fresh: dict) -> list[int]:
    if not fresh:
        return []
    rows = [Article(url=url, **_entry_fields(feed, entry)) for url, entry in fresh.items()]
    try:
        with transaction.atomic():
            return [row.pk for row in Article.objects.bulk_create(rows)]
    except IntegrityError:  # another feed's poll stored one of these URLs since our lookup
        return [pk for pk, created in (_store_entry(feed, url, entry) for url, entry in fresh.items()) if created]


def _entry_fields(feed: Feed, entry) -> dict:
    fields = {
        "source_id": feed.source_id,
        "feed": feed,
        "guid": entry.guid,
        "title": entry.title,
        "teaser": _plain(entry.summary),
        "authors": [{"name": entry.author, "role": None}] if entry.author else [],
        "section": feed.section,
        # The feed's categories stand for the page's own section until the page names one.
        "page_section": ", ".join(entry.categories)[:200],
    }
    if _plausible(entry.published):
        fields["published"] = entry.published
        fields["published_known"] = True
    return fields


def _store_entry(feed: Feed, url: str, entry) -> tuple[int, bool]:
    try:
        with transaction.atomic():
            article, created = Article.objects.get_or_create(url=url, defaults=_entry_fields(feed, entry))
    except IntegrityError:  # another worker stored the same URL between our read and write
        article, created = Article.objects.get(url=url), False
    return article.pk, created


def _plain(html: str) -> str:
    from django.utils.html import strip_tags

    return re.sub(r"\s+", " ", strip_tags(html or "")).strip()[:2000]


# --- articles ------------------------------------------------------------------------


def decode_html(content: bytes, charset: str | None) -> str:
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    from trafilatura.utils import decode_file  # sniffs <meta charset> and guesses the rest

    text = decode_file(content)
    return text if isinstance(text, str) else content.decode("utf-8", "replace")


def content_hash(body: str, title: str = "") -> str:
    """Hash of the text alone: case, punctuation, spacing and a repeated headline ignored."""
    paragraphs = [p for p in body.split("\n\n") if p.strip() and p.strip() != title.strip()]
    normalised = re.sub(r"\W+", " ", " ".join(paragraphs).lower()).strip()
    return hashlib.sha256(normalised.encode()).hexdigest()


FUTURE_SLACK = timedelta(hours=1)


def _plausible(value: datetime | None) -> datetime | None:
    """A publication time, unless it lies in the future (a publisher's time-zone slip, or a
    scheduled date): such an article would top every "latest" list for hours or days."""
    if value is None or value > timezone.now() + FUTURE_SLACK:
        return None
    return value


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt_timezone.utc)


def _fail(article: Article, kind: str, message: str) -> str:
    # A worker owns the row while the article is PENDING, so a plain count is safe here.
    article.attempts += 1
    if kind in TRANSIENT and article.attempts < MAX_ATTEMPTS:
        article.error, article.error_kind = message[:2000], kind
        article.save(update_fields=["attempts", "error", "error_kind"])
        return "retry"
    article.status = Article.Status.FAILED
    article.error, article.error_kind = message[:2000], kind
    article.fetched_at = timezone.now()
    article.save(update_fields=["attempts", "status", "error", "error_kind", "fetched_at"])
    log.info("article %s failed: %s", article.url, message)
    return "failed"


def _feed_hints(article: Article) -> dict:
    """What the feed entry said, for the extractor to fall back on where the page is silent."""
    return {
        "title": article.title,
        "author": article.authors[0]["name"] if article.authors else "",
        "published": article.published if article.published_known else None,
    }


def get_page(url: str) -> http.Response | None:
    """An article's page, None when robots.txt disallows it; raises FetchError. No database
    access, so it may run in a thread that fetches pages ahead (fetch_articles)."""
    if not robots_allowed(url):
        return None
    return fetch(url)


def fetch_article(article_id: int, extractor=extract, page=None) -> str:
    """Fetch, extract and store one PENDING article. Returns ok|duplicate|failed|retry|skipped.

    `extractor(html, url, feed_hints=...)` is `broadsheet.extract.extract` run here, or a stand-in that
    runs it in a process pool (see crawl.runner). `page`, when given, returns what
    get_page(article.url) returns, or raises as it does (a page fetched ahead).
    """
    article = Article.objects.select_related("source").filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PENDING:
        return "skipped"
    try:
        with busy.span("http"):  # waiting on the network (or on a page fetched ahead): see crawl/busy.py
            response = page() if page is not None else get_page(article.url)
        if response is None:
            return _fail(article, "robots", f"robots.txt of {article.source.name} disallows {article.url}")
        if response.content_type not in HTML_TYPES:
            return _fail(article, "not_html", f"{article.url} is {response.content_type}, not an HTML page")
        html = decode_html(response.content, response.charset)
        page = extractor(html, response.url, feed_hints=_feed_hints(article))
    except FetchError as exc:
        return _fail(article, exc.kind, str(exc))
    except ExtractError as exc:
        return _fail(article, "no_article", f"{article.url}: {exc}")
    except Exception as exc:  # an extractor bug must cost one article, not the crawl
        log.exception("extraction crashed on %s", article.url)
        return _fail(article, "extract_crash", f"{article.url}: {exc.__class__.__name__}: {exc}")

    digest = apply_page(article, page)
    article.fetched_at = timezone.now()
    article.error = article.error_kind = ""
    article.attempts += 1

    original = (
        Article.objects.filter(content_hash=digest, status=Article.Status.OK).exclude(pk=article.pk)
        .order_by("published", "pk").first()
    )
    if original is None and page.canonical_url:
        canonical = canonical_url(page.canonical_url)
        if canonical != article.url:
            original = Article.objects.filter(url=canonical, status=Article.Status.OK).first()
    if original is not None:
        article.status, article.duplicate_of = Article.Status.DUPLICATE, original
    else:
        article.status = Article.Status.OK
    raw = rawpages.packed(response) if original is None and settings.KEEP_RAW_PAGES else None
    with transaction.atomic():  # the article and its raw page are stored together, or neither
        article.save()
        if raw is not None:
            rawpages.keep(article.pk, raw)
    keep_pictures(article, page)
    return "duplicate" if original is not None else "ok"


# One thread per process fetches pages ahead of their extraction: one request at a time, as
# when the worker fetched each page itself, so two task workers still have at most two
# requests in flight to a host, while a worker's wait for the network overlaps its CPU work.
_ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fetch-ahead")


def fetch_articles(ids: list[int], extractor=extract) -> dict[int, str]:
    """fetch_article over several PENDING articles (a feed's new entries, tasks.fetch_pages),
    each page fetched while the page before it is extracted and stored; {id: outcome}."""
    urls = dict(Article.objects.filter(pk__in=ids, status=Article.Status.PENDING).values_list("pk", "url"))
    ahead = {pk: _ahead.submit(get_page, urls[pk]) for pk in ids if pk in urls}
    outcomes = {}
    try:
        for pk in ids:
            outcomes[pk] = fetch_article(pk, extractor, ahead[pk].result) if pk in ahead else "skipped"
    finally:
        for future in ahead.values():
            future.cancel()  # stopped early (the task's deadline): fetch no more of them
    return outcomes


def apply_page(article: Article, page) -> str:
    """Write what the extractor found into the article (not saved); its content hash.

    The one place extracted fields reach an article: at fetch time and when `reextract`
    runs a newer extractor over a stored page. Where the page is silent, what the article
    already holds stays."""
    digest = content_hash(page.body, page.title)
    article.title = page.title or article.title
    if page.authors:
        article.authors = page.authors
    published = _plausible(_aware(page.published))
    if published:
        article.published, article.published_known = published, True
    article.modified = _aware(page.modified)
    article.page_section = (page.section or article.page_section or "")[:200]
    if not article.section:
        article.section = "News"
    article.language = (page.language or "")[:10]
    image = page.image or ""
    article.image = image[:2000] if image.startswith(("http://", "https://")) else ""
    article.body = page.body
    article.blocks = list(getattr(page, "blocks", None) or [])  # stand-in extractors may have none
    if page.teaser:
        article.teaser = page.teaser
    article.word_count = len(page.body.split())
    article.paywalled = bool(getattr(page, "paywalled", False))
    article.content_hash = digest
    return digest


def keep_pictures(article: Article, page) -> None:
    """The sizes of the article's lead image (for a srcset) and its publisher's icon, as
    the page declares them. The icon is kept once: a later page only replaces the guessed
    /favicon.ico with one the site declares."""
    sizes = [[url[:2000], int(w), int(h)] for url, w, h in getattr(page, "image_sizes", None) or []]
    if article.image and sizes:
        Picture.objects.update_or_create(article=article, defaults={"sizes": sizes})
    else:
        Picture.objects.filter(article=article).delete()
    icon = (getattr(page, "icon", "") or "")[:2000]
    if not icon.startswith(("http://", "https://")):
        return
    guessed = icon.endswith("/favicon.ico")
    current = article.source.icon
    if not current or (current.endswith("/favicon.ico") and not guessed and current != icon):
        Source.objects.filter(pk=article.source_id).update(icon=icon)
        article.source.icon = icon


def requeue_stale(age: timedelta = timedelta(minutes=15)) -> tuple[list[int], list[int]]:
    """Articles a killed worker left behind: still PENDING, or stored but never processed.

    Only rows not queued in the last `age` count, and the ones returned are marked as
    queued now, so a long backlog on a first crawl is not enqueued again every tick.
    """
    now = timezone.now()
    cutoff = now - age
    stale = Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff)
    pending = list(Article.objects.filter(stale, status=Article.Status.PENDING, attempts__lt=MAX_ATTEMPTS)
                   .values_list("pk", flat=True)[:500])
    unprocessed = list(Article.objects.filter(stale, status=Article.Status.OK, processed_at__isnull=True)
                       .values_list("pk", flat=True)[:500])
    mark_queued(pending + unprocessed)
    return pending, unprocessed


def mark_queued(ids: list[int]) -> None:
    if ids:
        Article.objects.filter(pk__in=ids).update(queued_at=timezone.now())


# --- a task that did not finish: stopped at its deadline, or its worker died ---------


def abandon_poll(feed_id: int, kind: str, message: str) -> None:
    """Release the feed a poll held: due again at once, or after a backoff.

    A deadline is the feed's fault: a failure, with backoff. A dead worker may not be (an
    operator's kill, a reboot): the first time the feed is due at once, a second death in a
    row counts as a failure, so a feed that kills its worker every time backs off."""
    feed = Feed.objects.select_related("source").filter(pk=feed_id).first()
    if feed is None:
        return
    again = kind == WORKER_DIED and feed.last_error_kind != WORKER_DIED
    if again:
        feed.next_check_at = timezone.now()
    else:
        feed.consecutive_failures += 1
        _reschedule_failed(feed, None)
    feed.last_error, feed.last_error_kind = message[:2000], kind
    feed.claimed_until = None
    feed.save(update_fields=["next_check_at", "consecutive_failures", "last_error", "last_error_kind", "claimed_until"])
    log.warning("feed %s (%s): %s", feed.source.name, feed.url, message)


def abandon_fetch(article_id: int, kind: str, message: str) -> str:
    """What to run next for an article whose fetch did not finish: "fetch", "process" or ""."""
    article = Article.objects.select_related("source").filter(pk=article_id).first()
    if article is None:
        return ""
    if article.status == Article.Status.PENDING:
        # Counts as an attempt, so a page that kills its worker every time ends FAILED.
        outcome = _fail(article, kind, message)
        return "fetch" if outcome == "retry" and kind == WORKER_DIED else ""
    if _processing_never_queued(article):  # stored, then the worker died before queueing it
        return "process"
    return ""


def _processing_never_queued(article: Article) -> bool:
    return (article.status == Article.Status.OK and article.processed_at is None
            and (article.queued_at is None or (article.fetched_at is not None and article.queued_at < article.fetched_at)))


def abandon_process(article_id: int, kind: str, message: str) -> bool:
    """Whether to process the article again at once: once after a dead worker; after that,
    and after a deadline, requeue_stale tries again later."""
    article = Article.objects.filter(pk=article_id, status=Article.Status.OK, processed_at__isnull=True).first()
    if article is None:
        return False
    again = kind == WORKER_DIED and article.error_kind != WORKER_DIED
    Article.objects.filter(pk=article_id).update(error=message[:2000], error_kind=kind)
    log.warning("processing article %s: %s", article_id, message)
    return again


def lost_entries(feed_id: int) -> list[int]:
    """Entries a poll stored but never queued (its worker died first)."""
    return list(Article.objects.filter(feed_id=feed_id, status=Article.Status.PENDING, queued_at__isnull=True,
                                       attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)[:500])


def pending_entries(feed_id: int) -> list[int]:
    """A feed's articles still waiting for their page (a fetch_pages task did not finish)."""
    return list(Article.objects.filter(feed_id=feed_id, status=Article.Status.PENDING,
                                       attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)[:500])
