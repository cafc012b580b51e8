"""Does a sentence stand on its own? The test every extractive summary item passes.

A sentence shown out of its article ("In short", a key point, a story's talking point)
must need no context: not a fragment, not opened by a pronoun or a connective that
points at an earlier sentence ("And we are one of those.", "But he refused."), not an
editor's or publisher's note about the article itself, not a question (an interviewer's
question is no talking point). Word lists are data, per language; a language without a
list is judged on the language-independent tests alone.
"""

from __future__ import annotations

import re

from broadsheet.lib.language import language_of

# First words that point outside the sentence: personal and demonstrative pronouns,
# coordinating conjunctions and connectives that continue an argument.
POINTING = {
    "en": set("""he she it they we i you him her them us his its their our my your this these those that such
        another and but or nor so yet also however meanwhile instead still then thus therefore
        moreover furthermore nevertheless nonetheless besides likewise similarly otherwise hence consequently
        accordingly indeed plus too later afterwards afterward""".split()),
    "de": set("""er sie es wir ich du ihr ihm ihn ihnen sein seine ihre dies diese dieser dieses das und aber oder
        doch denn also jedoch dennoch trotzdem außerdem zudem deshalb deswegen dabei damit daher dann""".split()),
    "fr": set("""il elle ils elles nous je on lui leur leurs ce cette ces cela ça et mais ou donc or pourtant
        cependant toutefois ainsi puis ensuite alors aussi""".split()),
    "es": set("""él ella ellos ellas nosotros yo esto este esta estos estas eso y pero o pues sin embargo además
        también entonces así""".split()),
}
# Openings of several words that point back ("As a result, ...", "At the same time ...").
POINTING_PHRASES = {
    "en": ("as a result", "at the same time", "on the other hand", "for example", "for instance", "in addition",
           "even so", "by contrast", "in contrast", "that said", "in turn", "in response", "the latter", "the former",
           "the move", "the decision", "the comments", "the remarks", "the same", "not only that", "in other words"),
    "de": ("auch das", "vor allem das"),
    "fr": ("en revanche", "par ailleurs", "de plus", "en outre"),
    "es": ("por otra parte", "sin embargo", "además de eso"),
}
# Notes about the article, not about the news (any language we have seen).
_NOTE = re.compile(
    r"^\W*(editor'?s'? note|editors'? note|note to (readers|editors)|correction|clarification|update[sd]?\b|"
    r"anm(\.|erkung) d(\.|er) red|note de la rédaction|nota del? (la )?redacci[oó]n|"
    r"(additional )?reporting by|writing by|editing by|this (story|article|report|post|piece|page) (was|has been|is|will be)|"
    r"(sign up|subscribe|click here|read more|watch|listen|follow us|download)\b)", re.I)
_NOTE_ANYWHERE = re.compile(r"\b(this (story|article|report) (was|has been) (updated|corrected)|"
                            r"an earlier version of this|contributed (to )?this report)\b", re.I)
_END = re.compile(r"[.!。！][\"'”’)\]」』）]?$")
MIN_WORDS, MAX_WORDS = 6, 60
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def first_words(text: str, n: int = 4) -> list[str]:
    """The opening words, lower-cased; an acronym keeps its capitals ("US" is not "us")."""
    return [w if len(w) > 1 and w.isupper() else w.lower().replace("’", "'") for w in _WORD.findall(text[:80])[:n]]


def points_outside(text: str, language: str = "en") -> bool:
    """Opens with a pronoun, conjunction or connective that needs an earlier sentence."""
    words = first_words(text)
    if not words:
        return True
    lang = language_of(language) or "en"
    pointing = POINTING.get(lang, set())
    if words[0] in pointing:
        return True
    head = " ".join(words)
    return any(head.startswith(p) for p in POINTING_PHRASES.get(lang, ()))


def is_note(text: str) -> bool:
    """An editor's note, a correction, a credit line or a call to action."""
    return bool(_NOTE.search(text) or _NOTE_ANYWHERE.search(text))


def is_question(text: str) -> bool:
    """Asks rather than tells (ends with '?', outside a closed quotation), or a Q&A prompt."""
    stripped = text.rstrip("\"'”’)] ")
    return stripped.endswith("?") or bool(re.match(r"^\W*(q|question)\s*[:.]", text, re.I))


def is_fragment(text: str) -> bool:
    """Too short or too long to read alone, no proper end, or not opened like a sentence."""
    n = len(text.split()) if " " in text.strip() else len(text) // 3  # CJK: no spaces, ~3 characters a word
    if not MIN_WORDS <= n <= MAX_WORDS or not _END.search(text.strip()):
        return True
    first = text.lstrip("\"'“‘(«„「『 ")[:1]
    if not first or first.islower() or not (first.isalpha() or first.isdigit()):
        return True
    if text.rstrip().endswith(":") or text.count("(") != text.count(")"):
        return True
    return _unbalanced_quote(text)


def _unbalanced_quote(text: str) -> bool:
    return text.count("“") != text.count("”") or text.count('"') % 2 == 1


def stands_alone(text: str, language: str = "en") -> bool:
    """True when the sentence can be shown alone: every test above passes."""
    return not (is_fragment(text) or is_note(text) or is_question(text) or points_outside(text, language))


def defect(text: str, language: str = "en") -> str:
    """The first reason a sentence cannot stand alone, or '' (for the benchmark's counts)."""
    for name, test in (("fragment", is_fragment), ("note", is_note), ("question", is_question)):
        if test(text):
            return name
    return "pointing" if points_outside(text, language) else ""
