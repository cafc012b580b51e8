"""Extractive summaries: a one-line gist and 3–5 key points per article, and a story
summary (summary, talking points, how the sources differ, a notable quote) once a story
has at least 3 articles from at least 2 publishers.

Every item keeps `sources`: [{"article": id, "sentence": index}] pointing at the
article sentences it came from (sentence numbers as `text.split_sentences` counts them).
Scoring: graph centrality over sentences (see `rank_sentences`); story items are picked
with maximal marginal relevance so points differ.
With BROADSHEET_LLM_URL set, `llm.py` rewrites these abstractively on the same sources.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable

import numpy as np

from broadsheet.enrich.coverage import STORY_MIN_ARTICLES, story_ready  # noqa: F401  (STORY_MIN_ARTICLES: tests)
from broadsheet.enrich.coverage import publisher as _publisher
from broadsheet.enrich.standalone import stands_alone
from broadsheet.lib.language import in_language, language_of, site_language
from broadsheet.enrich.text import Sentence, content_words, light_embed, split_sentences, stem

MIN_WORDS, MAX_WORDS = 6, 60
_QUOTE = re.compile(r"(?<![\w,])(?:“([^“”]{20,300})”|\"([^\"]{20,300})\")")
_SPEAKER_AFTER = re.compile(r"[\"”],?\s+(?:said|says|told [\w ]+?|added|wrote)\s+((?:[A-Z][\w'’.-]+\s?){1,4})")
_SPEAKER_BEFORE = re.compile(r"((?:[A-Z][\w'’.-]+\s?){1,4}),?\s+(?:said|says|told [\w ]+?|added|wrote)[:,]?\s+[\"“]")
_SPEAKER_INVERTED = re.compile(r"[\"”],?\s+((?:[A-Z][\w'’.-]+\s?){1,4})\s+(?:said|says|added|wrote)")


def key_point_count(n_sentences: int) -> int:
    return 3 if n_sentences < 12 else 4 if n_sentences < 30 else 5


def _usable(sentences: list[Sentence]) -> list[Sentence]:
    """Sentences fit to quote alone: a sensible length and a proper ending (no bylines, captions)."""
    return [s for s in sentences if MIN_WORDS <= len(s.text.split()) <= MAX_WORDS
            and re.search(r"[.!?。！？][\"'”’)」』）]?$", s.text)] or sentences


def _mmr(scores: np.ndarray, vectors: np.ndarray, k: int, diversity: float = 0.3,
         allowed: Iterable[int] | None = None) -> list[int]:
    chosen: list[int] = []
    candidates = list(range(len(scores))) if allowed is None else list(allowed)
    while candidates and len(chosen) < k:
        if chosen:
            redundancy = (vectors[candidates] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(candidates))
        values = (1 - diversity) * scores[candidates] - diversity * redundancy
        best = candidates[int(np.argmax(values))]
        chosen.append(best)
        candidates.remove(best)
    return chosen


def _tfidf_cosine(texts: list[str]) -> np.ndarray:
    """Cosine similarity of the sentences' TF-IDF vectors (idf over the sentences themselves)."""
    bags = [Counter(stem(w) for w in content_words(t)) for t in texts]
    vocab = {w: i for i, w in enumerate(sorted(set().union(*bags)))}
    if not vocab:
        return np.zeros((len(texts), len(texts)))
    m = np.zeros((len(texts), len(vocab)))
    for row, bag in enumerate(bags):
        for w, c in bag.items():
            m[row, vocab[w]] = 1.0 + np.log(c)
    df = (m > 0).sum(axis=0)
    m *= np.log((1 + len(texts)) / (1 + df)) + 1.0
    m /= np.linalg.norm(m, axis=1, keepdims=True).clip(min=1e-9)
    return m @ m.T


