"""What a question asks for, and whether a sentence states that kind of thing.

A question's type comes from its opening (who → a person or group, when → a time, where
→ a place, how many/much/old → a number, why → a reason; anything else is open). Its
entities are its capitalised words after the first, and acronyms ("US", "CEO" is a
role). A sentence answers the type when it holds, beyond the question's own words, a
name or a group of people, a date or time, a place, a number or a causal link. The tests
are deliberately generous: they exist to refuse the sentence that cannot be the answer
("Who is the CEO of Google?" answered by a sentence naming no one from Google).
"""

from __future__ import annotations

import re

from broadsheet.enrich import gazetteer as gz
from broadsheet.enrich.text import STOPWORDS

PERSON, TIME, PLACE, NUMBER, AGE, REASON, OPEN = "person", "time", "place", "number", "age", "reason", "open"

_TYPES = (
    (AGE, re.compile(r"^how old\b|^(?:at )?what age\b", re.I)),
    (NUMBER, re.compile(r"^(?:by )?how (?:many|much|old|long|far|big|large|tall|often)\b|^(?:what|which) (?:is |was |were )?"
                        r"(?:the )?(?:number|percentage|share|amount|magnitude|score|price|cost|age|toll|total)\b", re.I)),
    (TIME, re.compile(r"^(?:since )?when\b|^(?:at |on |in )?(?:what|which) (?:time|date|day|year|month|hour)\b", re.I)),
    (PLACE, re.compile(r"^where\b|^(?:in |at |from )?(?:what|which) (?:city|country|state|town|village|place|region|"
                       r"province|island|district|county|area|street|venue|stadium|port)\b", re.I)),
    (PERSON, re.compile(r"^(?:who|whom|whose)\b|^(?:what|which) (?:person|man|woman|official|leader|team|company|group)\b",
                        re.I)),
    (REASON, re.compile(r"^why\b|^(?:for )?what reason\b|^how come\b", re.I)),
)
WH_WORDS = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how", "is", "was", "are", "were", "did",
            "does", "do", "has", "have", "had", "will", "would", "can", "could", "should", "the", "a", "an", "in", "on",
            "at", "of", "by", "to", "for", "from", "i", "and", "or"}
ROLES = {"ceo": ("chief executive", "ceo"), "cfo": ("chief financial officer", "cfo"), "pm": ("prime minister",),
         "gop": ("republican", "gop")}
ALIASES = {"us": ("u.s", "united states", "america", "american", "washington"), "usa": ("u.s", "united states", "america"),
           "uk": ("u.k", "britain", "british", "united kingdom"), "un": ("u.n", "united nations"),
           "eu": ("european union", "e.u"), "sixers": ("76ers",), "76ers": ("sixers",)}
NUMBER_WORDS = set("""one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen twenty
thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion billions
trillion dozen dozens half quarter third several""".split())
MONTHS = set("""january february march april may june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec""".split())
TIME_WORDS = MONTHS | set("""monday tuesday wednesday thursday friday saturday sunday today yesterday tonight tomorrow
morning afternoon evening night week weekend month year decade century ago earlier later spring summer autumn fall
winter noon midnight""".split())
GROUP_NOUNS = set("""people person man men woman women child children boy boys girl girls pirates pirate police officers
officials official soldiers troops militants rebels workers students protesters demonstrators residents villagers
suspects suspect crew passengers victims voters members lawmakers senators democrats republicans leaders leader
family families fans players player team company firm government ministry spokesman spokeswoman spokesperson lawyer
attorney lawyers prosecutors judge jury agents agent doctors nurses scientists researchers experts analysts reporter
journalist customers investors executives executive director chairman president minister governor mayor coach
manager owner founder chief ceo candidate nominee""".split())
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w'’.-]*|[0-9]+[A-Za-z]+)(?:\s+(?:of|de|al|bin|van|von|der|the|and)?\s*"
                              r"(?:[A-Z][\w'’.-]*|[0-9]+[A-Za-z]+))*")
_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b|\b\d{1,2}:\d\d\b|\b\d{1,2}\s?(?:a\.\s?m|p\.\s?m)\b", re.I)
_REASON = re.compile(r"\b(?:because|due to|as a result|so that|in order to|owing to|after|amid|following|since|"
                     r"reason|caused|led to|blamed|over|for)\b", re.I)
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|off|outside|inside|across|to|into|toward|towards|based in|"
                           r"represents)\s+(?:the\s+)?([A-Z][\w'’.-]*)|([A-Z][\w'’.-]*)-based\b")
_WORD = re.compile(r"[\w'’.-]+")


_HOW = re.compile(r"^(?:by )?how (?:many|much|old|long|far|big|large|tall|often)\b|^(?:at )?what age\b", re.I)


def strip_type(question: str) -> str:
    """The question without the words that only give its type ("How old is X?" → "is X?");
    "What was the magnitude ...?" keeps "magnitude", which is its topic."""
    return _HOW.sub("", question.strip())


def question_type(question: str) -> str:
    text = question.strip()
    for name, pattern in _TYPES:
        if pattern.search(text):
            return name
    return OPEN


