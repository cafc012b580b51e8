"""Task workers alive right now, known by the heartbeat each one writes."""

from __future__ import annotations

from django.db import models


class TaskWorker(models.Model):
    """One running `broadsheet worker` process. It rewrites `beat_at` every few seconds and
    names the task it is inside; a row whose beat is older than TASK_LEASE belongs to a
    dead process, and the scheduler hands that task on (crawl/workers.py)."""

    name = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    queue = models.CharField(max_length=10, help_text="database or redis")
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField(db_index=True)
    task = models.CharField(max_length=40, blank=True, help_text="Task it is running, empty when idle")
    task_arg = models.BigIntegerField(null=True, blank=True)
    task_started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.host} pid {self.pid})"


class RawPage(models.Model):
    """The page an article was extracted from, as fetched: compressed, bounded, with its fetch
    time and the response headers that matter. Kept so that a better extractor can reach
    articles already stored (`broadsheet reextract`); pruned by age and total size
    (`broadsheet rawpages --prune`, and hourly by `broadsheet run`). See crawl/rawpages.py."""

    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE, primary_key=True,
                                   related_name="raw_page")
    content = models.BinaryField(editable=False, help_text="The response body, compressed with `codec`")
    codec = models.CharField(max_length=10, default="br", help_text="How `content` is compressed (br: Brotli)")
    size = models.PositiveIntegerField(help_text="Bytes of the body as kept (before compression)")
    stored_size = models.PositiveIntegerField(help_text="Bytes of `content` (after compression)")
    truncated = models.BooleanField(default=False, help_text="Larger than the extraction cap: kept as the extractor reads it")
    fetched_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(help_text="HTTP status of the final response")
    url = models.URLField(max_length=2000, help_text="Final URL, after redirects")
    headers = models.JSONField(default=dict, blank=True, help_text="The response headers that matter (lower-case names)")

    def __str__(self) -> str:
        return f"raw page of article {self.article_id} ({self.size:,} bytes)"
