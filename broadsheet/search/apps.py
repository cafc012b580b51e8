from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair(sender, using="default", **kwargs):
    from django.db import connections

    from broadsheet.search.schema import install

    install(connections[using])


class Config(AppConfig):
    name = "broadsheet.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        # After every migrate: SQLite drops the triggers of a table Django rebuilds.
        post_migrate.connect(_repair, sender=self, dispatch_uid="broadsheet.search.repair")
