"""Plain-text helpers shared by the enrich features: sentences, words, light embeddings.

No NLTK or spaCy: their data cannot be downloaded here, and a news sentence splitter
that knows the usual abbreviations is a few lines. WordLlama (static embeddings whose
weights ship inside the PyPI package, import ≈ 0.2 s) embeds whole texts and sentences
where MiniLM would cost too much per article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broadsheet.lib.once import once

if TYPE_CHECKING:
    import numpy as np

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st", "jr", "sr",
    "inc", "ltd", "co", "corp", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "mt", "ft", "approx", "dept", "est",
    "d.c", "a.m", "p.m", "ave", "blvd", "atty", "supt", "rev", "hon", "messrs",
}
# "at 5 p.m. Thursday": a time abbreviation ends the sentence only when no day, month or
# time zone follows it.
_TIME_ABBREVIATIONS = {"a.m", "p.m"}
_AFTER_TIME = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|"
                         r"[A-Z]{2,4}T\b|GMT|UTC)")
# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before
# whitespace and an upper-case letter, digit or opening quote; in Chinese and Japanese at
# 。！？ (no space follows them there).
_BOUNDARY = re.compile(r"""[.!?]["'”’)\]]?(?=\s+["'“‘(\[]?[A-Z0-9])|[。！？][」』）]?(?=\S)""")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9]+(?:['’.-][A-Za-zÀ-ÖØ-öø-ÿ0-9]+)*")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't
my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up very was wasn't we
we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's
with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves said says say will
just like also one two new year years last first may might must since still yet per via mr mrs ms dr however
would could many much well even now get got make made back way told according including us
""".split())


@dataclass(frozen=True)
class Sentence:
    index: int       # position in the article, counting from 0 (the title is not a sentence)
    paragraph: int   # paragraph it sits in
    text: str


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body or "") if p.strip()]


def split_sentences(body: str) -> list[Sentence]:
    """The body's sentences in order, with paragraph numbers; abbreviations do not split."""
    out: list[Sentence] = []
    for p_index, para in enumerate(paragraphs(body)):
        para = " ".join(para.split())
        pieces: list[str] = []
        for piece in _cut(para):
            if pieces and (_ends_with_abbreviation(pieces[-1], piece) or (_open_quote(pieces[-1]) and _closes_quote(piece)
                                                                   and len(pieces[-1].split()) < 40)):
                pieces[-1] = f"{pieces[-1]} {piece}"
            else:
                pieces.append(piece)
        for piece in pieces:
            if piece.strip():
                out.append(Sentence(len(out), p_index, piece.strip()))
    return out


def _cut(para: str) -> list[str]:
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(para):
        pieces.append(para[start:match.end()])
        start = match.end()
    pieces.append(para[start:])
    return [p.strip() for p in pieces if p.strip()]


def _open_quote(text: str) -> bool:
    """An unbalanced quotation mark. A piece that opens a quote and the next that closes it
    ('“Is this it?' + 'He cannot,” she said.') are one sentence; a paragraph-long quote
    left open by the journalists' convention is not glued to the rest (see the caller)."""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def _closes_quote(text: str) -> bool:
    return text.count("”") > text.count("“") or text.count('"') % 2 == 1


def _ends_with_abbreviation(text: str, following: str = "") -> bool:
    """'Mr.', '(Nov.', 'U.S.' end no sentence; 'p.m.' ends one unless a day or month follows."""
    last = text.rsplit(None, 1)[-1].lower().lstrip("\"'“‘([").rstrip(".")
    if last in _TIME_ABBREVIATIONS:
        return bool(_AFTER_TIME.match(following))
    return last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning (no stop words, no one-letter tokens)."""
    return [w for w in (t.lower().replace("’", "'") for t in words(text)) if w not in STOPWORDS and len(w) > 1]


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'talks'/'talk', 'elected'/'election' roughly."""
    w = word.lower()
    for suffix in ("ing", "edly", "ed", "es", "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


# --- WordLlama ------------------------------------------------------------------------
@once
def _wordllama():
    import numpy as np
    import wordllama
    from wordllama import WordLlama

    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    # The shipped weights are float16; WordLlama widens them to float32 (32 MB). Kept in
    # float16, a text's token rows are widened exactly when multiplied by the float32 mask
    # in its pooling, so the vectors are bit for bit the same (tested) for 16 MB less a process.
    half = model.embedding.astype(np.float16)
    if np.array_equal(half, model.embedding):
        model.embedding = half
    return model


def light_embed(texts: list[str]) -> np.ndarray:
    """WordLlama vectors (n, 256), L2-normalised; cheap enough for every sentence."""
    import numpy as np  # here: the tag pages import this module for its word helpers

    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    return np.asarray(_wordllama().embed(list(texts), norm=True), dtype=np.float32)
