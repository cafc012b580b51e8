"""AI panel fragments, questions and tag pages. Fragments are fetched by static/enrich/panel.js."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_ratelimit.core import is_ratelimited

from broadsheet.articles.models import Article
from broadsheet.enrich import coverage, questions, tag_page
from broadsheet.enrich.models import ArticleEnrichment, ArticleTag, Tag
from broadsheet.enrich.pipeline import story_articles, story_articles_of, story_key, story_summary
from broadsheet.enrich.tags import key as tag_key
from broadsheet.lib.methods import read_only
from broadsheet.web.pagecache import cache_anonymous

ANSWER_TTL = 6 * 3600
PER_PAGE = 30


def _visible():
    return Article.objects.filter(status=Article.Status.OK).select_related("source")


@read_only
def article_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel body when ready; else 202 with a placeholder and the work queued once."""
    if limited := _panel_limited(request):
        return limited
    article = get_object_or_404(_visible(), pk=pk)
    enrichment = ArticleEnrichment.objects.filter(article=article).first()
    if enrichment is None:
        if cache.add(f"enrich:queued:{pk}", 1, timeout=300):
            from broadsheet.enrich.tasks import queue_enrichment

            queue_enrichment(pk)
        return render(request, "enrich/_pending.html", {"article": article}, status=202)
    return render(request, "enrich/_panel_body.html", {"article": article, "enrichment": enrichment})


def _answer(request: HttpRequest, scope: str, articles: list) -> HttpResponse:
    question = " ".join(request.GET.get("q", "").split())[: questions.MAX_QUESTION]
    if not question:
        return render(request, "enrich/_answer.html", {"error": "Type a question first."}, status=400)
    cache_key = "enrich:ask:" + hashlib.sha256(f"{scope}|{question.lower()}".encode()).hexdigest()
    result = cache.get(cache_key)
    if result is None:
        # Only new questions cost work (and, when configured, an LLM call): limit those per client.
        if is_ratelimited(request, group="enrich-ask", key="ip", rate=getattr(settings, "ENRICH_ASK_RATE", "20/m"),
                          method=is_ratelimited.ALL, increment=True):
            return render(request, "enrich/_answer.html",
                          {"error": "You have asked a lot in a short time. Please wait a minute."}, status=429)
        result = questions.answer(question, articles)
        cache.set(cache_key, result, ANSWER_TTL)
    return render(request, "enrich/_answer.html", {"question": question, "result": result})


@read_only
def article_ask(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(_visible(), pk=pk)
    articles = story_articles(article)
    return _answer(request, "a:" + ",".join(sorted(str(a.pk) for a in articles)), articles)


def _story(pk: int):
    """A story (the panel is addressed by story id only, never by a list of article ids)."""
    from broadsheet.stories.models import Story

    return get_object_or_404(Story, pk=pk)


def _articles(story) -> list:
    articles = story_articles_of(story.pk)
    if not articles:
        raise Http404("This story has no articles to show")
    return articles


def _panel_limited(request: HttpRequest) -> HttpResponse | None:
    """Count a panel request against the per-IP limit (django-ratelimit, the shared cache); a 429 past it."""
    if is_ratelimited(request, group="enrich-panel", key="ip", rate=settings.ENRICH_PANEL_RATE,
                      method=is_ratelimited.ALL, increment=True):
        return render(request, "enrich/_busy.html", status=429)
    return None


@read_only
def story_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The story's summary: one stored row per story (key story:<id>), recomputed when its articles change."""
    if limited := _panel_limited(request):
        return limited
    story = _story(pk)
    if story.merged_into_id:
        return redirect("enrich:story-panel", story.merged_into_id)
    articles = _articles(story)
    data = story_summary(story_key(story.pk), articles)
    by_id = {a.pk: a for a in articles}
    # Without a summary, say which wait it is: too little text yet, or enough text with no
    # sentence that stands on its own (summaries.summarize_story returns None for both).
    ready = data is None and coverage.story_ready(a for a in articles if (a.body or "").strip())
    return render(request, "enrich/_story_body.html", {"data": data, "articles": by_id, "ready": ready})


@read_only
def story_ask(request: HttpRequest, pk: int) -> HttpResponse:
    story = _story(pk)
    if story.merged_into_id:
        return redirect("enrich:story-ask", story.merged_into_id)
    articles = _articles(story)
    return _answer(request, f"s:{story.pk}:" + ",".join(str(a.pk) for a in articles), articles)


@read_only
@cache_anonymous
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    """The stories and the not yet placed articles carrying the tag, each once, in the order
    of their newest tagged article (the stories first, then the articles), keyset-paged."""
    from django.core.exceptions import ValidationError

    from broadsheet.web import languages
    from broadsheet.web.views import _bad_cursor, _cursor, _picker

    found = Tag.objects.filter(key=tag_key(slug)).first()
    if found is None:
        raise Http404("No such tag")
    try:
        before = _cursor(request)
    except ValidationError:
        return _bad_cursor(request)
    chosen = languages.pick(request)
    items, loose, older = tag_page.tagged(found.pk, before, PER_PAGE, chosen, _visible())
    return render(request, "enrich/tag.html", {"tag": found, "cards": items, "older": older, "paged": before,
                                               "loose": loose, "heading": f"Latest news with #{found.name}",
                                               **_picker(chosen, items)})


