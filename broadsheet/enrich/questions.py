"""'Ask about this story': answers from the coverage, with the sentences that support them.

Retrieval first (BM25 over crudely stemmed content words, plus WordLlama similarity);
a question none of whose distinctive words appear in the coverage gets "I can't find
that in the coverage". With an LLM configured, the model words the answer from the top
sentences and `llm.generate` drops any sentence those sentences do not support.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from django.conf import settings

from broadsheet.enrich import llm
from broadsheet.enrich.text import content_words, light_embed, split_sentences, stem

NOT_FOUND = "I can't find that in the coverage."
MAX_QUESTION = 300
TOP = 3
MIN_MATCH = 0.5  # share of the question's information the best sentence must contain
# Words that make a question but carry no topic ("why did he go", "what happened").
QUESTION_STOP = frozenset("""go goes going went gone happen happens happened happening mean means meant think know
tell want take took give gave get come came see saw use used need reason way thing things kind type sort else
exactly really actually""".split())


def _term(word: str) -> str:
    """Matching form of a word: possessive dropped ("Kim's" → "kim"), crudely stemmed."""
    return stem(re.sub(r"'s$", "", word))


def _passages(articles: list[Any]) -> list[dict]:
    out = []
    for article in articles:
        for s in split_sentences(article.body or ""):
            out.append({"article": article.pk, "sentence": s.index, "text": s.text,
                        "url": article.get_absolute_url() if hasattr(article, "get_absolute_url") else "",
                        "publisher": getattr(getattr(article, "source", None), "name", "")})
    return out


def answer(question: str, articles: list[Any]) -> dict:
    """{"found": bool, "answer": str, "citations": [{"article","sentence","text","url","publisher"}]}."""
    import numpy as np  # here: the enrich views import this module for every page of theirs

    question = " ".join((question or "").split())[:MAX_QUESTION]
    passages = _passages(articles)
    terms = [_term(w) for w in content_words(question) if w not in QUESTION_STOP]
    if not terms or not passages:
        return {"found": False, "answer": NOT_FOUND, "citations": []}
    docs = [Counter(_term(w) for w in content_words(p["text"])) for p in passages]
    n = len(docs)
    df = Counter(t for d in docs for t in set(d))
    known = [t for t in set(terms) if df[t]]
    avg = sum(sum(d.values()) for d in docs) / n or 1.0
    bm25 = np.zeros(n)
    for t in known:
        idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
        for i, d in enumerate(docs):
            if d[t]:
                length = sum(d.values())
                bm25[i] += idf * d[t] * 2.2 / (d[t] + 1.2 * (0.25 + 0.75 * length / avg))
    # Coverage: the share of the question's information (idf mass, so a rare word like
    # "price" counts more than the story's main name) that one sentence contains.
    weight = {t: math.log(1 + (n + 1) / (df[t] + 0.5)) for t in set(terms)}
    total = sum(weight.values())
    coverage = np.array([sum(weight[t] for t in weight if t in d) / total for d in docs])
    if coverage.max() < MIN_MATCH:
        return {"found": False, "answer": NOT_FOUND, "citations": []}
    vectors = light_embed([p["text"] for p in passages])
    similarity = vectors @ light_embed([question])[0]
    score = bm25 / (bm25.max() or 1.0) + 0.5 * similarity + coverage
    order = [int(i) for i in np.argsort(-score) if coverage[i] >= MIN_MATCH / 2][:TOP]
    top = [passages[i] for i in order]
    if llm.configured():
        context = [passages[int(i)] for i in np.argsort(-score)[:8]]
        # A reader is waiting: a shorter timeout than background work (ENRICH_ASK_LLM_TIMEOUT).
        written = llm.generate(f"Answer the reader's question: {question}", [p["text"] for p in context], 3,
                               timeout=getattr(settings, "ENRICH_ASK_LLM_TIMEOUT", 10.0))
        if written:
            cites = []
            for g in written:
                cites += [context[i] for i in g.sources if context[i] not in cites]
            return {"found": True, "answer": " ".join(g.text for g in written), "citations": cites, "generator": "llm"}
        # Failed or unsupported (a lying model): fall back to the retrieved sentences.
    return {"found": True, "answer": top[0]["text"], "citations": top, "generator": "extractive"}
