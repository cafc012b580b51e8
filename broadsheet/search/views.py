"""/search/ (a page of story cards) and /api/search (JSON), over the same engine."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from broadsheet.api.views import _article_json
from broadsheet.community.services import prime_counts
from broadsheet.lib.methods import read_only
from broadsheet.search.engine import search
from broadsheet.search.forms import SearchForm
from broadsheet.sources.models import Source
from broadsheet.web import languages
from broadsheet.web.pagecache import cache_anonymous
from broadsheet.web.sections import sections, slug_for

PER_PAGE = 20


def _languages() -> list[str]:
    """Languages to offer as a filter: those the sources are in (a small table), of those the site lists."""
    found = {code for code in Source.objects.exclude(language="").values_list("language", flat=True)}
    return sorted(found & set(languages.shown()) if languages.shown() else found)


@read_only
@cache_anonymous  # a popular search is read many times between two new articles
def page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "query": request.GET.get("q", "")[:300], "section_choices": [(slug_for(n), n) for n in sections()],
               "languages": _languages(), "results": None}
    if not form.is_valid():
        context["error"] = form.first_error()
        return render(request, "search/search.html", context, status=400)
    want = form.cleaned_data
    context["publisher"] = Source.objects.filter(pk=want["source"]).first() if want["source"] else None
    if want["q"]:
        found = search(want["q"], form.filters(languages.pick(request)), limit=want["limit"] or PER_PAGE,
                       cursor=want["cursor"] or 0)
        prime_counts([r.article for r in found.results])
        context["results"] = found
        if found.next_cursor is not None:
            more = request.GET.copy()
            more["cursor"] = found.next_cursor
            context["next_query"] = more.urlencode()
    return render(request, "search/search.html", context)


@read_only
@cache_anonymous
def api(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=400)
    want = form.cleaned_data
    # No words (or none with a letter or digit): no results, as on the page.
    found = search(want["q"], form.filters(languages.pick(request)), limit=want["limit"] or PER_PAGE, cursor=want["cursor"] or 0)
    results = []
    for result in found.results:
        story = result.story
        results.append({
            "score": result.score,
            "article": _article_json(result.article),
            "story": None if story is None else {
                "id": story.pk, "headline": story.headline, "page": story.get_absolute_url(),
                "article_count": story.article_count, "source_count": story.source_count,
                "last_published": story.last_published.isoformat() if story.last_published else None},
        })
    return JsonResponse({"query": found.terms, "results": results,
                         "next_cursor": None if found.next_cursor is None else str(found.next_cursor)})
