from django.contrib import admin

from broadsheet.crawl.models import RawPage, TaskWorker


@admin.register(TaskWorker)
class TaskWorkerAdmin(admin.ModelAdmin):
    """The task workers alive now, as their heartbeats say; written by the workers, read here."""

    list_display = ["name", "host", "pid", "queue", "beat_at", "task", "task_arg", "task_started_at", "started_at"]
    list_filter = ["queue", "host", "task"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RawPage)
class RawPageAdmin(admin.ModelAdmin):
    """The pages kept for re-extraction (crawl/rawpages.py): written by the crawl, pruned by
    `broadsheet run`; read-only here, deletable (`broadsheet reextract` then skips the article)."""

    list_display = ["article", "size", "stored_size", "truncated", "fetched_at", "status", "url"]
    list_filter = ["truncated", "status"]
    date_hierarchy = "fetched_at"
    raw_id_fields = ["article"]
    readonly_fields = ["article", "codec", "size", "stored_size", "truncated", "fetched_at", "status", "url", "headers"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content").select_related("article")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
