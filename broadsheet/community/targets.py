"""What readers can comment on: a kind name in the URL -> a model and its visible rows.

To make a new page commentable, add its kind here and include
`community/_comments.html` with `comment_target=<object>` in its template.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model, QuerySet
from django.http import Http404

# kind -> (app_label.Model, filter on rows readers may comment on)
TARGETS: dict[str, tuple[str, dict]] = {
    "article": ("articles.Article", {"status": "ok"}),
    "story": ("stories.Story", {}),
}


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None  # e.g. stories.Story before that app defines it


def queryset(kind: str) -> QuerySet:
    if kind not in TARGETS:
        raise Http404("Comments are not open on this kind of page")
    label, filters = TARGETS[kind]
    model = _model(label)
    if model is None:
        raise Http404("Comments are not open on this kind of page")
    return model._default_manager.filter(**filters)


def kind_of(obj: Model) -> str | None:
    label = obj._meta.label
    for kind, (target_label, _) in TARGETS.items():
        if target_label == label:
            return kind
    return None
