"""Share and search-engine tags of our pages: description, OpenGraph, Twitter card, the
canonical link, the feed link, and an article's JSON-LD NewsArticle.

Values go through the template engine's autoescaping (attributes) or through the same
escaping as Django's json_script (JSON-LD), so a hostile headline can close neither.
"""

from __future__ import annotations

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from broadsheet.web.templatetags.news import byline

register = template.Library()

DESCRIPTION_WORDS = 40
# The escapes of django.utils.html.json_script (a private table there): with <, > and &
# as \u escapes, no string in the data can end the <script> element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def describe(text: str) -> str:
    """A description of at most DESCRIPTION_WORDS words, on one line. The words past the first
    DESCRIPTION_WORDS + 1 are never split (an article's whole body is passed): Truncator
    truncates the same with one word over as with a hundred."""
    words = (text or "").split(None, DESCRIPTION_WORDS + 1)[: DESCRIPTION_WORDS + 1]
    return Truncator(" ".join(words)).words(DESCRIPTION_WORDS)


@register.inclusion_tag("web/_meta.html", takes_context=True)
def page_meta(context, title="", description="", kind="website", image="", canonical="", feed="", feed_title=""):
    """The <head> tags of a page; canonical defaults to the page's own URL (query kept only
    for search, where it is the page). `feed` is the page's RSS feed; its Atom twin is the
    same address plus atom/ (web/urls.py)."""
    request = context.get("request")
    site_name = context.get("site_name", "")
    own = request.build_absolute_uri(request.path) if request is not None else ""

    def absolute(path: str) -> str:
        return request.build_absolute_uri(path) if path and request is not None else path

    if request is not None and request.GET.get("q"):
        own = request.build_absolute_uri()
    return {
        "title": title or site_name, "site_name": site_name, "kind": kind, "image": image,
        "description": describe(description) or f"{site_name}: the news from its publishers, one story at a time.",
        "url": own, "canonical": canonical or own,
        "feed": absolute(feed), "atom": absolute(feed + "atom/") if feed else "",
        "feed_title": feed_title or title,
    }


def news_article(article, url: str = "") -> dict:
    """schema.org NewsArticle of a stored article: the original is its url and what it is based on."""
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": article.title[:110], "url": article.url, "isBasedOn": article.url,
        "datePublished": article.published.isoformat(),
        "publisher": {"@type": "Organization", "name": article.source.name, "url": article.source.homepage},
    }
    if article.modified and article.modified > article.published:
        data["dateModified"] = article.modified.isoformat()
    authors = [{"@type": "Person", "name": a["name"]} for a in byline(article.authors)]
    if authors:
        data["author"] = authors
    if article.image:
        data["image"] = [article.image]
    if article.language:
        data["inLanguage"] = article.language
    if url:
        data["mainEntityOfPage"] = url
    return data


@register.simple_tag(takes_context=True)
def news_article_ld(context, article):
    request = context.get("request")
    own = request.build_absolute_uri(request.path) if request is not None else ""
    text = json.dumps(news_article(article, own), cls=DjangoJSONEncoder, ensure_ascii=False)
    escaped = mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308 (escaped as json_script does)
    return format_html('<script type="application/ld+json">{}</script>', escaped)
