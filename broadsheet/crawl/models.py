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
