from functools import lru_cache
from html import escape as _esc

from django import template
from django.template.defaultfilters import pluralize, truncatewords
from django.utils.safestring import mark_safe
from django.utils import timezone

from broadsheet.lib import paths
from broadsheet.web import languages
from broadsheet.web.sections import slug_for
from broadsheet.web.blocks import FOLD_OVER, FOLD_SHOWN, layout  # noqa: F401  (the fold sizes, for tests)

register = template.Library()


@register.filter
def section_slug(name: str) -> str:
    return _slug(name)


@register.simple_tag(name="path")
def path_tag(name: str, arg=None) -> str:
    """{% url %} for the site's links whose argument, if any, is an id or a slug (lib/paths):
    the same path without a reverse() per link (~0.1 ms each; a page's masthead has five)."""
    return paths.fixed(name) if arg is None else paths.path(name, arg)


@register.filter
def section_url(name: str) -> str:
    """The section's page, as {% url 'web:section' name|section_slug %} writes it without a
    reverse() (~0.1 ms each: ten on the home page, nine on an article's)."""
    return paths.path("web:section", _slug(name))


@lru_cache(maxsize=256)
def _slug(name: str) -> str:
    return slug_for(name)


@register.simple_tag
def reltime(value):
    """'2 hours ago' with the exact time on hover, as a <time> element (as the cards write it:
    a simple tag, where an inclusion tag rendered a template for each of a page's times)."""
    if not value:
        return ""
    return mark_safe(_time_html(value, timezone.now()))


@register.filter
def body_layout(article) -> dict:
    """The article's blocks grouped for the page: lists, live-blog entries, folds (web/blocks.py)."""
    return layout(article)


_WRAP = {"h2": ("<h2>", "</h2>"), "h3": ("<h3>", "</h3>"), "quote": ("<blockquote><p>", "</p></blockquote>")}


@register.simple_tag
def body_blocks(parts) -> str:
    """An article's parts (web/blocks.py) as web/_blocks.html writes them, in one string: the
    template's loop of comparisons cost ~20 µs a paragraph (tests/web/test_article_body.py holds
    the two equal for every kind of part). Texts are escaped as autoescape escapes them."""
    out = []
    for part in parts:
        if part["type"] == "list":
            tag = "ol" if part["ordered"] else "ul"
            out.append(f"<{tag}>{''.join(f'<li>{_esc(str(item))}</li>' for item in part['items'])}</{tag}>\n")
        else:
            start, end = _WRAP.get(part["type"], ("<p>", "</p>"))
            out.append(f"{start}{_esc(str(part['text']))}{end}\n")
    out.append("\n")
    return mark_safe("".join(out))


@register.filter
def language_name(code: str) -> str:
    return languages.name(code) if code else ""


@register.filter
def byline(authors) -> list[dict]:
    return [a for a in (authors or []) if isinstance(a, dict) and a.get("name")]


@register.filter
def stamp(value) -> str:
    """'18 Nov, 17:19' in the current year, '18 Nov 2019, 17:19' in any other (in English, as
    the cards' times are: strftime, not the date filter's translated formats, in a timeline loop)."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _stamp(local, timezone.localtime(timezone.now()).year)


def _stamp(local, this_year: int) -> str:
    return f"{local.day} {local.strftime('%b, %H:%M' if local.year == this_year else '%b %Y, %H:%M')}"


@register.simple_tag
def site_title() -> str:
    """The site's name from settings alone (the 500 page has no context processors)."""
    from django.conf import settings

    return settings.SITE_NAME


@register.simple_tag
def masthead_sections() -> list[tuple[str, str]]:
    """The masthead's (name, URL) section links from settings alone, for the 500 page."""
    from broadsheet.web.context import _links
    from broadsheet.web.sections import sections

    return _links(tuple(sections()))


_UNITS = ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"), (3600, "hour"),
          (60, "minute"))


