"""The enrich pipeline step and the stored-result helpers the web layer reads.

`enrich_article` runs after `embeddings.embed_article` (settings.ARTICLE_PIPELINE): it
writes Article.section and an ArticleEnrichment row with tags, entities and summary,
and links Tag rows for the tag pages. Safe to repeat: every write is an upsert.

The web views import this module: what needs numpy or the models (sections, summaries,
embeddings) is imported in the functions that compute, never at import.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from broadsheet.enrich import llm, tags
from broadsheet.enrich.models import ArticleEnrichment, ArticleTag, StorySummary, Tag

log = logging.getLogger("broadsheet.enrich")


def compute(article) -> dict:
    """Everything the step stores, without touching the database."""
    from broadsheet.enrich import questions, sections, summaries
    from broadsheet.enrich.embeddings import from_bytes

    text = article.body or article.teaser or ""
    section = sections.classify(article.title, text, page_section=article.page_section, url=article.url,
                                authors=article.authors, minilm=from_bytes(article.embedding),
                                feed_section=article.feed.section if article.feed_id else "",
                                language=article.language, story_sections=story_sections(article))
    found = tags.entities(text, article.title, article.language)
    return {
        "section": section,
        "hashtags": tags.hashtags(text, article.title, found=found, language=article.language),
        "entities": [{"name": e.name, "type": e.type, "count": e.count} for e in found[:20]],
        "question": questions.suggest(text, found, article.language or "en"),
        **summaries.summarize(article.title, text, article_id=article.pk, language=article.language or "en"),
    }


def story_sections(article, limit: int = 50) -> list[str]:
    """Sections of the English articles in the same story: a language-independent signal
    for an article in another language (the same event, classified from English text)."""
    if not article.language or article.language.lower().startswith("en"):
        return []
    from broadsheet.articles.models import Article
    from broadsheet.stories.models import Member

    story_id = Member.objects.filter(article_id=article.pk).values_list("story_id", flat=True).first()
    if story_id is None:
        return []
    english = (Article.objects.filter(story_member__story_id=story_id, language__istartswith="en")
               .exclude(pk=article.pk).exclude(section="").filter(enrichment__isnull=False))
    return list(english.values_list("section", flat=True)[:limit])


def enrich_article(article) -> None:
    """Pipeline step: section, hashtags, entities, gist and key points of one article."""
    result = compute(article)
    result["hashtags"] = one_tag_per_entity(result["hashtags"])
    values = {"section": result["section"], "hashtags": result["hashtags"], "entities": result["entities"],
              "gist": result["gist"], "key_points": result["key_points"], "generator": "extractive",
              "question": result["question"]}
    if ArticleEnrichment.objects.filter(article_id=article.pk, llm_version=text_version(article),
                                        generator__startswith="llm:").exists():
        del values["gist"], values["key_points"], values["generator"]  # the model's rewrite of this same text stays
    refiled = article.section != result["section"]
    with transaction.atomic():
        type(article).objects.filter(pk=article.pk).update(section=result["section"])
        article.section = result["section"]
        ArticleEnrichment.objects.update_or_create(article_id=article.pk, defaults=values)
        save_tags(article.pk, result["hashtags"])
        if refiled:  # the story's card was drawn (stories step, before this one) with the old section
            from broadsheet.stories.models import Member
            from broadsheet.stories.store import refresh

            story_id = Member.objects.filter(article_id=article.pk).values_list("story_id", flat=True).first()
            if story_id is not None:
                refresh(story_id)
    if llm.configured() and claim_llm_rewrite(article):
        from broadsheet.enrich.tasks import rewrite_with_llm

        rewrite_with_llm.enqueue(article.pk)


def claim_llm_rewrite(article) -> bool:
    """True once per version of an article's text: a conditional UPDATE, so of several
    workers or repeats enriching the same text only one queues the (paid) LLM call."""
    version = text_version(article)
    return ArticleEnrichment.objects.filter(article_id=article.pk).exclude(llm_version=version).update(
        llm_version=version) == 1


def text_version(article) -> str:
    return hashlib.sha256(f"{article.title}\n{article.body}".encode()).hexdigest()


def camel_words(tag: str) -> list[str]:
    """'DonaldTrump' → ['Donald', 'Trump']; 'Erdoğan' → ['Erdoğan']."""
    words: list[str] = []
    for i, c in enumerate(tag):
        if not words or (c.isupper() and not tag[i - 1].isupper()):
            words.append(c)
        else:
            words[-1] += c
    return words


def one_tag_per_entity(names: list[str]) -> list[str]:
    """A lone surname tag joins the one stored full-name tag it ends ("Trump" → "DonaldTrump"),
    so one person is one tag across articles; with two candidates (DonaldTrump,
    MelaniaTrump) it stays as it is."""
    out: list[str] = []
    for name in names:
        k = tags.key(name)
        if len(camel_words(name)) == 1 and len(k) > 2:
            longer = [t for t in Tag.objects.filter(key__endswith=k).exclude(key=k).values_list("name", flat=True)[:5]
                      if len(camel_words(t)) > 1 and tags.key(camel_words(t)[-1]) == k]
            if len(longer) == 1:
                name = longer[0]
        if name not in out:
            out.append(name)
    return out


def save_tags(article_id: int, names: list[str]) -> None:
    """The article's tags, in rank order, in four queries (not three per tag): upserts, so
    a repeat or another worker storing the same new tag at once changes nothing."""
    first = {}
    for name in names:
        first.setdefault(tags.key(name), name)  # a tag keeps its first spelling
    Tag.objects.bulk_create([Tag(key=k, name=n) for k, n in first.items()], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(key__in=first).values_list("key", "pk"))
    ArticleTag.objects.filter(article_id=article_id).exclude(tag_id__in=ids.values()).delete()
    ArticleTag.objects.bulk_create([ArticleTag(article_id=article_id, tag_id=ids[k], rank=rank) for rank, k in enumerate(first)],
                                   update_conflicts=True, unique_fields=["article", "tag"], update_fields=["rank"])


def rewrite_article(article) -> bool:
    """Abstractive gist and key points from the LLM, grounded in the article's sentences; a
    written sentence that cannot stand alone (standalone.stands_alone) is not kept, and a
    gist that cannot leaves the extractive one in place."""
    from broadsheet.enrich.standalone import stands_alone
    from broadsheet.enrich.text import split_sentences

    enrichment = ArticleEnrichment.objects.filter(article_id=article.pk).first()
    sentences = split_sentences(article.body)[:40]
    if enrichment is None or not sentences:
        return False
    written = llm.generate("Write a one-sentence gist, then 3 to 5 key points of this article that do not repeat "
                           "the gist. Each sentence must make sense on its own: no pronoun or 'and', 'but' pointing "
                           "at another sentence.", [s.text for s in sentences], max_sentences=6)
    language = article.language or "en"
    if not written or not stands_alone(written[0].text, language):
        return False
    written = written[:1] + [g for g in written[1:] if stands_alone(g.text, language)]

    def item(g) -> dict:
        return {"text": g.text, "sources": [{"article": article.pk, "sentence": sentences[i].index} for i in g.sources]}

    enrichment.gist = item(written[0])
    if len(written) >= 4:
        enrichment.key_points = [item(g) for g in written[1:6]]
    enrichment.generator = f"llm:{llm.model_name()}"
    enrichment.save(update_fields=["gist", "key_points", "generator", "updated_at"])
    return True


# --- stories -----------------------------------------------------------------------------
MAX_STORY_ARTICLES = 50


def story_articles(article) -> list:
    """The article and the rest of its story: settings.ENRICH_STORY_ARTICLES (a dotted path
    to `f(article) -> list[Article]`) when set, else the stories app's membership."""
    path = getattr(settings, "ENRICH_STORY_ARTICLES", "") or "broadsheet.enrich.pipeline.story_members"
    try:
        found = list(import_string(path)(article))
    except Exception:  # a broken provider must not break the article page
        log.exception("story articles provider %s failed", path)
        found = []
    return found if any(a.pk == article.pk for a in found) else [article, *found]


