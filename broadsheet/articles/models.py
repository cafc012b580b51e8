from __future__ import annotations

from django.db import models
from django.utils import timezone

from broadsheet.lib import paths
from broadsheet.sources.models import Feed, Source


class Article(models.Model):
    """One page of one publisher, keyed by its canonical URL.

    A row is created as soon as a feed entry is seen (status PENDING), so a worker
    killed mid-fetch loses nothing: the row is picked up again. The content hash makes
    the same text under a second URL a DUPLICATE of the first, never a second story item.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        OK = "ok"
        FAILED = "failed"
        DUPLICATE = "duplicate"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="articles")
    feed = models.ForeignKey(Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles")
    url = models.URLField(max_length=2000, unique=True, help_text="Canonical URL (normalised)")
    guid = models.CharField(max_length=1000, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    title = models.CharField(max_length=1000, blank=True)
    authors = models.JSONField(default=list, blank=True, help_text='[{"name": ..., "role": ...}]')
    published = models.DateTimeField(default=timezone.now, db_index=True)
    published_known = models.BooleanField(default=False, help_text="False when no date was found and the fetch time stands in")
    modified = models.DateTimeField(null=True, blank=True)
    section = models.CharField(max_length=60, blank=True, db_index=True)
    page_section = models.CharField(max_length=200, blank=True, help_text="Section as the publisher names it")
    language = models.CharField(max_length=10, blank=True)
    image = models.URLField(max_length=2000, blank=True)
    teaser = models.TextField(blank=True, help_text="Summary given by the feed entry")
    body = models.TextField(blank=True, help_text="Plain text; paragraphs separated by a blank line")
    blocks = models.JSONField(default=list, blank=True,
                              help_text='The body\'s paragraphs labelled: [{"type": "p|h2|h3|li|quote|entry", "text": ...}] '
                                        "(see extract/structure.py); empty on rows stored before it")
    word_count = models.PositiveIntegerField(default=0)
    paywalled = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies")
    embedding = models.BinaryField(null=True, blank=True, editable=False,
                                   help_text="float32 all-MiniLM-L6-v2 vector of title + lead (see enrich.embeddings)")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When its next task was last enqueued")
    processed_at = models.DateTimeField(null=True, blank=True, help_text="When the enrichment pipeline last finished")

    class Meta:
        ordering = ["-published"]
        indexes = [
            models.Index(fields=["status", "-published"], name="article_status_pub"),
            models.Index(fields=["status", "section", "-published"], name="article_section_pub"),
            # A publisher's latest: its page and the article sidebar.
            models.Index(fields=["source", "status", "-published"], name="article_source_pub"),
            # An article's syndicated copies, in order (article and story pages). Partial: nearly
            # every row has no original, and once ANALYZEd the plain duplicate_of index counts
            # those NULLs as one value matching the whole table, so SQLite scanned every article
            # in published order instead (125 ms at 20k articles, a full scan at any size).
            models.Index(fields=["duplicate_of", "published"], name="article_copies_pub",
                         condition=models.Q(duplicate_of__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    def get_absolute_url(self) -> str:
        return paths.path("web:article", self.pk)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def lead(self) -> str:
        return lead_of(self.body, self.teaser)


def lead_of(body: str, teaser: str) -> str:
    """An article's lead: its first paragraph, else the feed's teaser (Article.lead, for rows
    read without an Article: the API list)."""
    for paragraph in body.split("\n\n"):
        if paragraph.strip():
            return paragraph.strip()
    return teaser
