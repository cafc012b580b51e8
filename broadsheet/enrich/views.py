"""AI panel fragments, questions and tag pages. Fragments are fetched by static/enrich/panel.js."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_ratelimit.core import is_ratelimited

from broadsheet.articles.models import Article
from broadsheet.enrich import coverage, questions
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
    items, loose, older = tagged(found.pk, before, PER_PAGE, chosen)
    return render(request, "enrich/tag.html", {"tag": found, "cards": items, "older": older, "paged": before,
                                               "loose": loose, "heading": f"Latest news with #{found.name}",
                                               **_picker(chosen, items)})


WINDOW = 4  # tag rows read at most for a page, in pages: a bound, as the source page's (web.cards.by_source)


def tagged(tag_id: int, before, size: int, chosen: str):
    """A page of a tag: (story cards, loose articles, cursor of the next page or None).

    The tag's newest rows come from the (tag, published, article) index in order, each with
    its story from the members' key, and the read stops after size × WINDOW rows: a bounded
    read however many articles carry the tag (it read all of them, then sorted their stories,
    ~600 rows at a million articles). Each story or storyless article counts once, where its
    newest tagged article stands; the cursor is the (published, article) of the last row the
    page used. A story whose tagged articles are far apart in time can so come again on a
    later page, as on a publisher's page. Never the article table for a placed article: its
    rows (body, vector) are the largest of the database."""
    from broadsheet.api.forms import make_cursor
    from broadsheet.stories.models import Member
    from broadsheet.web import cards, languages

    rows = ArticleTag.objects.filter(tag_id=tag_id)
    if before is not None:
        when, pk = before
        # A range on published (not an OR of two), so the index serves it.
        rows = rows.filter(published__lte=when).exclude(published=when, article_id__gte=pk)
    story = Member.objects.filter(article_id=OuterRef("article_id")).values("story_id")
    rows = list(rows.annotate(story=Subquery(story)).order_by("-published", "-article_id")
                .values_list("published", "article_id", "story")[: size * WINDOW])
    order, known = [], set()  # (("s", story id) or ("a", article id), index of its first row)
    for i, (_, article_id, story_id) in enumerate(rows):
        key = ("s", story_id) if story_id is not None else ("a", article_id)
        if key not in known:
            known.add(key)
            order.append((key, i))
    # The candidates' rows, a page's worth at a time (one more to know where the next page
    # starts), until the page is full: a story not listed or in a language not picked, or an
    # article not visible, leaves its place to the next.
    stories, articles, kept, start = {}, {}, [], 0
    while len(kept) <= size and start < len(order):
        chunk = order[start: start + size + 1 - len(kept)]
        start += len(chunk)
        story_ids = [key[1] for key, _ in chunk if key[0] == "s"]
        article_ids = [key[1] for key, _ in chunk if key[0] == "a"]
        if story_ids:
            stories.update((row[0], row) for row in
                           languages.limit(cards.listed(), chosen).filter(pk__in=story_ids).order_by())
        if article_ids:
            articles.update((a.pk, a) for a in languages.limit(_visible(), chosen).filter(pk__in=article_ids)
                            .order_by().defer("embedding"))
        kept += [(key, i) for key, i in chunk if key[1] in (stories if key[0] == "s" else articles)]
    older = None
    if len(kept) > size:
        last = rows[kept[size][1] - 1]  # the next page starts at the first row of the item that did not fit
        older = make_cursor(last[0], last[1])
    elif len(rows) == size * WINDOW:  # the read was cut before the page filled
        older = make_cursor(rows[-1][0], rows[-1][1])
    page = kept[:size]
    return (cards.build([stories[key[1]] for key, _ in page if key[0] == "s"]),
            [articles[key[1]] for key, _ in page if key[0] == "a"], older)