def _pagerank(sim: np.ndarray, damping: float = 0.85, steps: int = 60) -> np.ndarray:
    sim = sim.copy()
    np.fill_diagonal(sim, 0.0)
    rows = sim.sum(axis=1, keepdims=True)
    rows[rows == 0] = 1.0
    trans = sim / rows
    n = len(sim)
    score = np.full(n, 1.0 / n)
    for _ in range(steps):
        score = (1 - damping) / n + damping * trans.T @ score
    return score * n


def rank_sentences(title: str, sentences: list[Sentence]) -> tuple[np.ndarray, np.ndarray]:
    """A centrality score per sentence and the sentence vectors.

    LexRank's idea (PageRank over a sentence-similarity graph) with a better edge: the
    geometric mean of TF-IDF cosine and WordLlama cosine, so two sentences are linked
    only when they share both words and meaning. No threshold to tune.
    """
    vectors = light_embed([s.text for s in sentences])
    semantic = np.clip(vectors @ vectors.T, 0.0, 1.0)
    lexical = np.clip(_tfidf_cosine([s.text for s in sentences]), 0.0, 1.0)
    return _pagerank(np.sqrt(semantic * lexical)), vectors


def _top(scores: np.ndarray, vectors: np.ndarray, k: int, duplicate: float = 0.92) -> list[int]:
    """The k best sentences, skipping near-repeats of one already chosen."""
    chosen: list[int] = []
    for i in np.argsort(-scores):
        if all(float(vectors[i] @ vectors[j]) < duplicate for j in chosen):
            chosen.append(int(i))
        if len(chosen) >= k:
            break
    return chosen


LEAD_SENTENCES = 5  # "In short" comes from the lead: news states its point first
GIST_REPEAT = 0.85  # a key point this close to "In short" (WordLlama cosine) repeats it


def summarize(title: str, body: str, article_id: Any = None, k: int | None = None, language: str = "en") -> dict:
    """{"gist": {"text", "sources"}, "key_points": [{"text", "sources"}, ...]} of one article.

    Only sentences that stand alone (standalone.stands_alone) are shown when there are any:
    "In short" is the most central of them in the lead, and the key points are the most
    central others, none repeating "In short"."""
    sentences = _usable(split_sentences(body))
    if not sentences:
        return {"gist": None, "key_points": []}
    scores, vectors = rank_sentences(title, sentences)
    alone = [i for i, s in enumerate(sentences) if stands_alone(s.text, language)]
    gist_i = None
    if alone:  # no sentence stands alone (a cut or odd text): no "In short" rather than a fragment
        early = [i for i in alone if sentences[i].index < LEAD_SENTENCES] or alone[:1]
        gist_i = max(early, key=lambda i: scores[i])
    rest = [i for i in (alone or range(len(sentences)))
            if gist_i is None or (i != gist_i and float(vectors[i] @ vectors[gist_i]) < GIST_REPEAT)]
    k = k or key_point_count(len(sentences))
    picked = sorted((rest[j] for j in _top(scores[rest], vectors[rest], k)), key=lambda i: sentences[i].index) if rest else []

    def item(i: int) -> dict:
        return {"text": sentences[i].text, "sources": [{"article": article_id, "sentence": sentences[i].index}]}

    return {"gist": item(gist_i) if gist_i is not None else None, "key_points": [item(i) for i in picked]}


def reader_language(articles: list[Any], wanted: str) -> str:
    """`wanted` when some article is in it (or of unknown language), else the story's most common language."""
    found = Counter(language_of(getattr(a, "language", "")) for a in articles)
    if found[wanted] or found[""] or not found:
        return wanted
    return found.most_common(1)[0][0]


