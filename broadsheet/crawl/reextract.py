"""Run the extractor again over stored raw pages (`broadsheet reextract`).

For each selected article: its raw page (crawl/rawpages.py) is decoded and extracted as
at fetch time (pipeline.fetch_article), the result written with the same
`pipeline.apply_page`, and only when a field changed is the article saved and sent through
the ARTICLE_PIPELINE again (crawl/process.py: embedding, story, section, tags, summaries).
So a second run finds nothing to change, and changes nothing.

What it never does: lose text. An article without a raw page, or whose page no longer
extracts (ExtractError, a crash, an unreadable raw page), keeps what it holds; both are
counted and reported. An article keeps its story (the stories step keeps a placed
article where it is; its card and related articles are redrawn), and its status: a new
text that equals another article's is left to the stories step's copy detection.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from broadsheet.articles.models import Article
from broadsheet.crawl import pipeline, rawpages
from broadsheet.crawl.process import process_articles

log = logging.getLogger("broadsheet.crawl")

# The fields extraction writes (pipeline.apply_page), in the order the report lists them;
# content_hash and word_count follow from title and body.
FIELDS = ("title", "body", "blocks", "authors", "published", "modified", "page_section", "language", "image", "teaser",
          "paywalled")
ENRICHED = ("section", "tags", "story")  # what the pipeline decides from them
BATCH = 64  # articles read, extracted and then enriched together (crawl.process's batch)


@dataclass
class Report:
    dry_run: bool = False
    selected: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0  # no raw page: skipped
    failed: int = 0  # no longer extracts: the old text is kept
    not_enriched: int = 0  # changed, but a pipeline step failed on it (requeue_stale retries it)
    fields: Counter = field(default_factory=Counter)
    changes: list[tuple[int, str, list[str]]] = field(default_factory=list)  # (id, url, fields)
    failures: list[tuple[int, str, str]] = field(default_factory=list)  # (id, url, why)
    seconds: float = 0.0

    @property
    def extracted(self) -> int:
        return self.changed + self.unchanged

    def lines(self, verbose: bool = False) -> list[str]:
        would = "would change" if self.dry_run else "changed"
        rate = f", {self.extracted / self.seconds:.1f} pages/s" if self.seconds and self.extracted else ""
        out = [f"{self.selected} articles selected: {self.extracted} re-extracted ({self.changed} {would}, "
               f"{self.unchanged} unchanged), {self.missing} without a raw page (skipped), "
               f"{self.failed} failed extraction (old text kept); {self.seconds:.1f} s{rate}"]
        counted = [f"{name} {self.fields[name]}" for name in (*FIELDS, *ENRICHED) if self.fields[name]]
        out.append(f"fields {would}: " + (", ".join(counted) if counted else "none"))
        if self.dry_run:
            out.append("dry run: nothing written, enrichment not run")
        if self.not_enriched:
            out.append(f"{self.not_enriched} changed articles not enriched: a pipeline step failed (see the log); "
                       "the task worker tries them again")
        if verbose:
            out += [f"  changed #{pk} {url}: {', '.join(names)}" for pk, url, names in self.changes]
            out += [f"  failed  #{pk} {url}: {why}" for pk, url, why in self.failures]
        return out


def select(source_id: int | None = None, since: datetime | None = None) -> list[int]:
    """Ids of the stored articles to re-extract (status OK), oldest first."""
    articles = Article.objects.filter(status=Article.Status.OK)
    if source_id is not None:
        articles = articles.filter(source_id=source_id)
    if since is not None:
        articles = articles.filter(fetched_at__gte=since)
    return list(articles.order_by("pk").values_list("pk", flat=True))


def reextract(ids: list[int], *, dry_run: bool = False, extractor=None, progress=None) -> Report:
    """Re-extract the articles `ids` from their raw pages; enrich those that changed.

    extractor: `broadsheet.extract.extract` unless given. progress: a callable(total, desc)
    returning an object with .update() and .close() (tqdm), as crawl_once takes."""
    if extractor is None:
        from broadsheet.extract import extract as extractor
    report = Report(dry_run=dry_run, selected=len(ids))
    bar = progress(len(ids), "pages") if progress else None
    started = time.monotonic()
    try:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            changed = [pk for pk in (_one(a, extractor, dry_run, report)
                                     for a in _load(chunk)) if pk is not None]
            if bar is not None:
                bar.update(len(chunk))
            if changed and not dry_run:
                _enrich(changed, report)
    finally:
        if bar is not None:
            bar.close()
    report.seconds = time.monotonic() - started
    return report


def _load(ids: list[int]) -> list[Article]:
    found = Article.objects.select_related("source", "feed", "raw_page").filter(pk__in=ids, status=Article.Status.OK)
    by_id = {a.pk: a for a in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def _one(article: Article, extractor, dry_run: bool, report: Report) -> int | None:
    """Re-extract one article; its id when it changed."""
    from broadsheet.enrich.embeddings import article_text
    from broadsheet.extract import ExtractError

    raw = getattr(article, "raw_page", None)  # a missing reverse one-to-one raises AttributeError
    if raw is None:
        report.missing += 1
        return None
    try:
        html = pipeline.decode_html(rawpages.content_of(raw), rawpages.charset_of(raw))
        page = extractor(html, raw.url, feed_hints=pipeline._feed_hints(article))
    except (rawpages.RawPageError, ExtractError) as exc:
        return _failed(article, report, str(exc))
    except Exception as exc:  # an extractor bug costs one article, not the run
        log.exception("re-extraction crashed on article %s (%s)", article.pk, article.url)
        return _failed(article, report, f"extractor crashed: {exc.__class__.__name__}: {exc}")
    before = {name: getattr(article, name) for name in FIELDS}
    embedded_as = article_text(article.title, article.body)
    pipeline.apply_page(article, page)
    if not dry_run:
        pipeline.keep_pictures(article, page)  # also fills in pictures' sizes and icons for pages stored before them
    names = [name for name in FIELDS if getattr(article, name) != before[name]]
    if not names:
        report.unchanged += 1
        return None
    report.changed += 1
    report.fields.update(names)
    report.changes.append((article.pk, article.url, names))
    if not dry_run:
        update = [*names, "content_hash", "word_count", "processed_at"]
        if article_text(article.title, article.body) != embedded_as:
            article.embedding = None  # the embedding step computes it again from the new text
            update.append("embedding")
        article.processed_at = None  # until the pipeline has run on the new text
        article.save(update_fields=update)
    return article.pk


def _failed(article: Article, report: Report, why: str) -> None:
    report.failed += 1
    report.failures.append((article.pk, article.url, why[:300]))
    log.warning("re-extracting article %s (%s) failed, its text is kept: %s", article.pk, article.url, why)
    return None


def _enrich(ids: list[int], report: Report) -> None:
    """The ARTICLE_PIPELINE over the changed articles; what it changed counted into the report."""
    before = _enriched_state(ids)
    done = set(process_articles(ids))
    report.not_enriched += len(set(ids) - done)
    after = _enriched_state(ids)
    by_id = {pk: (url, names) for pk, url, names in report.changes}
    for pk in ids:
        moved = [name for name, was, now in zip(ENRICHED, before.get(pk, ()), after.get(pk, ())) if was != now]
        report.fields.update(moved)
        if pk in by_id:
            by_id[pk][1].extend(moved)


def _enriched_state(ids: list[int]) -> dict[int, tuple]:
    """(section, tags, story) of each article: what the pipeline writes that a reader sees."""
    from broadsheet.enrich.models import ArticleTag
    from broadsheet.stories.models import Member

    tags: dict[int, list[int]] = {}
    for pk, tag in ArticleTag.objects.filter(article_id__in=ids).order_by("rank").values_list("article_id", "tag_id"):
        tags.setdefault(pk, []).append(tag)
    stories = dict(Member.objects.filter(article_id__in=ids).values_list("article_id", "story_id"))
    sections = dict(Article.objects.filter(pk__in=ids).values_list("pk", "section"))
    return {pk: (sections.get(pk), tags.get(pk, []), stories.get(pk)) for pk in ids}
