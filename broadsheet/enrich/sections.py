"""Section of an article: what the page says, mapped onto our taxonomy, plus a classifier.

The classifier is two linear heads (multinomial logistic regressions, trained by
`train_sections.py`, weights in data/section_head.npz) whose log-probabilities add up:
one over the all-MiniLM-L6-v2 vector of title + lead (stored by the first pipeline step)
⊕ a WordLlama vector of the whole text, one over hashed word n-grams (ngrams.py), which
see the stance words a sentence embedding blurs ("I", "we", "should", "?"). Inference is
numpy only, so scikit-learn is needed only to train. A page's own word for opinion
(kicker, section, byline) sends it to "Opinion & Analysis" whatever its topic.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from django.conf import settings

from broadsheet.enrich import ngrams
from broadsheet.enrich.section_words import GENERIC, OPINION, OPINION_ROLES, SECTION_WORDS
from broadsheet.web.sections import sections as configured_sections

HEAD_PATH = Path(__file__).resolve().parent / "data" / "section_head.npz"

HINT_WEIGHT = 1.0      # a publisher's own specific section decides unless the head is certain otherwise
GENERIC_WEIGHT = 0.25  # "World", "News" say little about the topic


def deaccent(text: str) -> str:
    """Lower-cased, accents dropped ("Économie" → "economie", "Fußball" → "fussball")."""
    text = unicodedata.normalize("NFKD", (text or "").lower().replace("ß", "ss"))
    return "".join(c for c in text if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case words without accents, separated by single spaces ("Économie/Sport" → "economie sport")."""
    return " ".join(re.findall(r"[a-z0-9]+", deaccent(text)))


