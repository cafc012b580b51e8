"""'Ask about this story': answers from the coverage, with the sentences that support them.

Retrieval by words (BM25 over lightly stemmed content words), by meaning (WordLlama) and
by the question's entities and type (question_types): a sentence is an answer only when
it holds enough of the question's information, names (or sits beside) every entity the
question names, and states the kind of thing asked (who → a name or a group, when → a
time, where → a place, how many → a number). The best such sentence is the answer and is
cited; when none qualifies the reply is "I can't find that in the coverage" — an honest
refusal rather than a sentence about something else. With an LLM configured, the model
words the answer from the qualifying sentences and `llm.generate` drops any sentence
those sentences do not support.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from django.conf import settings

from broadsheet.enrich import llm
from broadsheet.enrich import question_types as qt
from broadsheet.enrich.text import content_words, light_embed, split_sentences, stem

NOT_FOUND = "I can't find that in the coverage."
MAX_QUESTION = 300
TOP = 3
CANDIDATES = 15  # best-scoring sentences searched for one that states the asked kind of thing
MIN_MATCH = 0.5  # share of the question's information the best sentence must contain
# Words that make a question but carry no topic ("why did he go", "what happened").
QUESTION_STOP = frozenset("""go goes going went gone happen happens happened happening mean means meant think know
tell want take took give gave get come came see saw use used need reason way thing things kind type sort else
exactly really actually""".split())


# Past forms the suffix stripper cannot undo ("led" is "lead"), for the verbs news asks about.
IRREGULAR = dict(pair.split(":") for pair in """led:lead won:win met:meet ran:run paid:pay told:tell took:take gave:give
held:hold left:leave sent:send sold:sell bought:buy fought:fight struck:strike found:find made:make came:come went:go
began:begin begun:begin chose:choose chosen:choose fell:fall rose:rise shot:shoot brought:bring caught:catch
thought:think became:become kept:keep lost:lose spent:spend stood:stand wrote:write written:write drove:drive
fled:flee hid:hide stole:steal stolen:steal spoke:speak spoken:speak broke:break broken:break froze:freeze
seized:seize""".split())


SYNONYMS = {"attorney": "lawyer", "counsel": "lawyer", "boss": "ceo", "head": "chief"}


def _term(word: str) -> str:
    """Matching form of a word: possessive dropped ("Kim's" → "kim"), past forms undone
    ("led" → "lead"), crudely stemmed, a final e dropped so "capture", "captured" and
    "capturing" meet ("captur"), and "Democratic" meets "Democrat"."""
    word = re.sub(r"'s$", "", word)
    word = SYNONYMS.get(word, IRREGULAR.get(word, word))
    w = word if word.endswith("ss") else stem(word)
    if w.endswith("ie") and len(w) > 4:
        w = w[:-2] + "y"
    if w.endswith("ic") and len(w) >= 8:
        w = w[:-2]
    return w[:-1] if w.endswith("e") and len(w) >= 4 else w


ROLE_TERMS = {_term(w) for w in qt.gz.PERSON_TITLES | {"ceo", "cfo", "lawyer", "owner", "founder", "spokesman",
                                                      "opponent", "challenger", "rival", "successor", "winner"}}


def _normalise(text: str) -> str:
    """Roles written out become their short form, so "chief executive" meets "CEO"."""
    for short, forms in qt.ROLES.items():
        for form in forms:
            if " " in form:
                text = re.sub(rf"\b{form}\b", short, text, flags=re.I)
    return text


def _terms(text: str) -> list[str]:
    """Matching forms of the text's content words; a hyphenated word also gives its parts
    ("New Jersey-based" → "jersey-bas", "jersey", "bas")."""
    out = []
    for w in content_words(_normalise(text)):
        out.append(_term(w))
        if "-" in w:
            out += [_term(p) for p in w.split("-") if len(p) > 1]
    return out


def _passages(articles: list[Any]) -> list[dict]:
    out = []
    for article in articles:
        for s in split_sentences(article.body or ""):
            out.append({"article": article.pk, "sentence": s.index, "text": s.text,
                        "url": article.get_absolute_url() if hasattr(article, "get_absolute_url") else "",
                        "publisher": getattr(getattr(article, "source", None), "name", "")})
    return out


def _refuse() -> dict:
    return {"found": False, "answer": NOT_FOUND, "citations": []}


def answer(question: str, articles: list[Any]) -> dict:
    """{"found": bool, "answer": str, "citations": [{"article","sentence","text","url","publisher"}]}."""
    import numpy as np  # here: the enrich views import this module for every page of theirs

    question = " ".join((question or "").split())[:MAX_QUESTION]
    passages = _passages(articles)
    named = qt.entities(question)
    # An entity is one unit of the question however it is written ("Duncan Hunter", "Mr.
    # Hunter"; "US", "U.S."): the words that give the type ("how old") are not its topic.
    entity_words = {_term(w) for e in named for w in e.split()}
    plain = [t for t in _terms(qt.strip_type(question))
             if t not in QUESTION_STOP and t not in qt.WH_WORDS and t not in entity_words]
    terms = list(dict.fromkeys(plain + [f"entity:{e}" for e in named]))
    if not terms or not passages:
        return _refuse()
    bodies = {getattr(a, "pk", None): f"{getattr(a, 'title', '') or ''}\n{a.body or ''}" for a in articles}
    if any(not any(qt.mentions(e, body) for body in bodies.values()) for e in named):
        return _refuse()  # the question names someone or something the coverage never mentions
    docs = [Counter(_terms(p["text"])) for p in passages]
    for p, d in zip(passages, docs):
        for e in named:
            if qt.mentions(e, p["text"]):
                d[f"entity:{e}"] += 1
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
        return _refuse()
    vectors = light_embed([p["text"] for p in passages])
    similarity = vectors @ light_embed([question])[0]
    score = bm25 / (bm25.max() or 1.0) + 0.5 * similarity + coverage
    kind = qt.question_type(question)
    topic = set(plain) | entity_words | {_term(a) for w in entity_words for a in qt.ALIASES.get(w, ())}
    # Some sentence must hold most of the question (above); the answer may hold less of it
    # ("Why did Kim stay away?" ← "Kim stayed away because of security concerns").
    ranked = [int(i) for i in np.argsort(-score) if coverage[i] >= MIN_MATCH / 2]
    if plain:  # else a question of entities alone ("How old is Michael Grimm?"): any sentence on them may answer
        ranked = ranked[:CANDIDATES]
    # "Who is the CEO of X?": the sentence must name the role asked about, not just anyone.
    roles = [t for t in plain if t in ROLE_TERMS] if kind == qt.PERSON else []
    fit = [i for i in ranked if _names_all(named, i, passages, bodies) and all(docs[i][r] for r in roles)
           and qt.answers_type(kind, passages[i]["text"], question, near=lambda w: _term(w.lower()) in topic)]
    if not fit:
        return _refuse()  # relevant sentences, but none states what was asked
    who = re.match(r"who (?:is|was|are|were) (.+?)\??$", question, re.I)
    if who and not plain:  # "Who is Min Gyu Kim?": the sentence that introduces them first
        name = who.group(1).strip()
        fit.sort(key=lambda i: not (_introduced(name, passages[i]["text"])
                                    or _introduced(name.split()[-1], passages[i]["text"])))
    top = [passages[i] for i in fit[:TOP]]
    if llm.configured():
        context = [passages[i] for i in fit[:CANDIDATES]]
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


def _names_all(named: list[str], i: int, passages: list[dict], bodies: dict) -> bool:
    """Every entity of the question is in the sentence's article (title or text), and at
    least one in the sentence itself or the one before it."""
    if not named:
        return True
    here = passages[i]
    before = passages[i - 1]["text"] if i and passages[i - 1]["article"] == here["article"] else ""
    return (all(qt.mentions(e, bodies.get(here["article"], "")) for e in named)
            and any(qt.mentions(e, f"{before} {here['text']}") for e in named))


def suggest(text: str, found: list[Any], language: str = "en") -> str:
    """A question this article answers, for the ask box's hint (the same "e.g. Who was
    invited?" fitted few stories): "Who is Min Gyu Kim?" for a person the article
    introduces ("Min Gyu Kim, a former diplomat", "former diplomat Min Gyu Kim"), else
    "What happened in Pyongyang?" for a place it names twice. English only (the question
    types are); '' when nothing fits. `found` are tags.Entity-like (name, type, count), by salience."""
    if language and not language.lower().startswith("en"):
        return ""
    def plain_name(name: str) -> bool:  # no acronym ("INS Mysore"), no title inside ("Mayor Michael Bloomberg")
        return all(not (w.isupper() and len(w) > 1) and w.lower() not in qt.gz.PERSON_TITLES for w in name.split())

    for e in found:
        if e.type == "person" and len(e.name.split()) > 1 and plain_name(e.name) and _introduced(e.name, text):
            return f"Who is {e.name}?"
    for e in found:
        if e.type == "place" and e.count >= 2 and len(e.name.split()) <= 3 and plain_name(e.name):
            the = "the " if e.name.split()[0].lower() in {"gulf", "bay", "strait", "isle", "cape", "sea"} else ""
            return f"What happened in {the}{e.name}?"
    return ""


def _introduced(name: str, text: str) -> bool:
    """The text says who the person is: an apposition or a role word before the name."""
    quoted = re.escape(name)
    if re.search(rf"{quoted},\s+(?:a|an|the|who|[A-Z][\w’']+['’]s)\s", text):
        return True
    before = re.findall(rf"(\w+)\s+{quoted}\b", text)
    return any(w.lower() in qt.gz.PERSON_TITLES and w.lower() not in {"former", "acting", "vice", "deputy"} for w in before)
