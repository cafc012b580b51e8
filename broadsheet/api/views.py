"""Read-only JSON API: the same data the pages show, for scripts and other front ends.

Plain function views returning JSON (no framework: a handful of read endpoints do not
need one). Lists are keyset-paginated on (published, id) so a page costs one indexed
query however deep the reader goes. The OpenAPI document at /api/openapi.json
describes every endpoint.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from broadsheet.api.forms import ArticlesQuery, make_cursor
from broadsheet.api.openapi import document
from broadsheet.articles import blocks as article_blocks
from broadsheet.articles.models import Article
from broadsheet.lib.methods import read_only
from broadsheet.sources.models import Source
from broadsheet.web import languages
from broadsheet.web.pagecache import cache_anonymous
from broadsheet.web.sections import sections as taxonomy, slug_for


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _article_json(article: Article, full: bool = False) -> dict:
    data = {
        "id": article.pk,
        "url": article.url,
        "title": article.title,
        "authors": article.authors,
        "published": article.published.isoformat(),
        "modified": article.modified.isoformat() if article.modified else None,
        "section": article.section,
        "language": article.language,
        "image": article.image or None,
        "source": {"id": article.source_id, "name": article.source.name},
        "lead": article.lead,
        "page": article.get_absolute_url(),
    }
    try:
        data["story"] = article.story_member.story_id
    except (ObjectDoesNotExist, AttributeError):
        data["story"] = None
    try:
        data["hashtags"] = list(article.enrichment.hashtags)
    except (ObjectDoesNotExist, AttributeError):
        data["hashtags"] = []
    if full:
        data["paragraphs"] = article.paragraphs
        data["blocks"] = article_blocks.of(article)
        data["paywalled"] = article.paywalled
    return data


# What a list item holds (_article_json without full): the rest of each row (the text's
# blocks, the vector, the enrichment's entities and summary) was read and decoded for nothing.
LIST_FIELDS = ("id", "url", "title", "authors", "published", "modified", "section", "language", "image", "teaser",
               "body", "source_id", "source__name", "story_member__story", "enrichment__hashtags")


@read_only
@cache_anonymous
def articles(request):
    query = ArticlesQuery(request.GET)
    if not query.is_valid():
        return _error(400, query.first_error())
    want = query.cleaned_data
    rows = (Article.objects.filter(status=Article.Status.OK).select_related("source", "story_member", "enrichment")
            .only(*LIST_FIELDS))
    rows = languages.limit(rows, languages.pick(request))  # the site's languages and the reader's pick
    if want["section"]:
        rows = rows.filter(section=want["section"])
    if want["source"]:
        rows = rows.filter(source_id=want["source"])
    if want["since"]:
        rows = rows.filter(published__gte=want["since"])
    if want["until"]:
        rows = rows.filter(published__lt=want["until"])
    if want["cursor"]:
        when, pk = want["cursor"]
        rows = rows.filter(Q(published__lt=when) | Q(published=when, pk__lt=pk))
    limit = want["limit"]
    page = list(rows.order_by("-published", "-pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_cursor = make_cursor(page[-1].published, page[-1].pk) if more else None
    return JsonResponse({"articles": [_article_json(a) for a in page], "next_cursor": next_cursor})


@read_only
def article(request, pk: int):
    item = Article.objects.filter(pk=pk, status=Article.Status.OK).select_related("source").first()
    if item is None:
        return _error(404, f"no article {pk}")
    return JsonResponse(_article_json(item, full=True))


@read_only
def sections(request):
    return JsonResponse({"sections": [{"name": name, "slug": slug_for(name)} for name in taxonomy()]})


@read_only
def sources(request):
    data = [
        {"id": s.pk, "name": s.name, "homepage": s.homepage, "country": s.country or None, "language": s.language or None}
        for s in Source.objects.all()
    ]
    return JsonResponse({"sources": data})


@read_only
def openapi(request):
    return JsonResponse(document(request.build_absolute_uri("/api/")))


@csrf_exempt  # any method: the answer is the same 404, and nothing is written
def not_found(request, rest: str = ""):
    return _error(404, "no such endpoint; see /api/openapi.json")
