from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils import timezone

from broadsheet.web import languages
from broadsheet.web.sections import slug_for
from broadsheet.web.blocks import FOLD_OVER, FOLD_SHOWN, layout  # noqa: F401  (the fold sizes, for tests)

register = template.Library()


@register.filter
def section_slug(name: str) -> str:
    return slug_for(name)


@register.inclusion_tag("web/_time.html")
def reltime(value):
    """'2 hours ago' with the exact time on hover, as a <time> element."""
    if not value:
        return {"value": None}
    now = timezone.now()
    delta = now - value
    if delta.total_seconds() < 60:
        text = "just now"
    else:
        text = timesince(value, now, depth=1) + " ago"
    return {"value": value, "text": text}


@register.filter
def body_layout(article) -> dict:
    """The article's blocks grouped for the page: lists, live-blog entries, folds (web/blocks.py)."""
    return layout(article)


@register.filter
def language_name(code: str) -> str:
    return languages.name(code) if code else ""


@register.filter
def byline(authors) -> list[dict]:
    return [a for a in (authors or []) if isinstance(a, dict) and a.get("name")]


@register.filter
def stamp(value) -> str:
    """'18 Nov, 17:19' in the current year, '18 Nov 2019, 17:19' in any other."""
    if not value:
        return ""
    from django.utils.dateformat import format as date_format

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    this_year = local.year == timezone.localtime(timezone.now()).year
    return date_format(local, "j M, H:i" if this_year else "j M Y, H:i")


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


def _time_html(value, now) -> str:
    """What reltime renders (web/_time.html), built in Python for cards drawn in a loop."""
    local = timezone.localtime(value)
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(),
                       f"{local.day} {local.strftime('%B %Y, %H:%M')} {local.tzname()}", ago(value, now))


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
    img = format_html('<img src="{}"{} width="{}" height="{}" alt="" {}decoding="async" referrerpolicy="no-referrer">',
                      src, format_html(' srcset="{}" sizes="{}"', candidates, media) if candidates else "",
                      width, height, mark_safe('loading="lazy" ') if lazy else "")
    if href:
        return format_html('<a class="pic pic-{}" href="{}" tabindex="-1" aria-hidden="true">{}</a>', kind, href, img)
    return format_html('<figure class="pic pic-{}">{}</figure>', kind, img)


def icon_html(url: str, size: int = 16) -> str:
    """A publisher's icon at a fixed size beside its name (decorative: the name is written)."""
    if not url:
        return ""
    return format_html('<img class="icon" src="{}" alt="" width="{}" height="{}" loading="lazy" decoding="async" '
                       'referrerpolicy="no-referrer">', url, size, size)


@register.simple_tag
def source_icon(url: str, size: int = 16) -> str:
    return icon_html(url, size)


@register.simple_tag
def picture(article, kind: str = "thumb", href: str = "", lazy: bool = True) -> str:
    """An article's picture; its srcset only when its Picture row was loaded with it
    (select_related("picture")): never a query per item."""
    row = article._state.fields_cache.get("picture")
    return picture_html(article.image, row.sizes if row is not None else None, kind, href, lazy)


@register.simple_tag
def story_card(card, big=False, show_section=False, show_lead=False) -> str:
    """One story card. Built with format_html, not an included template: a home page draws
    70 of them, and an include with its nested tags cost ~1 ms each (the page's largest cost
    once its queries were indexed). Every value is escaped by format_html."""
    now = timezone.now()
    parts = [format_html('<article class="card{}{}"{}>', " card-big" if big else "", "" if card.image else " no-pic",
                         format_html(' lang="{}"', card.language) if card.language else "")]
    parts.append(picture_html(card.image, card.image_sizes, "lead" if big else "thumb", card.url))
    icons = "".join(icon_html(icon) for _, icon in card.sources if icon)
    icons = format_html('<span class="icons">{}</span>', mark_safe(icons)) if icons else ""
    if languages.is_foreign(card.language):
        # Marked for the eye; the card's lang is for a screen reader's voice, and its line of
        # source and time is in the site's language.
        parts.append(format_html('<div class="card-meta" lang="{}"><span class="source">{}{}</span> '
                                 '<span class="language" lang="{}">{}</span>', languages.main(), icons,
                                 card.sources_label, card.language, languages.name(card.language)))
    else:
        parts.append(format_html('<div class="card-meta"><span class="source">{}{}</span>', icons, card.sources_label))
    if card.section and show_section:
        parts.append(format_html(' <a class="label" href="{}">{}</a>', card.section_url, card.section))
    if card.last_published:
        parts.append(" " + _time_html(card.last_published, now))
    if card.comments:
        parts.append(format_html(' <a class="comment-count" href="{}#comments">{} comment{}</a>', card.url,
                                 card.comments, pluralize(card.comments)))
    parts.append(format_html('</div><h3 class="card-title"><a href="{}">{}</a></h3>', card.url, card.headline))
    if (big or show_lead) and card.teaser:
        parts.append(format_html('<p class="card-lead">{}</p>', card.teaser))
    if card.article_count > 1:
        parts.append(format_html('<a class="coverage" href="{}">Full coverage · {} source{}, {} article{} &rsaquo;</a>',
                                 card.story_url, card.source_count, pluralize(card.source_count), card.article_count,
                                 pluralize(card.article_count)))
    parts.append("</article>")
    return mark_safe("".join(parts))
