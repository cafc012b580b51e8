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
        from django.apps import apps

        # After every migrate: SQLite drops the triggers of a table Django rebuilds. Django sends
        # post_migrate only for apps with a models module, which this one has not: so on the
        # articles app's (sent after every app's migrations have run, like the others).
        post_migrate.connect(_repair, sender=apps.get_app_config("articles"), dispatch_uid="broadsheet.search.repair")
