from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from broadsheet.articles.models import Article
from broadsheet.lib.methods import read_only
from broadsheet.stories.models import Member, Story
from broadsheet.web.pagecache import cache_anonymous

# What the timeline, the by-source list and the earliest report (its lead paragraph) show.
SHOWN = ("id", "source", "url", "title", "published", "language", "status", "section", "image", "teaser", "body")


@read_only
@cache_anonymous
def story(request, pk: int):
    item = get_object_or_404(Story, pk=pk)
    if item.merged_into_id:
        return redirect("stories:story", item.merged_into_id, permanent=True)
    # Only the columns the page shows: a full row decoded each article's blocks and authors
    # (JSON) and copied its embedding, for a list that draws a title and a link.
    copies = Prefetch("copies", queryset=Article.objects.select_related("source").order_by("published")
                      .only("id", "url", "published", "duplicate_of_id", "source"))
    # Members first (the (story, published) index), then their articles by primary key, the
    # status checked here: with the status in the query (joined or not), SQLite's planner drove
    # it from the (status, published) index, reading every visible article of the site.
    ids = list(Member.objects.filter(story=item).values_list("article_id", flat=True))
    articles = [a for a in Article.objects.filter(pk__in=ids).select_related("source").prefetch_related(copies)
                .only(*SHOWN).order_by("published", "pk") if a.status == Article.Status.OK]
    groups: dict[int, tuple] = {}
    for article in articles:
        groups.setdefault(article.source_id, (article.source, []))[1].append(article)
    by_source = sorted(groups.values(), key=lambda g: (g[1][0].published, g[0].name))
    return render(request, "stories/story.html", {
        "story": item, "timeline": articles, "by_source": by_source, "earliest": articles[0] if articles else None})