def summarize_story(articles: list[Any], k: int = 4, language: str | None = None) -> dict | None:
    """Summary of a story's coverage, or None below 3 articles from 2 publishers.

    `articles` are Article-like objects (id, title, body, source.name, language). Returns
    {"summary", "talking_points", "differences", "quote"}, each item one sentence with its
    `sources`. Only sentences that stand alone, from articles in the reader's language
    (`language`, default the site's; an article of unknown language counts as in it).
    """
    articles = [a for a in articles if (a.body or "").strip()]
    if not story_ready(articles):
        return None
    lang = reader_language(articles, language_of(language) or site_language())
    pool: list[tuple[Any, Sentence]] = []
    for article in articles:
        if not in_language(getattr(article, "language", ""), lang):
            continue
        pool += [(article, s) for s in _usable(split_sentences(article.body))[:40]]
    # Every sentence counts for consensus and may hold the notable quote; only those that
    # stand alone are shown as summary, talking points and differences.
    alone = [i for i, (_, s) in enumerate(pool) if stands_alone(s.text, lang)]
    if not alone:
        return None
    vectors = light_embed([s.text for _, s in pool])
    owners = np.array([_publisher(a) for a, _ in pool])
    # Consensus: how well a sentence is echoed by OTHER publishers' sentences.
    sims = vectors @ vectors.T
    echo = np.zeros(len(pool))
    for i in range(len(pool)):
        others = sims[i][owners != owners[i]]
        echo[i] = np.sort(others)[-3:].mean() if others.size else 0.0
    lead = np.array([1.0 / (1.0 + s.index / 4.0) for _, s in pool])
    # The reporter's voice summarises better than a quote fragment ("“I'm a New Yorker,” he said").
    voice = np.array([0.5 if s.text[:1] in "\"“‘'" or s.text.count("“") != s.text.count("”") or s.text.count('"') % 2
                      else 1.0 for _, s in pool])
    scores = (0.7 * echo + 0.3 * lead) * voice

    def item(i: int, text: str | None = None) -> dict:
        article, sentence = pool[i]
        return {"text": text or sentence.text, "publisher": _publisher(article),
                "sources": [{"article": article.pk if hasattr(article, "pk") else article.id, "sentence": sentence.index}]}

    chosen = _mmr(scores, vectors, 2 + k, diversity=0.4, allowed=alone)
    summary = [item(i) for i in chosen[:2]]
    talking = [item(i) for i in chosen[2:]]
    differences = []
    for publisher in sorted(set(owners)):
        mine = np.array([i for i in alone if owners[i] == publisher and i not in chosen], dtype=int)
        if not len(mine):
            continue  # everything this publisher said is in the summary or the talking points already
        # What this publisher says that the others echo least (early sentences preferred).
        distinct = ((1.0 - echo[mine]) + 0.2 * lead[mine]) * voice[mine]
        differences.append(item(int(mine[int(np.argmax(distinct))])))
    return {"summary": summary, "talking_points": talking, "differences": differences, "quote": _quote(pool, scores)}


def _quote(pool: list[tuple[Any, Sentence]], scores: np.ndarray) -> dict | None:
    best = None
    for i, (article, sentence) in enumerate(pool):
        match = next((m for m in _QUOTE.finditer(sentence.text)
                      if (m.group(1) or m.group(2))[:1].isupper() and " said" not in (m.group(1) or m.group(2))), None)
        if not match:
            continue  # no quote, or only the words between two quotes ("” said Bloomberg, who added that “")
        speaker = None
        for pattern in (_SPEAKER_AFTER, _SPEAKER_INVERTED, _SPEAKER_BEFORE):
            found = pattern.search(sentence.text)
            if found:
                speaker = found.group(1).strip()
                break
        if not speaker or speaker.split()[0].lower() in {"he", "she", "they", "it", "we", "i"}:
            continue
        quoted = (match.group(1) or match.group(2)).strip()
        value = scores[i] + 0.1 * len(content_words(quoted)) ** 0.5
        if best is None or value > best[0]:
            best = (value, {"text": quoted, "speaker": speaker, "publisher": _publisher(article),
                            "sources": [{"article": getattr(article, "pk", None) or article.id,
                                         "sentence": sentence.index}]})
    return best[1] if best else None
