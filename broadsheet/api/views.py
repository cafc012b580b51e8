"""Read-only JSON API: the same data the pages show, for scripts and other front ends.

Plain function views returning JSON (no framework: a handful of read endpoints do not
need one). Lists are keyset-paginated on (published, id) so a page costs one indexed
query however deep the reader goes. The OpenAPI document at /api/openapi.json
describes every endpoint.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from broadsheet.api.openapi import document
from broadsheet.articles.models import Article
from broadsheet.lib.methods import read_only
from broadsheet.sources.models import Source
from broadsheet.web.sections import sections as taxonomy, slug_for

MAX_LIMIT = 100
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class BadRequest(ValueError):
    pass


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
        data["paywalled"] = article.paywalled
    return data


def _limit(request) -> int:
    raw = request.GET.get("limit", "30")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def _when(request, name: str) -> datetime | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    value = parse_datetime(raw)
    if value is None or value.tzinfo is None:
        raise BadRequest(f"{name} must be an ISO-8601 time with a timezone, e.g. 2026-11-28T09:00:00+00:00")
    return value


def _cursor(request) -> tuple[datetime, int] | None:
    raw = request.GET.get("cursor")
    if not raw:
        return None
    micros, _, pk = raw.partition("_")
    if not micros.isdigit() or not pk.isdigit():
        raise BadRequest("cursor is malformed: use the next_cursor of the previous page")
    return EPOCH + timedelta(microseconds=int(micros)), int(pk)


def _make_cursor(item: Article) -> str:
    """URL-safe (no '+' of a UTC offset to be read back as a space)."""
    return f"{(item.published - EPOCH) // timedelta(microseconds=1)}_{item.pk}"


@read_only
def articles(request):
    try:
        limit = _limit(request)
        since, until, cursor = _when(request, "since"), _when(request, "until"), _cursor(request)
    except BadRequest as exc:
        return _error(400, str(exc))
    rows = Article.objects.filter(status=Article.Status.OK).select_related("source", "story_member", "enrichment")
    section = request.GET.get("section")
    if section:
        names = {slug_for(name): name for name in taxonomy()}
        if section not in names:
            return _error(400, f"unknown section {section!r}; one of: {', '.join(names)}")
        rows = rows.filter(section=names[section])
    if request.GET.get("source"):
        if not request.GET["source"].isdigit():
            return _error(400, "source must be a source id")
        rows = rows.filter(source_id=int(request.GET["source"]))
    if since:
        rows = rows.filter(published__gte=since)
    if until:
        rows = rows.filter(published__lt=until)
    if cursor:
        rows = rows.filter(Q(published__lt=cursor[0]) | Q(published=cursor[0], pk__lt=cursor[1]))
    page = list(rows.order_by("-published", "-pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_cursor = _make_cursor(page[-1]) if more else None
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
