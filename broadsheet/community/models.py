"""Readers' comments, reports, moderation log and the site's community policy."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class CommunitySettings(models.Model):
    """The site's comment policy, edited in the admin (one row, pk=1)."""

    comments_enabled = models.BooleanField(default=True)
    premoderate_first = models.PositiveSmallIntegerField(
        default=2, help_text="A new account's first N comments wait in the queue until a moderator approves one (0: off)")
    edit_window_minutes = models.PositiveSmallIntegerField(default=15, help_text="How long an author may edit a comment")
    max_length = models.PositiveIntegerField(
        default=3000, validators=[MinValueValidator(1), MaxValueValidator(20000)], help_text="Longest comment, in characters")
    spam_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Comments scoring this much or more go to the moderation queue (see community/spam.py)")
    blocklist = models.TextField(
        blank=True, help_text="One word, phrase or host name per line; a comment using one goes to the queue")

    CACHE_KEY = "community:settings"

    class Meta:
        verbose_name = verbose_name_plural = "community settings"

    def __str__(self) -> str:
        return "Community settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> "CommunitySettings":
        found = cache.get(cls.CACHE_KEY)
        if found is None:
            found, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, found, 300)
        return found

    @property
    def blocked_terms(self) -> list[str]:
        return [line.strip().lower() for line in self.blocklist.splitlines() if line.strip()]


class Profile(models.Model):
    """Public face of an account: a display name and a short bio (plain text)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=50, blank=True)
    bio = models.TextField(max_length=500, blank=True)
    banned = models.BooleanField(default=False, help_text="A banned reader can read and delete their account, not post")
    banned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()


def profile_of(user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


class Comment(models.Model):
    """A reader's plain-text comment on any commentable object (article, story ...).

    The target is generic (content type + id) so that a new kind of page becomes
    commentable by adding it to community/targets.py, without a migration here.
    Replies are one level deep: a reply to a reply hangs under the same top comment.
    """

    class Status(models.TextChoices):
        VISIBLE = "visible"
        PENDING = "pending", "awaiting review"
        HIDDEN = "hidden", "hidden by a moderator"
        DELETED = "deleted"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="comments")
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE, db_index=True)
    spam_score = models.PositiveSmallIntegerField(default=0)
    spam_reasons = models.JSONField(default=list, blank=True, help_text="Why the comment scored what it did")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    edited = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        indexes = [models.Index(fields=["content_type", "object_id", "status", "created"], name="comment_target")]

    def __str__(self) -> str:
        return f"#{self.pk} by {self.author_name}"

    @property
    def author_name(self) -> str:
        if self.author_id is None:
            return "[deleted]"
        profile = getattr(self.author, "profile", None)
        return profile.name if profile else self.author.get_username()

    @property
    def is_gone(self) -> bool:
        return self.status in (self.Status.DELETED, self.Status.HIDDEN)

    def editable_by(self, user) -> bool:
        if not user.is_authenticated or user.pk != self.author_id or self.is_gone:
            return False
        window = CommunitySettings.current().edit_window_minutes
        return timezone.now() - self.created <= timezone.timedelta(minutes=window)

    def get_absolute_url(self) -> str:
        target = self.target
        base = target.get_absolute_url() if target is not None else "/"
        return f"{base}#c{self.pk}"


class QueuedComment(Comment):
    """The moderation queue in the admin: comments waiting for review or with open reports."""

    class Meta:
        proxy = True
        verbose_name = "comment to review"
        verbose_name_plural = "moderation queue"


class Report(models.Model):
    """A reader's flag on a comment; an open report puts the comment in the queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse or harassment"
        HATE = "hate", "Hate speech"
        OFF_TOPIC = "off-topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment #{self.comment_id}"


class ModerationAction(models.Model):
    """Audit log: who did what to which comment or account, and when. Append-only."""

    class Kind(models.TextChoices):
        HIDE = "hide"
        RESTORE = "restore"
        DELETE = "delete"
        BAN = "ban"
        UNBAN = "unban"
        DISMISS = "dismiss", "dismiss reports"
        AUTO_QUEUE = "queue", "queued automatically"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, help_text="Kept if the moderator's account is removed")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", help_text="Account acted upon (ban/unban)")
    note = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.kind} at {self.created:%Y-%m-%d %H:%M}"