def story_members(article) -> list:
    """Articles of the same story (stories.Member), newest first, bounded."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        story_id = article.story_member.story_id
    except (AttributeError, ObjectDoesNotExist):
        return []
    return story_articles_of(story_id)


def story_articles_of(story_id: int) -> list:
    """A story's visible articles, newest first, at most MAX_STORY_ARTICLES."""
    from broadsheet.articles.models import Article

    return list(Article.objects.filter(story_member__story_id=story_id, status=Article.Status.OK)
                .select_related("source").order_by("-published", "-pk")[:MAX_STORY_ARTICLES])


def summarize_story_of(article) -> None:
    """Pipeline step, the last: the summary of the article's story, stored now so that the
    story's AI panel only reads it (a web worker that computes one loads WordLlama and
    numpy: 53 MB -> 148 MB measured)."""
    summarize_stories_of([article])


def summarize_stories_of(articles: list) -> None:
    """The step over a batch: each story the batch's articles sit in, summarised once, from
    the articles it holds once the whole batch is placed (what the panel will read)."""
    from broadsheet.articles.models import Article

    stories = Article.objects.filter(pk__in=[a.pk for a in articles], status=Article.Status.OK,
                                     story_member__isnull=False).values_list("story_member__story_id", flat=True)
    for story_id in sorted(set(stories)):
        articles_now = story_articles_of(story_id)
        if articles_now:
            story_summary(story_key(story_id), articles_now)


