from __future__ import annotations

from django.db import models
from django.utils import timezone


class Source(models.Model):
    """A publisher: one outlet, with one or more feeds."""

    name = models.CharField(max_length=200)
    homepage = models.URLField(max_length=500, unique=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code, e.g. GB")
    language = models.CharField(max_length=10, blank=True)
    icon = models.URLField(max_length=2000, blank=True,
                           help_text="Small icon from its pages (<link rel=icon>, else the site's /favicon.ico)")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Feed(models.Model):
    """An RSS/Atom feed polled on a schedule; its health is kept on the row."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=1000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    section = models.CharField(max_length=60, blank=True, help_text="Section its articles are filed under, if fixed")
    active = models.BooleanField(default=True)

    # conditional GET
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # schedule and health
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_kind = models.CharField(max_length=40, blank=True)
    last_warning = models.TextField(
        blank=True, help_text="Why the last successful poll was not clean: an ill-formed or truncated feed read anyway"
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    entries_seen = models.PositiveIntegerField(default=0)
    articles_added = models.PositiveIntegerField(default=0)
    poll_minutes = models.PositiveIntegerField(default=30, help_text="Current interval; adapts to how often the feed posts")

    class Meta:
        ordering = ["source__name", "url"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def health(self) -> str:
        """paused, new (never polled), failing, warning (read, but ill-formed) or ok."""
        if not self.active:
            return "paused"
        if self.consecutive_failures:
            return "failing"
        if self.last_fetch_at is None:
            return "new"
        return "warning" if self.last_warning else "ok"
