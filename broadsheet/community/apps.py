from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.community"
    label = "community"

    def ready(self) -> None:
        # Comments point at their page through a generic key, which the database cannot
        # cascade: remove a page's comments when the page itself is deleted.
        from django.db.models.signals import post_delete

        from broadsheet.community import targets

        for label, _ in targets.TARGETS.values():
            model = targets._model(label)
            if model is not None:
                post_delete.connect(_drop_comments, sender=model, weak=False, dispatch_uid=f"community-drop-{label}")


def _drop_comments(sender, instance, **kwargs) -> None:
    from django.contrib.contenttypes.models import ContentType

    from broadsheet.community.models import Comment

    Comment.objects.filter(content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk).delete()