# Read by crawl.process: a story's summary depends on its articles alone, so summarising each
# story once after the whole batch is placed ends as summarising it after each article would.
summarize_story_of.batch = summarize_stories_of  # type: ignore[attr-defined]


def story_key(story_id: int) -> str:
    """Storage key of a story's summary: one row per story, whatever articles it holds."""
    return f"story:{story_id}"


# Bumped when summarize_story changes what it picks, so stored summaries are made again.
STORY_SUMMARY_VERSION = "2"  # 2: only sentences that stand alone, in the reader's language


def _signature(articles: list[Any]) -> str:
    ids = ",".join(sorted(str(a.pk) for a in articles))
    return hashlib.sha256(f"v{STORY_SUMMARY_VERSION}|{ids}".encode()).hexdigest()


def story_summary(key: str, articles: list[Any]) -> dict | None:
    """Stored summary of a story (see summaries.summarize_story), recomputed when its
    article set changed. Callers: the story page (via the story panel) and tasks.

    The row is replaced by a conditional UPDATE on the signature it was read with, so of
    several requests racing over one new article set only one wins, and only the winner
    queues the LLM rewrite: at most one paid call per story and article set."""
    signature = _signature(articles)
    stored = StorySummary.objects.filter(key=key).first()
    if stored and stored.signature == signature:
        return stored.data
    from broadsheet.enrich import summaries

    data = summaries.summarize_story(articles)
    if stored is None:
        try:
            with transaction.atomic():
                StorySummary.objects.create(key=key, signature=signature, data=data)
            won = True
        except IntegrityError:  # another request stored it first
            won = False
    else:
        won = StorySummary.objects.filter(key=key, signature=stored.signature).update(
            signature=signature, data=data, updated_at=timezone.now()) == 1
    if won and data and llm.configured():
        from broadsheet.enrich.tasks import rewrite_story_later

        rewrite_story_later.enqueue(key, [a.pk for a in articles])
    return data


def rewrite_story(key: str, articles: list[Any]) -> bool:
    """An abstractive story summary from the LLM, grounded in the extractive one's sentences.

    Stored beside the extractive items as data["written"]: [{"text", "sources"}]; kept only
    while the story's article set is the one it was written from."""
    stored = StorySummary.objects.filter(key=key).first()
    if stored is None or not stored.data or stored.signature != _signature(articles):
        return False  # the story changed since: the rewrite of the new set is queued on its own
    items = stored.data["summary"] + stored.data["talking_points"] + stored.data["differences"]
    written = llm.generate("Write a short neutral summary of this news story from several publishers.",
                           [it["text"] for it in items], max_sentences=4)
    if not written:
        return False
    stored.data = {**stored.data, "written": [
        {"text": g.text, "model": llm.model_name(),
         "sources": [{**src, "text": items[i]["text"]} for i in g.sources for src in items[i]["sources"]]}
        for g in written]}
    stored.save(update_fields=["data", "updated_at"])
    return True
