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
from broadsheet.articles.models import Article, lead_of
from broadsheet.lib import paths
from broadsheet.lib.prepared import prepared
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


# What a list item holds (_article_json without full), in the order _list_item reads them: the
# rest of each row (the text's blocks, the vector, the enrichment's entities and summary) was
# read and decoded for nothing.
LIST_FIELDS = ("id", "url", "title", "authors", "published", "modified", "section", "language", "image", "teaser",
               "body", "source_id", "source__name", "story_member__story", "enrichment__hashtags")


def _list_item(row: tuple) -> dict:
    """_article_json(article) for a row of LIST_FIELDS, without an Article, a Source, a Member and
    an enrichment made for each of a page's 50-100 rows (most of the list's time);
    tests/api/test_api.py holds the two equal."""
    pk, url, title, authors, published, modified, section, language, image, teaser, body, source_id, source_name, \
        story, hashtags = row
    return {"id": pk, "url": url, "title": title, "authors": authors, "published": published.isoformat(),
            "modified": modified.isoformat() if modified else None, "section": section, "language": language,
            "image": image or None, "source": {"id": source_id, "name": source_name}, "lead": lead_of(body, teaser),
            "page": paths.path("web:article", pk), "story": story, "hashtags": list(hashtags) if hashtags else []}


@prepared(Article)
def _list(*args, shape):
    """A page of the list: `shape` says which filters are given (their values are `args`, in
    that order), the page size and the languages kept."""
    given, limit, allowed = shape
    args = list(args)
    rows = Article.objects.filter(status=Article.Status.OK).filter(allowed.q())
    if "section" in given:
        rows = rows.filter(section=args.pop(0))
    if "source" in given:
        rows = rows.filter(source_id=args.pop(0))
    if "since" in given:
        rows = rows.filter(published__gte=args.pop(0))
    if "until" in given:
        rows = rows.filter(published__lt=args.pop(0))
    if "cursor" in given:
        when, pk = args.pop(0), args.pop(0)
        rows = rows.filter(Q(published__lt=when) | Q(published=when, pk__lt=pk))
    return rows.order_by("-published", "-pk").values_list(*LIST_FIELDS)[: limit + 1]


@read_only
@cache_anonymous
def articles(request):
    query = ArticlesQuery(request.GET)
    if not query.is_valid():
        return _error(400, query.first_error())
    want = query.cleaned_data
    given = tuple(name for name in ("section", "source", "since", "until", "cursor") if want[name])
    args = [value for name in given for value in (want[name] if name == "cursor" else [want[name]])]
    limit = want["limit"]
    # the site's languages and the reader's pick
    page = _list(*args, shape=(given, limit, languages.allowed(languages.pick(request)))).all()
    more = len(page) > limit
    page = page[:limit]
    next_cursor = make_cursor(page[-1][4], page[-1][0]) if more else None
    return JsonResponse({"articles": [_list_item(row) for row in page], "next_cursor": next_cursor})


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
