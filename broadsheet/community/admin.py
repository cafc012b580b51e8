"""Moderation in the Django admin: a queue, actions that write the audit log, reports, bans, policy."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html

from broadsheet.community import services
from broadsheet.community.models import (Comment, CommunitySettings, ModerationAction, Profile,
                                         QueuedComment, Report)


def _run(modeladmin, request, queryset, action, label: str) -> None:
    done = 0
    for comment in queryset:
        try:
            action(request.user, comment)
            done += 1
        except services.NotAllowed as exc:
            modeladmin.message_user(request, str(exc), messages.WARNING)
    modeladmin.message_user(request, f"{label} {done} comment(s).", messages.SUCCESS)


@admin.action(description="Restore (show) the selected comments", permissions=["change"])
def restore(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.restore, "Restored")


@admin.action(description="Hide the selected comments", permissions=["change"])
def hide(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.hide, "Hid")


@admin.action(description="Delete the text of the selected comments", permissions=["change"])
def delete_text(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.delete, "Deleted")


@admin.action(description="Dismiss the reports on the selected comments", permissions=["change"])
def dismiss(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.dismiss_reports, "Dismissed reports on")


@admin.action(description="Ban the authors (and hide their comments)", permissions=["change"])
def ban_author(modeladmin, request, queryset):
    authors = {c.author for c in queryset.select_related("author") if c.author_id}
    for user in authors:
        if user.is_staff:
            modeladmin.message_user(request, f"{user} is staff; not banned.", messages.WARNING)
            continue
        services.ban(request.user, user)
    modeladmin.message_user(request, f"Banned {len([u for u in authors if not u.is_staff])} account(s).")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "excerpt", "author_link", "status", "spam_score", "open_reports", "created", "edited"]
    list_filter = ["status", "created"]
    search_fields = ["body", "author__username", "author__email"]
    date_hierarchy = "created"
    actions = [restore, hide, delete_text, dismiss, ban_author]
    # Everything goes through the actions above, so that each change is in the audit log.
    readonly_fields = ["content_type", "object_id", "page", "parent", "author", "body", "status", "spam_score",
                       "spam_reasons", "created", "edited"]
    list_select_related = ["author"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_open=Count("reports", filter=Q(reports__resolved=False)))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # use the "delete the text" action: replies keep their place

    @admin.display(description="comment")
    def excerpt(self, obj):
        return (obj.body[:90] + "…") if len(obj.body) > 90 else (obj.body or "[deleted]")

    @admin.display(description="author")
    def author_link(self, obj):
        return obj.author.get_username() if obj.author_id else "[deleted]"

    @admin.display(description="open reports", ordering="n_open")
    def open_reports(self, obj):
        return obj.n_open

    @admin.display(description="page")
    def page(self, obj):
        target = obj.target
        if target is None:
            return "(gone)"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), str(target)[:120])


@admin.register(QueuedComment)
class QueueAdmin(CommentAdmin):
    list_display = ["pk", "excerpt", "author_link", "status", "spam_score", "why", "open_reports", "created"]
    list_filter = ["status"]

    def get_queryset(self, request):
        queue = Q(status=Comment.Status.PENDING) | Q(n_open__gt=0)
        return super().get_queryset(request).filter(queue).order_by("created")

    @admin.display(description="why queued")
    def why(self, obj):
        reasons = list(obj.spam_reasons or [])
        if obj.n_open:
            reasons.append(f"{obj.n_open} open report(s)")
        return "; ".join(reasons)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reason", "note", "reporter", "created", "resolved"]
    list_filter = ["resolved", "reason"]
    readonly_fields = ["comment", "reporter", "reason", "note", "created"]
    list_select_related = ["comment", "reporter"]

    def has_add_permission(self, request):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log: read-only, for everyone including superusers."""

    list_display = ["created", "actor_name", "kind", "comment", "subject", "note"]
    list_filter = ["kind", "created"]
    search_fields = ["actor_name", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description="Ban the selected readers (and hide their comments)", permissions=["change"])
def ban_profiles(modeladmin, request, queryset):
    for profile in queryset.select_related("user"):
        if not profile.user.is_staff:
            services.ban(request.user, profile.user)


@admin.action(description="Lift the ban on the selected readers", permissions=["change"])
def unban_profiles(modeladmin, request, queryset):
    for profile in queryset.select_related("user"):
        services.unban(request.user, profile.user)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "banned", "banned_at"]
    list_filter = ["banned"]
    search_fields = ["user__username", "display_name"]
    readonly_fields = ["user", "banned", "banned_at"]
    actions = [ban_profiles, unban_profiles]


@admin.register(CommunitySettings)
class CommunitySettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not CommunitySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
