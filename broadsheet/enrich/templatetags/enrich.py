from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from broadsheet.enrich.models import ArticleEnrichment
from broadsheet.enrich.tags import key
from broadsheet.lib.prepared import prepared

register = template.Library()


@register.inclusion_tag("enrich/_panel.html")
def article_panel(article):
    """The AI panel: rendered in place when the enrichment is stored, else a placeholder
    that static/enrich/panel.js fills from the panel endpoint."""
    if article is not None and "enrichment" in article._state.fields_cache:
        enrichment = article._state.fields_cache["enrichment"]  # loaded with the article (web.views.article); None if none
    else:
        enrichment = ArticleEnrichment.objects.filter(article_id=article.pk).first() if article and article.pk else None
    return {"article": article, "enrichment": enrichment}


@register.inclusion_tag("enrich/_story_panel_tag.html")
def story_panel(story):
    """AI panel for a story page: `{% story_panel story %}`. Its fragments are addressed by
    the story id, so the URL stays short however many articles the story holds. The ask
    box's hint is a question the story's lead article answers (questions.suggest)."""
    lead = getattr(story, "lead_id", None)
    question = next(_question(lead).rows(), ("",))[0] if lead else ""
    return {"story": story, "question": question or ""}


@prepared(ArticleEnrichment)
def _question(article_id, *, shape=()):
    return ArticleEnrichment.objects.filter(article_id=article_id).order_by("pk").values_list("question")[:1]


DATED_AFTER = timedelta(days=1)  # older than this, "In short" says when it was true


@register.filter
def reported_on(article) -> str:
    """'12 March 2019' when the article is older than a day (its "today" and "launches"
    were true then, not now); '' for a recent article or one whose date is unknown."""
    published = getattr(article, "published", None)
    if not published or not getattr(article, "published_known", False) or timezone.now() - published < DATED_AFTER:
        return ""
    return date_format(timezone.localtime(published), "j F Y")


@register.filter
def tag_slug(name: str) -> str:
    return key(name)


@register.filter
def cite_url(url: str, text: str) -> str:
    """Link to the exact sentence with a text fragment (#:~:text=start,end)."""
    words = (text or "").split()
    if not words:
        return url
    if len(words) <= 8:
        fragment = quote(" ".join(words), safe="")
    else:
        fragment = f"{quote(' '.join(words[:5]), safe='')},{quote(' '.join(words[-3:]), safe='')}"
    return f"{url}#:~:text={fragment}"


@register.filter
def get_item(mapping, item_key):
    return mapping.get(item_key) if hasattr(mapping, "get") else None