def _words_re(words) -> re.Pattern:
    alternatives = sorted({fold(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![a-z0-9])")


_HINT_RES = [(_words_re(words), name) for name, words in SECTION_WORDS]
_OPINION_WORDS = dict(SECTION_WORDS)[OPINION] + ("view", "op-ed")
# A kicker before the headline: "Opinion | ...", "Analysis: ...", "Kommentar: ...", "Op-Ed — ...".
_OPINION_TITLE = re.compile(r"^\W*(?:" + "|".join(
    re.escape(w).replace(r"\ ", r"[\s\-]+") for w in sorted({fold(w) for w in _OPINION_WORDS}, key=len, reverse=True))
    + r")\s*[:|\-–—]")
_OPINION_ROLE = _words_re(OPINION_ROLES + ("contributor", "former", "professor", "fellow", "analyst"))


def taxonomy() -> list[str]:
    """The configured sections (settings.BROADSHEET_SECTIONS), else the site's default list."""
    return configured_sections()


def _in_taxonomy(name: str, sections: list[str]) -> str | None:
    """Our canonical name mapped into the configured taxonomy (settings.ENRICH_SECTION_MAP)."""
    if name in sections:
        return name
    mapped = getattr(settings, "ENRICH_SECTION_MAP", {}).get(name)
    return mapped if mapped in sections else None


def hint_section(page_section: str = "", url: str = "") -> tuple[str | None, float]:
    """The section a publisher's own labels point to, and how much to trust it."""
    texts = [fold(page_section)] if page_section else []
    if url:
        segments = [s for s in urlsplit(url).path.split("/") if s and not s.isdigit()]
        texts.append(fold(" ".join(segments[:-1])))  # the last segment is the article's slug
    for text in texts:
        if not text:
            continue
        for regex, name in _HINT_RES:
            if regex.search(text):
                return name, (GENERIC_WEIGHT if name == GENERIC else HINT_WEIGHT)
    return None, 0.0


def is_opinion(title: str = "", page_section: str = "", url: str = "", authors: list | None = None) -> bool:
    if _OPINION_TITLE.match(deaccent(title)):
        return True
    if hint_section(page_section, url)[0] == OPINION:
        return True
    roles = " ".join(str(a.get("role", "")) for a in (authors or []) if isinstance(a, dict))
    return bool(roles and _OPINION_ROLE.search(fold(roles)))


def publisher_section(title: str = "", page_section: str = "", url: str = "",
                      authors: list | None = None) -> str | None:
    """The section of our taxonomy the publisher itself gives an article (kicker, section,
    URL, byline), or None when it says nothing specific ("News", "World" are no label)."""
    sections = taxonomy()
    if OPINION in sections and is_opinion(title, page_section, url, authors):
        return OPINION
    hint, weight = hint_section(page_section, url)
    return _in_taxonomy(hint, sections) if hint and weight >= HINT_WEIGHT else None


@lru_cache(maxsize=1)
def load_head(path: str = str(HEAD_PATH)) -> tuple[list[str], np.ndarray, np.ndarray]:
    data = np.load(path, allow_pickle=False)
    return [str(c) for c in data["classes"]], data["coef"].astype(np.float32), data["intercept"].astype(np.float32)


@lru_cache(maxsize=1)
def load_ngram_head(path: str = str(HEAD_PATH)) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """(coef, intercept, idf, weight) of the n-gram head, or None for a head shipped without one."""
    data = np.load(path, allow_pickle=False)
    if "ngram_coef" not in data:
        return None
    return (data["ngram_coef"].astype(np.float32), data["ngram_intercept"].astype(np.float32),
            data["ngram_idf"].astype(np.float32), float(data["ngram_weight"]))


def features(title: str, text: str, minilm: np.ndarray | None = None) -> np.ndarray:
    """The embedding head's input: MiniLM(title + lead) ⊕ WordLlama(title + whole text)."""
    from broadsheet.enrich.embeddings import article_text, embed
    from broadsheet.enrich.text import light_embed

    if minilm is None:
        minilm = embed([article_text(title, text)])[0]
    return np.concatenate([np.asarray(minilm, dtype=np.float32), light_embed([f"{title}. {text}"])[0]])


def features_many(titles: list[str], texts: list[str], minilm: list[np.ndarray]) -> np.ndarray:
    """`features` of many articles at once (one WordLlama call), MiniLM vectors given."""
    from broadsheet.enrich.text import light_embed

    light = light_embed([f"{t}. {x}" for t, x in zip(titles, texts)])
    return np.hstack([np.vstack(minilm).astype(np.float32), light]).astype(np.float32)


def with_site_head(probabilities: dict[str, float], x: np.ndarray) -> dict[str, float]:
    """The shipped head's probabilities (the prior) times the site head's, weighted by
    ENRICH_SITE_HEAD_WEIGHT, renormalised; unchanged when the site has no head. A section the
    site head never saw gets its least likely section's probability, not zero."""
    from broadsheet.enrich import site_head

    weight = getattr(settings, "ENRICH_SITE_HEAD_WEIGHT", 0.0)
    site = site_head.log_probabilities(x) if weight > 0 else None
    if not site:
        return probabilities
    floor = min(site.values())
    log_p = {name: float(np.log(max(p, 1e-12))) + weight * site.get(name, floor) for name, p in probabilities.items()}
    top = max(log_p.values())
    total = sum(np.exp(v - top) for v in log_p.values())
    return {name: float(np.exp(v - top) / total) for name, v in log_p.items()}


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max()
    return shifted - np.log(np.exp(shifted).sum())


def head_probabilities(x: np.ndarray, text: str | None = None) -> dict[str, float]:
    """Section probabilities from the embedding vector `x` and, when given, the raw text."""
    classes, coef, intercept = load_head()
    log_p = _log_softmax(coef @ x + intercept)
    ngram_head = load_ngram_head() if text is not None else None
    if ngram_head is not None:
        ngram_coef, ngram_intercept, idf, weight = ngram_head
        buckets, values = ngrams.vector(text, idf)
        log_p = log_p + weight * _log_softmax(ngram_coef[:, buckets] @ values + ngram_intercept)
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    return dict(zip(classes, p.tolist()))


# The head is trained on English text over English embeddings: on other languages its
# guesses are weak, so there the language-independent signals lead: the publisher's own
# section (hints, above), the section of the story's English members (the same event told
# in English, classified with the full head) and the operator's filing of the feed. With
# none of them the head still decides; News wins only where the head has no clear view.
FOREIGN_HEAD_WEIGHT = 0.3
FOREIGN_GENERIC_PRIOR = 0.1
STORY_WEIGHT = 0.8
FEED_WEIGHT = {"en": 0.3, "other": 0.6}


def classify(title: str, text: str, *, page_section: str = "", url: str = "", authors: list | None = None,
             minilm: np.ndarray | None = None, feed_section: str = "", language: str = "",
             story_sections: list[str] | None = None) -> str:
    """One section of the configured taxonomy for an article.

    `story_sections`: the sections of the other English articles in its story (used for
    articles in other languages only)."""
    sections = taxonomy()
    if OPINION in sections and is_opinion(title, page_section, url, authors):
        return OPINION
    english = not language or language.lower().startswith("en")
    scores = {name: 0.0 for name in sections}
    x = features(title, text, minilm)
    probabilities = head_probabilities(x, ngrams.article_text(title, text))
    hint, weight = hint_section(page_section, url)
    if not (hint and weight >= HINT_WEIGHT):  # a publisher's own section decides; the site head helps the rest
        probabilities = with_site_head(probabilities, x)
    for name, p in probabilities.items():
        target = _in_taxonomy(name, sections) or _in_taxonomy(GENERIC, sections) or sections[0]
        scores[target] += p if english else p * FOREIGN_HEAD_WEIGHT
    if not english:
        generic = _in_taxonomy(GENERIC, sections)
        if generic:
            scores[generic] += FOREIGN_GENERIC_PRIOR
        votes = [v for v in (_in_taxonomy(s, sections) for s in story_sections or []) if v]
        for name in votes:
            scores[name] += STORY_WEIGHT / len(votes)
    filed = _in_taxonomy(feed_section, sections) if feed_section else None
    if filed:
        scores[filed] += FEED_WEIGHT["en" if english else "other"]
    target = _in_taxonomy(hint, sections) if hint else None
    if target:
        scores[target] += weight
    return max(scores, key=scores.get)
