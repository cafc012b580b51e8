from __future__ import annotations

from django.db import models
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.lib import paths


class Story(models.Model):
    """One event as covered by many sources. Counts and times are recomputed from the
    members (never incremented), so redoing a step cannot skew them."""

    headline = models.CharField(max_length=1000, blank=True)
    first_published = models.DateTimeField(null=True, blank=True)
    last_published = models.DateTimeField(null=True, blank=True, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    country_count = models.PositiveIntegerField(default=0)
    centroid = models.BinaryField(null=True, blank=True, editable=False, help_text="float32 mean of member vectors")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What a card needs, kept by store.refresh() so a list is one indexed query on this table.
    listed = models.BooleanField(default=False, help_text="Shown in lists: not merged away, with a visible member")
    lead = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="Earliest visible member: its title is the headline, its page a lone card's link")
    image = models.URLField(max_length=2000, blank=True, help_text="Earliest member's picture")
    image_sizes = models.JSONField(default=list, blank=True,
                                   help_text="That picture's sizes for srcset: [[url, width, height], ...], narrowest first")
    teaser = models.CharField(max_length=400, blank=True, help_text="Opening words of the lead")
    section = models.CharField(max_length=60, blank=True, help_text="The section most members are filed under")
    language = models.CharField(max_length=10, blank=True)
    source_names = models.JSONField(default=list, blank=True, help_text="First few publishers, in order of reporting")
    source_icons = models.JSONField(default=list, blank=True, help_text="The icon of each of source_names ('' if none)")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-last_published"]
        indexes = [
            # Home "Latest" and every section list, newest first, keyset-paged on (last_published, id).
            # Partial (listed stories only): Django writes the filter as a bare `WHERE listed`,
            # which SQLite matches to an index's condition but not to a boolean key column.
            models.Index(fields=["-last_published", "-id"], name="story_listed_pub", condition=models.Q(listed=True)),
            models.Index(fields=["section", "-last_published", "-id"], name="story_section_pub",
                         condition=models.Q(listed=True)),
        ]

    def __str__(self) -> str:
        return self.headline or f"Story {self.pk}"

    def get_absolute_url(self) -> str:
        return paths.path("stories:story", self.pk)


class Member(models.Model):
    """An article's place in a story, with what clustering compares it by."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="story_member")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="members")
    published = models.DateTimeField(help_text="Copy of the article's, for time-window candidate queries")
    source_id = models.BigIntegerField()
    names = models.JSONField(default=list, blank=True)
    numbers = models.JSONField(default=list, blank=True)
    score = models.FloatField(default=0.0, help_text="Score with which it joined (0: opened the story)")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["story", "published"], name="member_story_pub"),
            # Covers the window query (ids by publication time) without touching the table.
            models.Index(fields=["published", "article"], name="member_pub_article"),
            # A publisher's page: its newest members, then their stories.
            models.Index(fields=["source_id", "-published", "-article"], name="member_source_pub"),
        ]


class Picture(models.Model):
    """The sizes in which the publisher serves an article's lead image (Article.image), read
    from its page, for a srcset; stored at fetch time. A row only when the page declares one."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="picture")
    sizes = models.JSONField(default=list, help_text="[[url, width, height], ...], narrowest first; height 0 if unknown")


class Signature(models.Model):
    """MinHash signature of an article's body, kept so near-duplicate detection survives
    restarts: each process rebuilds its datasketch LSH from the rows of a recent window."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="signature")
    published = models.DateTimeField(db_index=True)
    hashvalues = models.BinaryField(help_text="uint64 MinHash values (datasketch)")


class Related(models.Model):
    """Related articles, computed when the article arrives; read in one indexed query."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_rows")
    other = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    similarity = models.FloatField()

    class Meta:
        ordering = ["article", "rank"]
        constraints = [models.UniqueConstraint(fields=["article", "rank"], name="related_article_rank")]
