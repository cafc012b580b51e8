"""What enrichment stores per article (and per story summary), beside the lead's Article."""

from __future__ import annotations

from django.db import models

from broadsheet.articles.models import Article


class ArticleEnrichment(models.Model):
    """Section, tags, entities and summary of one article, computed at ingest."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="enrichment")
    section = models.CharField(max_length=60, blank=True)
    hashtags = models.JSONField(default=list, blank=True, help_text='["KimJongUn", ...] without "#"')
    entities = models.JSONField(default=list, blank=True, help_text='[{"name", "type", "count"}]')
    gist = models.JSONField(null=True, blank=True, help_text='{"text", "sources": [{"article", "sentence"}]}')
    key_points = models.JSONField(default=list, blank=True)
    question = models.CharField(max_length=200, blank=True, default="",
                                help_text="A question the article answers, shown as the ask box's hint (questions.suggest)")
    generator = models.CharField(max_length=120, default="extractive", help_text='"extractive" or "llm:<model>"')
    llm_version = models.CharField(max_length=64, blank=True, default="",
                                   help_text="Hash of the text whose LLM rewrite was queued (once per version)")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"enrichment of {self.article_id}"


class Tag(models.Model):
    key = models.CharField(max_length=120, unique=True, help_text="Spelling-insensitive identity (tags.key)")
    name = models.CharField(max_length=120, help_text="Display form, e.g. KimJongUn")

    def __str__(self) -> str:
        return f"#{self.name}"


class ArticleTag(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="article_tags")
    rank = models.PositiveSmallIntegerField(default=0)
    # The article's publication time, so a tag's page reads its newest rows from an index and
    # stops (keyset on (published, article)) instead of reading every row of the tag. Kept by
    # database triggers (enrich/timeline.py) on every write path: filled from the article on
    # insert when not given, and rewritten when the article's time changes. Nullable only so
    # that adding it is an ALTER TABLE and not a copy of the table on SQLite.
    published = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "tag"], name="enrich_articletag_unique")]
        # A tag's page reads its newest (article, time) pairs from this index alone, in order,
        # and stops after a page (tests/web/test_plans.py, tests/enrich/test_tag_plans_pg.py).
        indexes = [models.Index(fields=["tag", "-published", "-article"], name="articletag_tag_pub")]


class StorySummary(models.Model):
    """A story's summary, keyed by the caller's story key and the article set it was made from."""

    key = models.CharField(max_length=120, unique=True)
    signature = models.CharField(max_length=64, help_text="Hash of the article ids summarised")
    data = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
