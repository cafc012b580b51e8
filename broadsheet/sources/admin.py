from django.contrib import admin
from django.utils.html import format_html

from broadsheet.sources.models import Feed, Source


class WarningFilter(admin.SimpleListFilter):
    title = "read with a warning"
    parameter_name = "warning"

    def lookups(self, request, model_admin):
        return [("yes", "yes"), ("no", "no")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(last_warning="")
        if self.value() == "no":
            return queryset.filter(last_warning="")
        return queryset


class FeedInline(admin.TabularInline):
    model = Feed
    fields = ["url", "section", "active", "consecutive_failures", "last_error_kind", "last_warning", "next_check_at"]
    readonly_fields = ["consecutive_failures", "last_error_kind", "last_warning", "next_check_at"]
    extra = 0


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage", "country", "language"]
    search_fields = ["name", "homepage"]
    list_filter = ["country"]
    inlines = [FeedInline]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "section", "active", "health", "last_fetch_at", "next_check_at", "articles_added"]
    list_filter = ["active", "section", "last_error_kind", WarningFilter]
    search_fields = ["url", "title", "source__name"]
    readonly_fields = ["etag", "last_modified", "last_fetch_at", "last_success_at", "last_error", "last_error_kind", "last_warning",
                       "consecutive_failures", "entries_seen", "articles_added", "claimed_until"]
    actions = ["poll_now"]

    @admin.display(description="health")
    def health(self, feed: Feed):
        state = feed.health
        if state == "warning":
            return format_html('<span style="color:#b06000" title="{}">ok, ill-formed</span>', feed.last_warning)
        if state == "failing":
            return format_html('<span style="color:#b3261e" title="{}">{} × {}</span>',
                               feed.last_error, feed.consecutive_failures, feed.last_error_kind)
        colour = "#137333" if state == "ok" else "#5f6368"  # paused and new are neither good nor bad
        return format_html('<span style="color:{}">{}</span>', colour, state)

    @admin.action(description="Poll now")
    def poll_now(self, request, queryset):
        from django.utils import timezone

        count = queryset.update(next_check_at=timezone.now(), claimed_until=None)
        self.message_user(request, f"{count} feed(s) will be polled on the next scheduler tick.")
