from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _pages_changed(sender, **kwargs):
    from django.db import transaction

    from broadsheet.web.pagecache import bump_version

    bump_version()
    transaction.on_commit(bump_version)  # again once committed: a page rendered meanwhile is stale


class Config(AppConfig):
    name = "broadsheet.web"
    label = "web"

    def ready(self):
        # A comment shows (or goes) on the next anonymous view of its page and the cards' counts.
        from broadsheet.community.models import Comment

        post_save.connect(_pages_changed, sender=Comment, dispatch_uid="web.pages.comment_saved")
        post_delete.connect(_pages_changed, sender=Comment, dispatch_uid="web.pages.comment_deleted")
