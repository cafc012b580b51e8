"""Body cleaning: what trafilatura keeps that readers never want.

Input is trafilatura's text with links kept as markdown (`include_links=True`), one block
per line, list items as "- ...". Each rule works on families of pages (figure captions,
link lists, prompts in many languages, bylines, datelines, agency codes), never on one
site; the phrase lists live in broadsheet/extract/rules.py as data. Every rule has a
fixture test in tests/extract/test_body.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from broadsheet.extract import rules
from broadsheet.extract.meta import clean_text

WORD = re.compile(r"\w+", re.UNICODE)


def _key(text: str) -> str:
    # Soft hyphens (German sites put them inside long words) would split a word in two.
    return " ".join(WORD.findall(text.replace("\xad", "").casefold()))


def keys_of(texts: Iterable[str]) -> set[str]:
    """The matching keys of texts found elsewhere (captions declared in structured data)."""
    return {_key(t) for t in texts} - {""}


CAPTION_CLASSES = ("caption", "credit", "copyright", "bildunterschrift", "bildtext", "legende", "image-text",
                   "img-text", "photo-text")


def _classed(tree: HtmlElement, words: tuple[str, ...]) -> list[HtmlElement]:
    """Elements whose class contains one of the words (one pass; XPath translate() per
    element and word cost ~50 ms a page, and even //@class costs more than this walk)."""
    out = []
    for node in tree.iter():
        cls = node.get("class") if isinstance(node.tag, str) else None
        if cls:
            low = cls.lower()
            if any(word in low for word in words):
                out.append(node)
    return out


def collect_captions(tree: HtmlElement) -> set[str]:
    """Texts of figure captions and credits, to drop them where trafilatura inlined them."""
    out: set[str] = set()
    for node in _classed(tree, CAPTION_CLASSES):
        text = _key(node.text_content())
        if text and len(text) <= 400:
            out.add(text)
    for node in tree.iterfind(".//figcaption"):
        text = _key(node.text_content())
        if text:
            out.add(text)
            for part in node:  # caption and credit are often separate children
                sub = _key(part.text_content())
                if len(sub) > 3:
                    out.add(sub)
    return out


LINK_BLOCKS = ("li", "p", "h2", "h3", "h4", "h5", "dt", "dd")


def collect_link_blocks(tree: HtmlElement) -> set[str]:
    """Blocks (list items, short paragraphs, headings) whose text is mostly link text:
    lists of other headlines, "more from" links. Measured on the DOM because trafilatura's
    own link output (include_links) breaks lines and spacing around links."""
    out: set[str] = set()
    for node in tree.iter(*LINK_BLOCKS):
        text = _key(node.text_content())
        if not text or len(text) > 400:
            continue
        linked = sum(len(_key(a.text_content())) for a in node.iter("a"))
        share = rules.MAX_LINK_SHARE_PARAGRAPH if node.tag == "p" else rules.MAX_LINK_SHARE
        if linked >= share * len(text):
            out.add(text)
    return out


BOX_PARTS = ("p", "div", "span", "li", "label", "button", "strong", "h2", "h3", "h4", "legend")


def _add_box_texts(node: HtmlElement, out: set[str]) -> None:
    """The keys of a box's texts, at every level: trafilatura may keep any one of them as a line."""
    for part in node.iter(*BOX_PARTS):
        key = _key(part.text_content())
        if key and len(key) <= 400:
            out.add(key)


PROMO_MAX_DEPTH = 6  # levels above a subscription button to look for its panel


PANELS = ("div", "section", "aside", "form", "footer", "header")


def _page_words(tree: HtmlElement) -> int:
    """Words in the page's paragraphs: a box holding a large share of them is the story's own
    container (a short brief in a "modal" wrapper), never a panel or widget inside it."""
    return sum(_words(p.text_content()) for p in tree.iter("p"))


def _asks(node: HtmlElement) -> bool:
    """Does a line of the box, in its own words (its buttons' and links' text left out), make
    the pitch: a line short enough that the prompt rule would drop it on its own?"""
    for part in node.iter("p", "div", "span", "strong", "h2", "h3", "h4", "h5"):
        if part.find(".//p") is not None or part.find(".//div") is not None:
            continue  # a line, not a box of lines
        text = part.text_content()
        for link in part.iter("a", "button"):
            text = text.replace(link.text_content(), " ", 1)
        if _pitches(text):
            return True
    return False


def collect_furniture(tree: HtmlElement) -> set[str]:
    """Texts of promotion panels and widgets, to drop them where trafilatura kept them."""
    page_words = _page_words(tree)
    return _promo_texts(tree, page_words) | _widget_texts(tree, page_words)


def _promo_texts(tree: HtmlElement, page_words: int) -> set[str]:
    """Texts inside promotion panels: a small box with a line that asks for a subscription,
    membership or donation, and a button or form going to such a page (or a script button
    that says "subscribe"). The panel's other paragraphs can be long and never name the
    product ("Informieren Sie sich durch die junge Welt: ..."), so the box, not each line,
    is what gives them away. Only boxes (div, section...) count: a story paragraph that
    links to a newsletter is at most a prompt line, judged by the prompt rule alone."""
    out: set[str] = set()
    seen: set[HtmlElement] = set()  # the elements themselves: lxml proxies' id() is reused
    buttons = [a for a in tree.iter("a") if rules.PROMO_TARGET.search(a.get("href") or "")]
    buttons += [f for f in tree.iter("form") if rules.PROMO_TARGET.search(f.get("action") or "")]
    buttons += [b for b in tree.iter("button") if rules.PROMPT_STRONG.search(b.text_content())]  # JS buttons
    for button in buttons:
        # The smallest enclosing box that makes the pitch.
        for node in list(button.iterancestors())[:PROMO_MAX_DEPTH]:
            if node in seen or node.tag in ("html", "body", "main", "article"):
                break
            seen.add(node)
            if node.tag not in PANELS:
                continue
            words = _words(node.text_content())
            if words > rules.PROMO_MAX_WORDS or words > rules.BOX_MAX_SHARE * page_words:
                break
            if _asks(node):
                _add_box_texts(node, out)
                break
    return out


# Interactive widgets whose texts trafilatura can mistake for story: polls and quizzes,
# dialogs (a "Saved" confirmation), tooltips. Matched in class names like captions.
WIDGET_CLASSES = re.compile(r"poll(?!ut)|umfrage|survey|quiz|voting|modal|popup|popover|tooltip|dialog")
# Notices named in a class or id: cookie banners, browser-support and JavaScript notices,
# newsletter and sign-up boxes (their "Thanks for signing up!" confirmation). Not "paywall":
# publishers mark the story behind the wall with it ("paywalled"); not "consent": it wraps
# embeds that wait for consent.
NOTICE_NAMES = re.compile(r"cookie|gdpr|browser-?(?:support|notice|upgrade|warning)|(?:outdated|unsupported)-?browser|"
                          r"noscript|newsletter|sign-?up|site-?messages?|notice")
WIDGET_OR_NOTICE = re.compile(f"{WIDGET_CLASSES.pattern}|{NOTICE_NAMES.pattern}")  # one search a value
WIDGET_MAX_WORDS = 150  # a larger element with such a class is a page wrapper ("has-modal")
ASIDE_MAX_WORDS = 400


def _widget_texts(tree: HtmlElement, page_words: int) -> set[str]:
    """Texts of widgets and notices named in their class or id, and of boxes marked
    role="complementary" (ARIA for an <aside>: tangential to the story, like the fact boxes
    some CMSs render as custom elements; trafilatura already leaves real <aside> out)."""
    out: set[str] = set()
    added: set[HtmlElement] = set()
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("html", "body", "main", "article"):
            continue
        cls, ident = node.get("class"), node.get("id")
        aside = node.get("role") == "complementary"
        if not aside and not (cls and WIDGET_OR_NOTICE.search(cls.lower())) and not (
                ident and NOTICE_NAMES.search(ident.lower())):
            continue
        if added and any(above in added for above in node.iterancestors()):
            continue  # inside a widget already taken (a newsletter box's own "newsletter-form")
        words = _words(node.text_content())
        limit = min(ASIDE_MAX_WORDS if aside else WIDGET_MAX_WORDS, rules.BOX_MAX_SHARE * page_words)
        if words <= limit and node.find(".//h1") is None:
            _add_box_texts(node, out)
            added.add(node)
    return out


SUBHEAD_MAX_WORDS = 20


def _sibling_text(node: HtmlElement | None, step: str) -> str:
    """Key of the nearest element sibling with text, walking `step` (getprevious/getnext)."""
    while node is not None:
        node = getattr(node, step)()
        if node is not None and isinstance(node.tag, str):
            text = _key(node.text_content())
            if text:
                return text
    return ""


def collect_subheads(tree: HtmlElement) -> list[tuple[str, str, str]]:
    """(key of the paragraph before, subhead, key of the paragraph after) for each h2-h4
    standing between two paragraphs, to put back subheads trafilatura dropped."""
    out = []
    for node in tree.iter("h2", "h3", "h4"):
        text = clean_text(node.text_content())
        if not text or _words(text) > SUBHEAD_MAX_WORDS or node.find(".//a") is not None:
            continue
        before, after = _sibling_text(node, "getprevious"), _sibling_text(node, "getnext")
        if len(before) > 40 and len(after) > 40:
            out.append((before, text, after))
    return out


def restore_subheads(text: str, subheads: list[tuple[str, str, str]]) -> str:
    """Insert a dropped subhead between the two kept paragraphs the page shows it between."""
    if not subheads:
        return text
    paragraphs = text.split("\n\n")
    keys = [_key(p) for p in paragraphs]
    present = set(keys)
    places = {}
    for before, head, after in subheads:
        if _key(head) not in present:
            places[(before[-80:], after[:80])] = head
    out = []
    for index, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        if index + 1 < len(paragraphs):
            head = places.get((keys[index][-80:], keys[index + 1][:80]))
            if head and not _is_prompt(head) and not rules.RELATED_HEADING.match(head):
                out.append(head)
    return "\n\n".join(out)


CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # kana and Han: no spaces between words
NON_CJK_WORD = re.compile(r"[^\W\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")


BLOCKS = ("p", "h2", "h3", "span", "strong", "em", "b", "div", "section", "header")


def visible_texts(tree: HtmlElement, lengths: tuple[int, int]) -> dict[str, int]:
    """Keys of small visible text blocks whose length falls in `lengths` (characters), each
    with the document position of its first occurrence; paragraphs' keys (their first 100
    characters) under "p:" with theirs, so a standfirst can be checked to stand above the story."""
    low, high = lengths
    out: dict[str, int] = {}
    for position, node in enumerate(tree.iter()):
        if node.tag not in BLOCKS:
            continue
        text = node.text_content()
        if len(node) <= 4 and low <= len(text.strip()) <= high:
            out.setdefault(_key(text), position)
        if node.tag == "p":
            out.setdefault("p:" + _key(text)[:100], position)
    return out


def with_standfirst(text: str, standfirst: str, visible: dict[str, int]) -> str:
    """Put back the standfirst (the summary under the headline) when trafilatura dropped
    it: only when the page shows it (not just its meta tags) above the story (not in a
    teaser of this same article further down) and the body lacks it."""
    shown_at = visible.get(_key(standfirst)) if standfirst else None
    if shown_at is None or _words(standfirst) < 8 or contained(standfirst, text) >= 0.6:
        return text
    starts = [visible.get("p:" + _key(p)[:100]) for p in text.split("\n\n")[:3]]
    if any(start is not None and start < shown_at for start in starts):
        return text
    return f"{standfirst}\n\n{text}" if text else standfirst


def words(text: str) -> int:
    """Word count that also works for Chinese/Japanese (about two characters a word)."""
    return _words(text)


def _words(text: str) -> int:
    """Word count that also works for Chinese/Japanese (about two characters a word)."""
    return len(NON_CJK_WORD.findall(text)) + len(CJK.findall(text)) // 2


def _is_prompt(text: str) -> bool:
    if len(text) > 400:
        return False
    text = text.lstrip("-*• ")
    words = _words(text)
    return (words <= rules.PROMPT_MAX_WORDS and bool(rules.PROMPT.search(text))) or _pitches(text)


def _pitches(text: str) -> bool:
    """A subscription/newsletter pitch, even in a block of some length."""
    return _words(text) <= rules.PROMPT_STRONG_MAX_WORDS and bool(rules.PROMPT_STRONG.search(text))


def _only_names(text: str, person_keys: set[str]) -> bool:
    """A line that is just the byline again: "Anna Berg, Lea Wagner"."""
    from broadsheet.extract.authors import parse

    names = parse(text)
    return bool(names) and all(_key(n["name"]) in person_keys for n in names)


def _is_keyword_list(text: str) -> bool:
    """"tag one, tag two, tag three": short comma-separated phrases, no sentence."""
    parts = [p for p in text.split(",") if p.strip()]
    return len(parts) >= 3 and _words(text) <= 4 * len(parts) and not text.rstrip().endswith((".", "!", "?"))


def _is_date_stamp(text: str) -> bool:
    """Only a date: "Updated 18 November 2019, 14:03", "18.05.2026", never a sentence with a year."""
    text = text.lstrip("-*• ")
    if _words(text) > 12 or not rules.DATE_STAMP.match(text):
        return False
    other = [w for w in WORD.findall(text.casefold()) if not w.isdigit() and w not in rules.STAMP_WORDS]
    return len(other) <= rules.STAMP_MAX_OTHER_WORDS


def _is_stamp(text: str) -> bool:
    if len(text) > 200:
        return False
    return _is_date_stamp(text) or bool(
        rules.PLACEHOLDER.match(text)) or bool(rules.MEDIA_CAPTION.search(text))


def _is_credit(text: str) -> bool:
    return len(text) <= 200 and _words(text) <= rules.CREDIT_MAX_WORDS and bool(rules.CREDIT.search(text))


def _is_boilerplate(text: str) -> bool:
    return len(text) <= 400 and _words(text) <= 60 and bool(rules.BOILERPLATE.search(text))


def clean(raw: str, captions: set[str] = frozenset(), link_blocks: set[str] = frozenset(), titles: Iterable[str] = (),
          people: Iterable[str] = (), orgs: Iterable[str] = (), furniture: set[str] = frozenset(),
          side_boxes: set[str] = frozenset(), apart: set[str] = frozenset(), safe: bool = False) -> str:
    """trafilatura text -> paragraphs separated by a blank line.

    safe: only the rules that drop a block positively identified as furniture, by the page's
    markup (captions, link lists, panels) or by its own words (a prompt, a credit, a date
    stamp); not the rules that guess from position or length (short lines after a "related"
    heading, runs of labels, a closing bio, a dangling lead-in)."""
    people = [p for p in people if p]
    title_keys = {_key(t) for t in titles if t}
    person_keys = {_key(p) for p in people if p}
    kept: list[str] = []
    # A caption that repeats a sentence of the story (text printed twice) keeps one copy.
    line_keys = [_key(line) for line in raw.splitlines()]
    repeated = {k for k in set(line_keys) if k in captions and line_keys.count(k) > 1}
    seen_captions: set[str] = set()
    in_related = False
    skip_teaser = False
    for index, line in enumerate(raw.splitlines()):
        text = " ".join(line.split())
        if not text:
            continue
        is_item = text.startswith(("- ", "* ", "• "))
        key = _key(text)
        # A "Related"/"Read more" heading opens a block of link items; the block ends at prose.
        if (rules.RELATED_HEADING.match(text) or rules.SITE_TOP_NEWS.match(text)) and _words(text) <= 8:
            in_related = True
            continue
        if in_related and (is_item or key in link_blocks or (_words(text) <= 12 and not safe) or _is_keyword_list(text)):
            continue
        in_related = False
        if skip_teaser:  # the teaser a "read this:" prompt points to
            skip_teaser = False
            if _words(text) <= 40:
                continue
        if (rules.RELATED_INLINE.match(text) or rules.ALSO_ON.match(text) or rules.TEASER_ARROW.match(text)
                or rules.TEASER_TAG.search(text)) and _words(text) <= rules.RELATED_INLINE_MAX_WORDS:
            continue
        if key in link_blocks or key in furniture:  # headline list, "more from" link, promotion panel, poll
            continue
        if key in side_boxes and not safe:  # a box about another story, judged by its words
            continue
        if _is_prompt(text):
            skip_teaser = text.endswith(":")
            continue
        if key in captions or _key(rules.MEDIA_STAMP.sub("", text)) in captions:  # a caption, stamp glued on
            if key in repeated and key not in seen_captions:
                seen_captions.add(key)  # keep the first copy
            else:
                continue
        if _is_credit(text) or _is_boilerplate(text) or _is_stamp(text) or key in person_keys:
            continue
        if rules.SOURCE_ITEM.match(text) and _words(text) <= 30:
            continue
        if _words(text) <= 8 and rules.SIGNATURE.match(text):
            continue
        if person_keys and _words(text) <= 30 and _only_names(text, person_keys):
            continue
        if len(kept) < 4 and (key in title_keys or _is_kicker_and_title(text, key, title_keys) or (
                rules.BYLINE.match(text) and _words(text) <= 8)):
            continue
        kept.append(text)
    if not safe:
        kept = _drop_edge_notices(_drop_label_runs(kept), apart)
    kept = _strip_dateline(kept)
    if not safe:
        kept = _strip_bio(kept, people + [o for o in orgs if len(o) >= 3 and "." not in o])
    kept = _strip_trailer(kept, safe)
    return "\n\n".join(join_broken_lines(kept))


SENTENCE_END = re.compile(r"[.!?:;…。！？\"”»’')\]]\s*$")
FULL_STOP = re.compile(r"[.!?…。！？][\"”»’')\]]*\s*$")


def join_broken_lines(paragraphs: list[str]) -> list[str]:
    """Put back together a paragraph the page broke mid-sentence (a <br> inside a <p>, which
    trafilatura turns into a new line): a kept line that does not end a sentence, followed by
    one that starts in lower case and ends one, is the same sentence. Joined last, after
    every rule judged each line alone (joined first, a "Tags" heading, a date stamp, chart
    labels and a dangling lead-in escaped their rules); list items stay apart."""
    out: list[str] = []
    for text in paragraphs:
        if (out and text[:1].islower() and FULL_STOP.search(text) and not text.startswith(("- ", "* ", "• "))
                and not out[-1].startswith(("- ", "* ", "• ")) and not SENTENCE_END.search(out[-1])):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return out


KICKER_SEPARATOR = re.compile(r"\s[-–—|·]\s|:\s")


def _is_kicker_and_title(text: str, key: str, title_keys: set[str]) -> bool:
    """The headline again with its kicker in front: "Premiere in Town - <headline>" (a few
    words, a separator, then exactly the headline)."""
    return bool(KICKER_SEPARATOR.search(text)) and any(
        len(t) >= 20 and key.endswith(" " + t) and len(key[: -len(t)].split()) <= 8 for t in title_keys)


def _strip_dateline(paragraphs: list[str]) -> list[str]:
    """'WASHINGTON (AP) — ', 'CNN — ', 'OPEN// ', 'Berlin (dpa) - ' at the start of the text,
    and a correspondent line ("FROM OUR CORRESPONDENT"), alone or glued on, with the place
    after it ("NEW YORK - "): cut from the first paragraph, which is kept."""
    if not paragraphs:
        return paragraphs
    paragraphs = list(paragraphs)
    correspondent = False
    while len(paragraphs) > 1 and rules.CORRESPONDENT.fullmatch(paragraphs[0]):
        paragraphs, correspondent = paragraphs[1:], True  # a line that is only the correspondent
    first = rules.DATELINE.sub("", paragraphs[0], count=1)
    rest = rules.CORRESPONDENT.sub("", first, count=1)
    if correspondent or rest != first:
        # The place after a correspondent line, in capitals. (Cutting any capitals before a
        # dash, or a capitals line at the top, helped the tuning half and cost the
        # confirmation half, whose references keep "NEW DELHI:" and "BAAR, SWITZERLAND".)
        first = _strip_caps_prefix(rest) if rest.strip() else first
    return ([first] if first.strip() else []) + paragraphs[1:]


def _strip_caps_prefix(text: str) -> str:
    """Cut a leading run of capitals ended by a dash or colon ("NEW YORK - ", "FROM OUR
    CORRESPONDENT NEW YORK — ", "MOSKAU: ") when a sentence of some length follows it."""
    match = rules.CAPS_PREFIX.match(text)
    if not match:
        return text
    prefix, rest = match.group(1), text[match.end():]
    letters = [c for c in prefix if c.isalpha()]
    if (len(letters) >= 3 and prefix.upper() == prefix and _words(prefix) <= rules.CAPS_PREFIX_MAX_WORDS
            and _words(rest) >= 8 and not rest[:1].islower()):
        return rest
    return text


def _is_label(text: str) -> bool:
    return not text.startswith(("- ", "* ", "• ")) and _words(text) <= rules.LABEL_MAX_WORDS and not re.search(
        r"[.!?:;…。！？]$", text)


def _drop_label_runs(paragraphs: list[str]) -> list[str]:
    """Three or more short unpunctuated lines in a row are chart legends, widget titles or
    menus; a subhead stands alone between paragraphs."""
    out: list[str] = []
    run: list[str] = []
    for text in paragraphs + [""]:
        if text and _is_label(text):
            run.append(text)
            continue
        if len(run) < rules.LABEL_RUN:
            out.extend(run)
        run = []
        if text:
            out.append(text)
    return out


def topic_words(text: str) -> set[str]:
    """Words that carry the topic: five letters or more (a crude stop list for any language
    with spaces), and pairs of characters for Chinese, Japanese and Korean."""
    low = text.casefold()
    found = {w for w in re.findall(r"\w{5,}", low) if not w.isdigit()}
    cjk = rules.CJK_CHAR.findall(low)
    return found | {a + b for a, b in zip(cjk, cjk[1:])}


def _speaks_to_reader(text: str) -> bool:
    return bool(rules.READER_WORDS.intersection(WORD.findall(text.casefold()))) or bool(
        rules.READER_WORDS_CASED.search(text))


def _drop_edge_notices(paragraphs: list[str], apart: set[str]) -> list[str]:
    """A browser notice, cookie text or wall at either end of the text: a short paragraph in
    a box of its own (`apart`: its container holds neither neighbour) that speaks to the
    reader ("you", "vous", "Sie") and shares no topic words to speak of with the rest of the
    text. A quote is never one (readers are addressed in quotes)."""
    if len(paragraphs) < 3 or not apart:
        return paragraphs
    edges = set(range(rules.NOTICE_EDGE)) | set(range(len(paragraphs) - rules.NOTICE_EDGE, len(paragraphs)))
    candidates = [i for i in sorted(edges) if _key(paragraphs[i]) in apart and not paragraphs[i].startswith(QUOTES)
                  and _words(paragraphs[i]) <= rules.NOTICE_MAX_WORDS and _speaks_to_reader(paragraphs[i])]
    if not candidates:  # the topic words are counted only when there is something to judge
        return paragraphs
    topics = [topic_words(p) for p in paragraphs]
    counts: dict[str, int] = {}
    for found in topics:
        for word in found:
            counts[word] = counts.get(word, 0) + 1
    drop = {i for i in candidates
            if topics[i] and sum(1 for w in topics[i] if counts[w] > 1) < rules.NOTICE_MAX_SHARED * len(topics[i])}
    return [p for i, p in enumerate(paragraphs) if i not in drop]


QUOTES = ('"', "“", "„", "«", "»", "‘", "'", "‹", "›", "「", "—", "–", "-")


def _strip_bio(paragraphs: list[str], people: Iterable[str]) -> list[str]:
    """Author or company bio after the story: a bio heading, or a closing paragraph that
    starts with a credited author's name (or a role word and the name) followed by a bio verb."""
    names = [re.compile(re.escape(name), re.IGNORECASE) for name in people if name]
    tail_start = max(1, len(paragraphs) - 4)
    for index in range(tail_start, len(paragraphs)):
        text = paragraphs[index]
        if rules.BIO_HEADING.match(text) and _words(text) <= 6:
            return paragraphs[:index]
        if _words(text) <= 90 and any(_opens_bio(text.lstrip(". "), name) for name in names):
            return paragraphs[:index]
    return paragraphs


# "<up to two words> <name>, <bio verb>": the name is found first and the parts around it
# matched by patterns compiled once. (One pattern per name and page cost 3 ms each to
# compile, a sixth of our extraction time: a case-insensitive Unicode \w is slow to build.)
BIO_BEFORE_NAME = re.compile(r"(?:\W*\w+\s+){0,2}")
BIO_AFTER_NAME = re.compile(rf"\s*,?\s*{rules.BIO_VERB}", re.IGNORECASE)


def _opens_bio(text: str, name: re.Pattern) -> bool:
    return any(BIO_BEFORE_NAME.fullmatch(text, 0, found.start()) and BIO_AFTER_NAME.match(text, found.end())
               for found in name.finditer(text, 0, 200))


def _strip_trailer(paragraphs: list[str], safe: bool = False) -> list[str]:
    """Agency codes, source notes and author bios after the last paragraph of the story."""
    while paragraphs:
        last = paragraphs[-1]
        # A short lead-in with nothing after it introduced a widget (shop links, a form) that
        # is not in the text: a clause ending in ",", or a list item or label ending in ":".
        # ("Twitter reacted:" before embedded posts is a sentence and stays.)
        tail = last.rstrip()
        dangling = not safe and _words(last) <= rules.DANGLING_MAX_WORDS and (tail.endswith(",") or (
            tail.endswith(":") and (last.startswith(("- ", "* ", "• ")) or _words(last) <= rules.LABEL_MAX_WORDS)))
        if rules.AGENCY_CODE.fullmatch(last) or _is_credit(last) or _is_boilerplate(last) or _is_prompt(last) or dangling:
            paragraphs = paragraphs[:-1]
            continue
        trimmed = rules.TRAILING_CODE.sub("", last)
        if trimmed != last:
            paragraphs = paragraphs[:-1] + ([trimmed.rstrip()] if trimmed.strip() else [])
        break
    return paragraphs


def embedded_html(tree: HtmlElement, min_chars: int = 600) -> str:
    """Article HTML serialised inside a script (Next.js/Nuxt/Apollo state): the longest
    JSON string value that looks like markup under a content-like key. Used only when the
    visible page has no text (client-rendered sites)."""
    import json

    best = ""
    for script in tree.iterfind(".//script"):
        source = script.text or ""
        if len(source) < min_chars:
            continue
        for match in rules.EMBEDDED_CONTENT.finditer(source[:3_000_000]):
            raw = match.group(2)
            if len(raw) <= len(best):
                continue
            try:
                value = json.loads(f'"{raw}"')
            except ValueError:
                continue
            if "<" in value and len(value) > len(best):
                best = value
    return best if len(best) >= min_chars else ""


def contained(a: str, b: str, n: int = 3) -> float:
    """Share of a's word n-grams that occur in b: is the passage a there, in its own words
    and order? (Single words are no test: a long story holds most words of any summary.)"""
    wa, wb = _key(a).split(), _key(b).split()
    grams = {tuple(wa[i:i + n]) for i in range(len(wa) - n + 1)}
    if not grams:
        return 1.0 if _key(a) in _key(b) else 0.0
    found = {tuple(wb[i:i + n]) for i in range(len(wb) - n + 1)}
    return len(grams & found) / len(grams)


def overlap(a: str, b: str) -> float:
    """Share of a's word tokens found in b (multiset)."""
    from collections import Counter

    ta, tb = Counter(WORD.findall(a.casefold())), Counter(WORD.findall(b.casefold()))
    total = sum(ta.values())
    return sum((ta & tb).values()) / total if total else 0.0


def clean_plain(text: str) -> str:
    return "\n\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
