from django.contrib import admin

from broadsheet.crawl.models import TaskWorker


@admin.register(TaskWorker)
class TaskWorkerAdmin(admin.ModelAdmin):
    """The task workers alive now, as their heartbeats say; written by the workers, read here."""

    list_display = ["name", "host", "pid", "queue", "beat_at", "task", "task_arg", "task_started_at", "started_at"]
    list_filter = ["queue", "host", "task"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
