from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair(sender, using="default", **kwargs):
    from django.db import connections

    from broadsheet.enrich import tag_times

    tag_times.install(connections[using])


class Config(AppConfig):
    name = "broadsheet.enrich"
    label = "enrich"

    def ready(self):
        # After every migrate: SQLite drops the triggers of a table Django rebuilds (the tag
        # rows' time triggers live on articles_article and enrich_articletag).
        post_migrate.connect(_repair, sender=self, dispatch_uid="broadsheet.enrich.repair")