def _fold(word: str) -> str:
    return re.sub(r"['’]s$", "", word.lower().rstrip(".,;:!?")).replace("’", "'")


def entities(question: str) -> list[str]:
    """Capitalised runs after the question's first word, and acronyms; roles (CEO) excluded."""
    words = question.split()
    rest = " ".join(words[1:])
    found = []
    for match in _CAPITALISED_RUN.finditer(rest):
        run = [_fold(w) for w in match.group(0).split() if _fold(w) not in WH_WORDS]
        run = [w for w in run if w and w not in ROLES and w not in gz.PERSON_TITLES]
        if run:
            found.append(" ".join(run))
    return found


def _variants(word: str) -> set[str]:
    out = {word, *ALIASES.get(word, ())}
    if word in gz.DEMONYMS:
        out.add(gz.DEMONYMS[word].lower())
    out |= {d for d, country in gz.DEMONYMS.items() if country.lower() == word}
    return out


def mentions(entity: str, text: str) -> bool:
    """The entity is in the text: at least half of its significant words ("Hunter" for "Duncan
    Hunter", not "Latinos" for "Latino Victory Fund"), each as itself, an alias or a demonym."""
    low = " " + re.sub(r"\s+", " ", text.lower().replace("’", "'")) + " "
    words = {_fold(w) for w in _WORD.findall(low)}
    parts = [p for p in entity.split() if len(p) >= 2 and (p in ALIASES or (p not in WH_WORDS and p not in STOPWORDS))]
    if not parts:
        return False
    found = sum(any(((" " in form or "." in form) and form in low) or form in words
                    or (len(form) >= 4 and any(w.startswith(form) and len(w) - len(form) <= 2 for w in words))
                    for form in _variants(part)) for part in parts)
    return found * 2 >= len(parts)


# Words allowed between the answer and a word of the question: "23 pirates", "Hunter, 41",
# "passed the resolution by a slim majority in March", "meeting in Helsinki".
NEAR = {NUMBER: 4, PLACE: 8, TIME: 6}
_AGE_AFTER_NAME = re.compile(r"([A-Z][\w'’-]+),\s+(\d{1,3}),")


def _near(words: list[str], hits: list[int], near, window: int) -> bool:
    """Some hit stands within `window` words of a topical word (`near(word)`); any hit when
    no `near` is given."""
    if near is None:
        return bool(hits)
    topical = [i for i, w in enumerate(words) if near(_fold(w))]
    return any(abs(i - j) <= window for i in hits for j in topical if i != j)


def answers_type(kind: str, sentence: str, question: str, near=None) -> bool:
    """The sentence holds something of the asked kind that the question does not already say,
    and (for numbers, times and places) near a word of the question: `near(word)` says
    which words are the question's."""
    asked = {_fold(w) for w in _WORD.findall(question)}
    words = _WORD.findall(sentence)
    fresh = [i for i, w in enumerate(words) if _fold(w) not in asked]
    if kind == NUMBER:
        hits = [i for i in fresh if _NUMBER.search(words[i]) or _fold(words[i]) in NUMBER_WORDS]
        return _near(words, hits, near, NEAR[NUMBER])
    if kind == AGE:  # "Mr. Hunter, 41, ...", "aged 41", "a 41-year-old"
        if re.search(r"\baged\s+\d{1,3}\b|\b\d{1,3}-years?-old\b", sentence):
            return True
        return any(near is None or near(_fold(m.group(1))) for m in _AGE_AFTER_NAME.finditer(sentence))
    if kind == TIME:
        hits = [i for i in fresh if _fold(words[i]) in TIME_WORDS or _YEAR.fullmatch(words[i].rstrip(".,"))
                or re.fullmatch(r"\d{1,2}:\d\d|[ap]\.m", words[i].rstrip(".,").lower())]
        return _near(words, hits, near, NEAR[TIME])
    if kind == PLACE:
        # A place named as someone's affiliation ("Mr. Royce, of California,") is not where it happened.
        hits = [i for i in fresh if (_fold(words[i]) in gz.PLACES and not re.search(rf",\s+of\s+{re.escape(words[i])}\b", sentence))
                or words[i].endswith("-based")]
        for match in _PLACE_BEFORE.finditer(sentence):
            name = _fold(match.group(1) or match.group(2))
            if name not in asked and name not in TIME_WORDS and name not in STOPWORDS:
                position = len(_WORD.findall(sentence[:match.end()])) - 1
                hits.append(max(0, position))
        return _near(words, sorted(set(hits)), near, NEAR[PLACE])
    if kind == PERSON:
        if any(_fold(words[i]) in GROUP_NOUNS for i in fresh):
            return True
        for match in _CAPITALISED_RUN.finditer(sentence):
            run = [_fold(w) for w in match.group(0).split()]
            new = [w for w in run if w not in asked and w not in TIME_WORDS and w not in gz.NOT_NAMES
                   and w not in STOPWORDS]
            if new and (len(run) > 1 or match.start() > 0):  # a lone capitalised first word may be any word
                return True
        return False
    if kind == REASON:
        return bool(_REASON.search(sentence))
    return True
