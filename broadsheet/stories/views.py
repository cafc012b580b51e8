from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from broadsheet.articles.models import Article
from broadsheet.lib.methods import read_only
from broadsheet.stories.models import Story


@read_only
def story(request, pk: int):
    item = get_object_or_404(Story, pk=pk)
    if item.merged_into_id:
        return redirect("stories:story", item.merged_into_id, permanent=True)
    copies = Prefetch("copies", queryset=Article.objects.select_related("source").order_by("published"))
    articles = list(Article.objects.filter(story_member__story=item, status=Article.Status.OK)
                    .select_related("source").prefetch_related(copies).order_by("published", "pk"))
    groups: dict[int, tuple] = {}
    for article in articles:
        groups.setdefault(article.source_id, (article.source, []))[1].append(article)
    by_source = sorted(groups.values(), key=lambda g: (g[1][0].published, g[0].name))
    return render(request, "stories/story.html", {
        "story": item, "timeline": articles, "by_source": by_source, "earliest": articles[0] if articles else None})