def ago(value, now) -> str:
    """'2 hours ago' as reltime writes it (timesince, depth 1), in plain arithmetic: cards
    draw 70 of these a page and timesince's calendar and translation work was half their cost."""
    seconds = (now - value).total_seconds()
    if seconds < 60:
        return "just now"
    for size, unit in _UNITS:
        if seconds >= size:
            n = int(seconds // size)
            return f"{n}\xa0{unit}{'s' if n != 1 else ''} ago"
    return "just now"


def _time_html(value, now, zone=None) -> str:
    """What reltime renders: a <time> with the exact time on hover, built in Python for cards
    drawn in a loop (it was a template, web/_time.html; tests/web/test_lists.py holds the two equal).
    `zone`: the current time zone, when the caller drawing a list has looked it up once."""
    local = value.astimezone(zone) if zone is not None else timezone.localtime(value)
    return (f'<time datetime="{local.isoformat()}" title="{local.day} {local.strftime("%B %Y, %H:%M")} '
            f'{_esc(local.tzname() or "")}">{ago(value, now)}</time>')


# Publishers' pictures: lazy, decoded off the main thread, fetched without a Referer (the
# publisher learns nothing of our page), in boxes whose shape CSS fixes, so nothing moves
# when they arrive. alt="": the picture illustrates the headline beside it, which says it all.
# The browser picks from srcset by the box's width in `sizes` (see site.css).
PICTURE_BOXES = {
    "lead": ((700, 394), "(max-width: 800px) calc(100vw - 32px), 700px"),  # a lead card, the article's own
    "thumb": ((180, 120), "(max-width: 800px) 96px, 280px"),  # small cards, lists, related; top stories' columns
}


def srcset(sizes) -> str:
    """'url 320w, url 640w' from stored [[url, width, height], ...]; '' for fewer than two."""
    found = [(url, width) for url, width, *_ in sizes or [] if url and width]
    return ", ".join(f"{url} {width}w" for url, width in found) if len(found) > 1 else ""


def picture_html(src: str, sizes=None, kind: str = "thumb", href: str = "", lazy: bool = True) -> str:
    """A publisher's picture in its box: a link (out of the tab order: the headline is the
    link) or a <figure>. site.js hides the box and marks the card if the picture fails."""
    if not src:
        return ""
    (width, height), media = PICTURE_BOXES[kind]
    candidates = srcset(sizes)
    choice = f' srcset="{_esc(candidates)}" sizes="{_esc(media)}"' if candidates else ""
    loading = 'loading="lazy" ' if lazy else ""
    img = (f'<img src="{_esc(src)}"{choice} width="{width}" height="{height}" alt="" {loading}decoding="async"'
           ' referrerpolicy="no-referrer">')
    if href:
        return mark_safe(f'<a class="pic pic-{kind}" href="{_esc(href)}" tabindex="-1" aria-hidden="true">{img}</a>')
    return mark_safe(f'<figure class="pic pic-{kind}">{img}</figure>')


def icon_html(url: str, size: int = 16) -> str:
    """A publisher's icon at a fixed size beside its name (decorative: the name is written)."""
    if not url:
        return ""
    return mark_safe(f'<img class="icon" src="{_esc(url)}" alt="" width="{int(size)}" height="{int(size)}" '
                     'loading="lazy" decoding="async" referrerpolicy="no-referrer">')


@register.simple_tag
def source_icon(url: str, size: int = 16) -> str:
    return icon_html(url, size)


@register.simple_tag
def picture(article, kind: str = "thumb", href: str = "", lazy: bool = True) -> str:
    """An article's picture; its srcset only when its Picture row was loaded with it
    (select_related("picture")): never a query per item."""
    row = article._state.fields_cache.get("picture")
    return picture_html(article.image, row.sizes if row is not None else None, kind, href, lazy)


def _clock(context) -> tuple:
    """(now, the current time zone), looked up once per template render, not once per card:
    the time zone lookup (a thread-local behind a lock) was a third of a card's time."""
    found = context.render_context.get(_clock)
    if found is None:
        found = context.render_context[_clock] = (timezone.now(), timezone.get_current_timezone())
    return found


@register.simple_tag(takes_context=True)
def story_card(context, card, big=False, show_section=False, show_lead=False) -> str:
    now, zone = _clock(context)
    return card_html(card, now, big, show_section, show_lead, zone)


def card_html(card, now, big=False, show_section=False, show_lead=False, zone=None) -> str:
    """One story card. Built as one string, not an included template: a home page draws 70
    of them, and an include with its nested tags cost ~1 ms each; format_html, whose lazy
    escape wrapper was then most of a card's cost, is replaced by the standard library's
    html.escape (what django.utils.html.escape calls) on every value from the story row."""
    lang = f' lang="{_esc(card.language)}"' if card.language else ""
    parts = [f'<article class="card{" card-big" if big else ""}{"" if card.image else " no-pic"}"{lang}>',
             picture_html(card.image, card.image_sizes, "lead" if big else "thumb", card.url)]
    icons = "".join(icon_html(icon) for _, icon in card.sources if icon)
    icons = f'<span class="icons">{icons}</span>' if icons else ""
    label = _esc(card.sources_label)
    if languages.is_foreign(card.language):
        # Marked for the eye; the card's lang is for a screen reader's voice, and its line of
        # source and time is in the site's language.
        code = _esc(card.language)
        parts.append(f'<div class="card-meta" lang="{_esc(languages.main())}"><span class="source">{icons}{label}'
                     f'</span> <span class="language" lang="{code}">{_esc(languages.name(card.language))}</span>')
    else:
        parts.append(f'<div class="card-meta"><span class="source">{icons}{label}</span>')
    if card.section and show_section:
        parts.append(f' <a class="label" href="{_esc(card.section_url)}">{_esc(card.section)}</a>')
    if card.last_published:
        parts.append(" " + _time_html(card.last_published, now, zone))
    url = _esc(card.url)
    if card.comments:
        count = int(card.comments)
        parts.append(f' <a class="comment-count" href="{url}#comments">{count} comment{pluralize(count)}</a>')
    parts.append(f'</div><h3 class="card-title"><a href="{url}">{_esc(card.headline)}</a></h3>')
    if (big or show_lead) and card.teaser:
        parts.append(f'<p class="card-lead">{_esc(card.teaser)}</p>')
    if card.article_count > 1:
        sources, articles = int(card.source_count), int(card.article_count)
        parts.append(f'<a class="coverage" href="{_esc(card.story_url)}">Full coverage · {sources} '
                     f'source{pluralize(sources)}, {articles} article{pluralize(articles)} &rsaquo;</a>')
    parts.append("</article>")
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def related_item(context, item) -> str:
    """One related article (the article page draws ten, the story page its earliest), built as
    one string as the cards are: as an included template it cost ~0.4 ms an item."""
    href = paths.path("web:article", item.pk)
    row = item._state.fields_cache.get("picture")
    lang = f' lang="{_esc(item.language)}"' if item.language else ""
    label = (f' <a class="label" href="{_esc(paths.path("web:section", slug_for(item.section)))}">{_esc(item.section)}</a>'
             if item.section else "")
    return mark_safe(
        f'<article class="related-item card{"" if item.image else " no-pic"}"{lang}>\n'
        f'  {picture_html(item.image, row.sizes if row is not None else None, "thumb", href)}\n'
        f'  <div class="card-meta" lang="{_esc(context.get("site_language") or "en")}"><span class="source">'
        f'{icon_html(item.source.icon)}{_esc(item.source.name)}</span> '
        f'{_time_html(item.published, *_clock(context)) if item.published else ""}{label}</div>\n'
        f'  <h3 class="card-title"><a href="{_esc(href)}">{_esc(item.title or item.url)}</a></h3>\n'
        f'  <p class="card-lead">{_esc(truncatewords(item.lead, 40))}</p>\n'
        "</article>\n")


def _article_link(item) -> str:
    """<a> to an article of ours, titled (or its URL when it has no title), in its language."""
    lang = f' lang="{_esc(item.language)}"' if item.language else ""
    return f'<a href="{_esc(paths.path("web:article", item.pk))}"{lang}>{_esc(item.title or item.url)}</a>'


@register.simple_tag
def timeline_items(items) -> str:
    """The story page's timeline, one <li> per article: built as one string as the cards are
    (a loop of variables, filters and tags cost ~0.1 ms an item in the template engine)."""
    zone = timezone.get_current_timezone()
    this_year = timezone.now().astimezone(zone).year
    parts = []
    for item in items:
        local = item.published.astimezone(zone)  # what the date filter and stamp show
        parts.append(f'<li><time datetime="{local.isoformat()}">{_stamp(local, this_year)}</time> <span class="source">'
                     f'{icon_html(item.source.icon)}{_esc(item.source.name)}</span> {_article_link(item)}</li>')
    return mark_safe("".join(parts))


@register.simple_tag
def coverage_items(items, copies=None) -> str:
    """The story page's articles of one source, each with its time and its copies elsewhere
    (`copies`: {article id: its copies}, else each item's `copies` prefetched), as
    timeline_items builds its list."""
    now, zone, parts = timezone.now(), timezone.get_current_timezone(), []
    for item in items:
        when = _time_html(item.published, now, zone) if item.published else ""
        found = copies.get(item.pk, ()) if copies is not None else item.copies.all()
        copies_html = "".join(f' <a class="meta" href="{_esc(copy.url)}" rel="noopener">{_esc(copy.source.name)}</a>'
                              for copy in found)
        also = f' <span class="meta">also in</span>{copies_html}' if copies_html else ""
        parts.append(f'<li>{_article_link(item)} <span class="meta">{when}</span>{also}</li>')
    return mark_safe("".join(parts))


@register.simple_tag
def read_more_items(items) -> str:
    """The article page's "Read more", one <li> per article with its section's label, as
    timeline_items builds its list."""
    now, zone = timezone.now(), timezone.get_current_timezone()
    return mark_safe("".join(
        f'<li><a class="label" href="{_esc(section_url(item.section))}">{_esc(item.section)}</a><br>{_article_link(item)}'
        f' <span class="meta">{icon_html(item.source.icon)}{_esc(item.source.name)} · '
        f'{_time_html(item.published, now, zone) if item.published else ""}</span></li>' for item in items))
