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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "tag"], name="enrich_articletag_unique")]
        # A tag's page reads its rows' article ids from this index alone; through the tag_id
        # index it read each row from the table, ~600 random reads for a tag at a million
        # articles (tests/web/test_plans.py).
        indexes = [models.Index(fields=["tag", "article"], name="articletag_tag_article")]


class StorySummary(models.Model):
    """A story's summary, keyed by the caller's story key and the article set it was made from."""

    key = models.CharField(max_length=120, unique=True)
    signature = models.CharField(max_length=64, help_text="Hash of the article ids summarised")
    data = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
