"""Hashtags and named entities without a statistical NER model.

Names are runs of capitalised words (with "of", "de", "al-" and the like inside),
minus sentence-initial ordinary words; a lone surname is folded into the full name it
abbreviates ("Putin" → "Vladimir Putin"), and spelling variants share one key
("Kim Jong-un" / "Kim Jong Un" → kimjongun). Types come from context: titles before a
name, organisation words, a small gazetteer of places, event words. Keyphrases are
content-word n-grams scored by frequency, position and presence in the title.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from broadsheet.enrich import gazetteer as gz
from broadsheet.enrich.text import STOPWORDS, split_sentences, stem

# Letters of any script ([^\W_]), not only Latin-1: "Erdoğan", "Gdańsk", "Babiš" were cut at ğ, ń, š.
_TOKEN = re.compile(r"[^\W_]+(?:[’'.\-][^\W_]+)*|[^\s\w]|_")
CONNECTORS = {"of", "de", "del", "da", "di", "van", "von", "der", "al", "bin", "la", "le", "du", "for"}
# Italian and Portuguese ones: "Comando della Difesa Aerospaziale", "Ministério dos Transportes"
# (#Comando alone was junk).
MORE_CONNECTORS = {"della", "delle", "dello", "degli", "dei", "do", "dos"}
PLACE_FIRST = {"gulf", "bay", "strait", "isle", "island", "lake", "mount", "cape", "port", "fort", "san", "santa",
               "los", "las", "new", "saint", "st", "sao", "north", "south", "east", "west", "northern", "southern",
               "eastern", "western", "central", "upper", "lower", "greater"}
PLACE_WORDS = {"square", "street", "river", "mountain", "mountains", "island", "islands", "sea", "ocean", "lake",
               "province", "region", "state", "county", "peninsula", "valley", "bay", "airport", "strait", "gulf",
               "coast", "desert", "park", "bridge", "avenue", "road", "district", "oblast", "city"}
MIN_TAGS, MAX_TAGS = 3, 8
MIN_TOPIC_COUNT = 3
# The junk rules of issue 11 item 4, each on by default; bench/tag_junk.py turns one off at a
# time to show what it is worth (docs/benchmarks.md keeps the table).
RULES = {"noun_phrases": True, "layout": True, "short_forms": True, "sentence_openers": True, "truncations": True}
_VERB_FORM = re.compile(r"(?:ed|ing|ly)$")
_CONTRACTION = re.compile(r"['’](?:m|ve|re|ll|d|t)$", re.I)


@dataclass
class Entity:
    name: str
    type: str  # person | org | place | event | other
    count: int = 0
    first: int = 10**6  # index of the first sentence it appears in
    variants: Counter = field(default_factory=Counter)


def _fold(text: str) -> str:
    """Accents off ('Peña' → 'Pena'), other letters kept ('Grønland', '東京')."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn")


def key(name: str) -> str:
    """Spelling-insensitive identity of a name or tag: 'Kim Jong-un' == 'Kim Jong Un' == '#KimJongUn'."""
    folded = re.sub(r"['’]s$", "", _fold(name))
    return re.sub(r"[\W_]", "", folded.lower())


def hashtag(name: str) -> str:
    """'Victory Day' → 'VictoryDay'; 'Kim Jong-un' → 'KimJongUn' (display form, without '#')."""
    parts = re.split(r"[\W_]+", re.sub(r"['’]s\b", "", unicodedata.normalize("NFC", name)))
    return "".join(p if p.isupper() and len(p) > 1 else p[:1].upper() + p[1:] for p in parts if p)


def _kept_acronym(token: str) -> bool:
    """'US' opening 'US Open' is the country, not the pronoun 'us' (#Open was junk)."""
    return RULES["truncations"] and len(token) == 2 and token.isupper()


def _shouted_context(tokens: list[str], i: int) -> bool:
    """The word before token i is all capitals too ("CHEER ON Juniors"): a shouted phrase."""
    return i > 0 and len(tokens[i - 1]) > 1 and tokens[i - 1].isupper()


def _is_initial(token: str) -> bool:
    return len(token) == 1 and token.isupper()


def _is_cap(token: str) -> bool:
    return token[:1].isupper() or (token[:1].isdigit() and any(c.isupper() for c in token))


# Words before a common noun in languages that capitalise every noun ("die Regierung", "einer
# neuen Regel", "5 Prozent"): a capitalised word seen after one of them is a noun, not a name.
DETERMINERS = frozenset("""
der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner keines im am zum zur vom
beim ins ans diese dieser diesen diesem dieses jede jeder jeden jedem jedes alle allen viele vielen mehrere einige
wenige unser unsere unseren unserem ihr ihre ihren ihrem sein seine seinen seinem welche welcher solche
mein meine meinen meinem meiner dein deine deinen deinem deiner euer eure euren eurem
""".split())
_ADJECTIVE = re.compile(r"^[^\W\d_]*[a-zäöüß](?:e|en|er|es|em)$")


# German role nouns that stand before a name ("Innenminister Roger Lewentz", "US-Präsident
# Trump", "Autorin Rhiannon Lambert"): never part of it, and evidence that a person follows.
_ROLE = re.compile(r"(?:präsident|kanzler|minister|trainer|chef|sprecher|politiker|autor|papst|könig|kollege|"
                   r"direktor|kommissar|meister|kandidat|sänger|leiter|vorsitzende|abgeordnete|experte|"
                   r"handballer|fußballer|fussballer|spieler|stürmer|schauspieler|journalist|dissident|mann|frau)"
                   r"(?:in|innen|en|n)?$")
_SPEECH_VERBS = "|".join(("sagte", "sagt", "sprach", "erklärte", "betonte", "meinte", "schrieb", "kritisierte",
                          "forderte", "said", "says"))


def common_nouns(text: str) -> set[str]:
    """Lower-cased capitalised words the text also uses as common nouns: right after a
    determiner (with lower-case adjectives between) or a number, and role nouns. For
    German-like text only: there a run of capitalised words is as often a noun phrase
    ("Zufuhr von Zink") as a name."""
    nouns = set()
    tokens = _TOKEN.findall(text)
    for i, token in enumerate(tokens):
        if not token[:1].isupper() or token.isupper() or token.lower() in gz.PLACES:
            continue
        if _ROLE.search(token.lower()):
            nouns.add(token.lower())
            continue
        j = i - 1
        while j >= 0 and j > i - 3 and _ADJECTIVE.match(tokens[j]) and tokens[j].lower() not in DETERMINERS:
            j -= 1
        if j >= 0 and (tokens[j].lower() in DETERMINERS or tokens[j][:1].isdigit()):
            nouns.add(token.lower())
    return nouns


def shouted_words(text: str) -> set[str]:
    """All-capital words of 4+ letters seen once ("SURRENDER", a "DUBAI" dateline): shouting,
    not a name; an acronym that names something ("NASCAR") comes back."""
    counts = Counter(re.findall(r"(?<![^\W_])[^\W\d_a-z]{4,}(?![^\W_])", text))
    out = {w for w, n in counts.items() if n < 2 and w.isupper()}
    if RULES["layout"]:  # "MDR SACHSEN-ANHALT" where the text also writes "Sachsen-Anhalt"
        out |= {w for w in counts if w.isupper() and re.search(rf"(?<![^\W_]){re.escape(w[0] + w[1:].lower())}(?![^\W_])", text)}
    return out


def _cut_descriptor(run: list[str]) -> list[str]:
    """'Afghan President Ashraf Ghani' → 'Ashraf Ghani'; 'Australian Timothy Weeks' →
    'Timothy Weeks'; 'Rosaly Lopes of NASA' → 'Rosaly Lopes': a title, a nationality or
    a place and an affiliation are not part of a person's name."""
    for i in range(len(run) - 1, 0, -1):
        if run[i].lower().rstrip(".") in gz.PERSON_TITLES and i + 1 < len(run):
            return run[i + 1:]
    if (len(run) >= 3 and (run[0].lower() in gz.DEMONYMS or run[0].lower() in gz.PLACES)
            and not any(w.lower() in gz.ORG_WORDS or w.lower() in CONNECTORS for w in run[1:])):
        return run[1:]
    if "of" in run[2:-1]:
        i = run.index("of", 2)
        tail = " ".join(run[i + 1:]).lower()
        if (run[i - 1].lower() not in gz.ORG_WORDS | PLACE_WORDS | gz.EVENT_WORDS
                and (tail in gz.PLACES or " ".join(run[i + 1:]).isupper())):
            return run[:i]
    return run


def _candidates(text: str, edge_words: frozenset | set = frozenset(), nouns: frozenset | set = frozenset(),
                shouted: frozenset | set = frozenset()) -> list[tuple[str, int, str | None, bool, bool]]:
    """(name, sentence index, word before, sentence-initial?, used as an adjective?) per run of capitalised words.

    `nouns`: words the text uses as common nouns (a run ending in one is a noun phrase and
    dropped; one opening a run is cut off); `shouted`: all-capital words that are no name."""
    found = []
    lowered = Counter(t.lower() for t in re.findall(r"\b[a-z][a-z]+\b", text))
    for sentence in split_sentences(text):
        raw = _TOKEN.findall(sentence.text)
        possessive = [bool(re.search(r"['’]s$", t)) for t in raw]
        tokens = [re.sub(r"['’]s$", "", t) for t in raw]
        # "I'm", "You've", "They'll": a pronoun with a contraction is never a name (#IM, #YouVe).
        tokens = [t.lower() if _CONTRACTION.search(t) or t in shouted else t for t in tokens]
        i = 0
        while i < len(tokens):
            if not _is_cap(tokens[i]) or not tokens[i][0].isalnum():
                i += 1
                continue
            j = i + 1
            while j < len(tokens) and not possessive[j - 1]:  # "Moscow's Red Square": two names
                if _is_cap(tokens[j]) and tokens[j][0].isalnum():
                    j += 1
                elif (RULES["truncations"] and tokens[j] == "." and j + 1 < len(tokens) and _is_initial(tokens[j - 1])
                      and j - 1 > i and _is_cap(tokens[j + 1]) and tokens[j + 1][0].isalpha()):
                    j += 1  # "Patrick W. Carlineo": a middle initial, not the end of the name
                elif ((tokens[j].lower() in CONNECTORS or (RULES["truncations"] and tokens[j].lower() in MORE_CONNECTORS))
                      and j + 1 < len(tokens) and _is_cap(tokens[j + 1])):
                    j += 2
                else:
                    break
            run = [t for t in tokens[i:j] if t != "."]
            start = i
            # Drop ordinary words at the edges: sentence-initial "The", "But", "Officials"...
            # but not the first word of a place ("New York", "South Africa": not "#York").
            while run and not (len(run) > 1 and (run[0].lower() in PLACE_FIRST or (_kept_acronym(run[0]) and not _shouted_context(raw, start)))) and (run[0].lower() in gz.NOT_NAMES or run[0].lower() in STOPWORDS or run[0].lower() in edge_words
                           or (start == 0 and len(run) == 1 and lowered[run[0].lower()] > 0)):
                run, start = run[1:], start + 1
            while len(run) > 1 and run[0].lower().rstrip(".") in gz.PERSON_TITLES:  # "President Trump" → "Trump"
                run, start = run[1:], start + 1
                while run and run[0].lower() in CONNECTORS:  # "Governor of Qeshm" → "Qeshm"
                    run, start = run[1:], start + 1
            while run and (run[-1].lower() in CONNECTORS or run[-1].lower() in gz.NOT_NAMES or run[-1].lower() in edge_words):
                run = run[:-1]
            if run and run[-1].lower() in nouns:
                run = []  # "Thüringer Unternehmen", "Zufuhr von Zink": a noun phrase
            cut_nouns = False
            while run and (run[0].lower() in nouns or run[0].lower() in CONNECTORS):  # "Trainer Murat Yakin"
                run, start, cut_nouns = run[1:], start + 1, run[0].lower() in nouns or cut_nouns
            if RULES["noun_phrases"] and cut_nouns and len(run) == 1 and re.search(r"\d", run[0]):
                run = []  # "eine Ducati V21L": a model number left of a noun is no name
            while len(run) > 1 and len(run[-1]) == 1:  # "Patrick W." cut at its initial
                run = run[:-1]
            if len(run) == 1 and run[0].lower().rstrip(".") in gz.PERSON_TITLES:
                run = []  # "General" left of "Attorney General"
            cut = _cut_descriptor(run)
            if cut and cut[-1] == run[-1]:  # cut at the front
                start += len(run) - len(cut)
            run = cut
            if RULES["truncations"] and all(w.lower().rstrip(".") in gz.PERSON_TITLES for w in run):
                run = []  # "General" left of "New York State Attorney General": a title, no name
            if run and not (len(run) == 1 and (len(run[0]) < 2 or run[0].isdigit())):
                before = tokens[start - 1].lower().rstrip(".") if start > 0 else None
                after = tokens[start + len(run)] if start + len(run) < len(tokens) else ""
                adjective = len(run) == 1 and after[:1].islower() and after.isalpha() and after not in STOPWORDS
                name = " ".join(t + "." if _is_initial(t) and n < len(run) - 1 else t for n, t in enumerate(run))
                found.append((name, sentence.index, before, start == 0 or not tokens[start - 1][0].isalnum(),
                              adjective))
            i = j
    return found


_SPEAKER = re.compile(r"((?:[A-Z][\w'’.-]*\s)*[A-Z][\w'’.-]*)(?:,[^,.]{0,60},)?\s+(?:said|says|told|added|wrote|argued|explained)\b")


def _speakers(text: str) -> set[str]:
    """Capitalised phrases right before 'said', 'told'... (and every tail of them)."""
    out = set()
    for match in _SPEAKER.finditer(text):
        words = match.group(1).split()
        out.update(" ".join(words[i:]) for i in range(len(words)))
    return out


def _type(name: str, befores: Counter, speakers: set[str]) -> str:
    low = name.lower()
    words = low.split()
    if low in gz.PLACES or low in gz.DEMONYMS or (len(words) > 1 and words[-1] in gz.PLACES):
        return "place"
    if words[-1] in gz.ORG_WORDS or words[0] in {"bank", "university", "ministry"} or (name.isupper() and len(name) <= 6):
        return "org"
    if words[-1] in gz.EVENT_WORDS:
        return "event"
    if words[-1] in PLACE_WORDS or (len(words) > 1 and words[0] in PLACE_FIRST):
        return "place"
    if any(b in gz.PERSON_TITLES for b in befores):
        return "person"
    if name in speakers:
        return "person" if 1 < len(words) <= 4 else "other"
    if any(b in {"in", "at", "from", "near", "across"} for b in befores) and len(words) == 1:
        return "place"
    return "person" if 2 <= len(words) <= 3 and all(w[:1].isalpha() for w in words) else "other"


def _title_case(title: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", title) if w.lower() not in STOPWORDS]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.8


NOUN_CAPITALISING = {"de", "lb"}  # languages that capitalise every noun


def entities(text: str, title: str = "", language: str = "") -> list[Entity]:
    """Named people, organisations, places and events, most mentioned first.

    For text in another language (`language` not "en"/""), other languages' function words
    are stripped from name edges and only names seen twice count: in German every noun is
    capitalised."""
    foreign = bool(language) and not language.lower().startswith("en")
    text = html.unescape(text or "")
    title = html.unescape(title or "")
    if _title_case(title):
        title = ""  # "Warren Jeffs Found Guilty on Sexual Assault Charges": every word looks like a name
    full = f"{title}.\n\n{text}" if title else text
    found: dict[str, Entity] = {}
    befores: dict[str, Counter] = defaultdict(Counter)
    initial_only: dict[str, bool] = {}
    adjective_uses: Counter = Counter()
    noun_capitalising = language.lower()[:2] in NOUN_CAPITALISING
    nouns = common_nouns(full) if noun_capitalising else set()
    edges = (gz.FOREIGN_FUNCTION_WORDS | DETERMINERS if noun_capitalising else gz.FOREIGN_FUNCTION_WORDS) if foreign \
        else frozenset()
    candidates = _candidates(full, edges, nouns, shouted_words(full))
    if RULES["sentence_openers"]:
        candidates = _strip_openers(candidates)
    for name, index, before, initial, adjective in candidates:
        low = name.lower()
        if low in gz.DEMONYMS:
            name = gz.DEMONYMS[low]
        k = key(name)
        if not k:
            continue
        entity = found.setdefault(k, Entity(name, "other"))
        entity.count += 1
        entity.first = min(entity.first, index)
        entity.variants[name] += 1
        initial_only[k] = initial_only.get(k, True) and initial
        adjective_uses[k] += adjective
        if before:
            befores[k][before] += 1
    lowered = set(re.findall(r"(?<![^\W_])[^\W\d_A-Z][^\W\d_]*", full))
    in_names = {w for e in found.values() for name in e.variants if " " in name for w in name.split()}
    for k in [k for k, e in found.items() if initial_only.get(k) and " " not in e.variants.most_common(1)[0][0]
              and e.variants.most_common(1)[0][0].lower() not in gz.PLACES
              and (e.count < 2 or e.variants.most_common(1)[0][0].lower().endswith("ly") or _opener(e.variants.most_common(1)[0][0], in_names)
                   or e.variants.most_common(1)[0][0].lower() in lowered)]:
        del found[k]  # a lone word seen only opening sentences: "Notably", "Officials", "Q: Favorite"
    # Words of a longer name in this text are surnames, not nationalities: "Erdoğan said".
    # (in_names: only one-word entities were deleted since, so the longer names are the same.)
    for k in [k for k, e in found.items() if adjective_uses[k] * 2 > e.count
              and re.search(r"(an|ian|ese|i|ish|ic|ch)$", k) and e.variants.most_common(1)[0][0].lower() not in gz.PLACES
              and e.variants.most_common(1)[0][0] not in in_names]:
        del found[k]  # "Somali pirates", "Thai navy": a nationality used as an adjective, not a name
    for k in [k for k, e in found.items() if _abbreviation(e.variants.most_common(1)[0][0], full)]:
        del found[k]  # "St.", "Nov.", "Rs.": an abbreviation, not a name
    if noun_capitalising and RULES["noun_phrases"]:  # before short forms fold in: "Samsung" is no "Samsung Strafzahlungen"
        found = {k: e for k, e in found.items()
                 if not _noun_phrase(e.variants.most_common(1)[0][0], full, nouns, lowered, initial_only.get(k, False))}
    if RULES["truncations"]:
        for k in [k for k, e in found.items() if _fragment(e.variants.most_common(1)[0][0], full, foreign)]:
            del found[k]  # "Rock" of "Rock and Roll Hall of Fame", "CD" of "CD&V", "Estado" of "fiscal general del Estado"
    if RULES["layout"]:
        for k in [k for k, e in found.items() if _layout_only(e.variants.most_common(1)[0][0], full)]:
            del found[k]  # "| DL |", "2 QH", "21,0 PPG", "Rs 24", "737 Max", "Charles III": no name of its own
    _fold_short_forms(found, befores)
    if foreign:
        found = {k: e for k, e in found.items() if e.count >= 2 and not e.variants.most_common(1)[0][0].isdigit()}
    if noun_capitalising:
        # Where every noun is capitalised, a lone capitalised word is a noun ("Kliniken",
        # "Zeit", sentence-initial "Er") unless something says it is a name.
        found = {k: e for k, e in found.items() if " " in e.variants.most_common(1)[0][0]
                 or _named(e.variants.most_common(1)[0][0], befores[k], full, e.count)}
    speakers = _speakers(full)
    for k, entity in found.items():
        entity.name = entity.variants.most_common(1)[0][0]
        entity.type = _type(entity.name, befores[k], speakers)
    return sorted(found.values(), key=lambda e: (-e.count, e.first))


_NOUN_ENDING = re.compile(r"(?:e|en|er|n|ung|heit|keit|schaft|ion|tät|ismus|nis|tum|ik|ie|ei|ment|ur|ling|chen)$")


def _named(word: str, befores: Counter, text: str, count: int = 0) -> bool:
    """Evidence that a lone capitalised word of German-like text is a name: a place we know,
    an acronym, a role or title before it ("Trainer Yakin", "US-Präsident Trump"), a verb of
    saying after it ("Voigt sagte"), or seen three times without the endings of German nouns
    ("Embolo", not "Kliniken", "Zeitung", "Theater"; twice let "Angst" and "an Bord" through)."""
    low = word.lower()
    if count >= 3 and not _NOUN_ENDING.search(low):
        return True
    if low in gz.PLACES or low in gz.PLACES_DE or (word.isupper() and 2 <= len(word) <= 6):
        return True
    if any(b in gz.PERSON_TITLES or _ROLE.search(b) for b in befores):
        return True
    return bool(re.search(rf"(?<![^\W_]){re.escape(word)},? (?:{_SPEECH_VERBS})\b", text))


_BOUND_BEFORE = re.compile(r"(?:[^\W\d_]&|(?<![^\W_])[^\W\d_a-z][^\W_]*\s+(?:am|of|de|del|du|des|für)\s+)$")
_BOUND_AFTER = re.compile(r"^&[^\W\d_]")


# "Securities and Exchange Commission", "Bureau of Engraving and Printing": a name joined by
# "and" to one lone capitalised word; "Rock and Roll Hall of Fame": a lone word joined to a name.
_AND_SINGLE_BEFORE = re.compile(r"(?:^|[^\w\s]\s*|(?<![^\W_])(?:[^\W\d_A-Z][^\W_]*|The|A|An)\s+)[^\W\d_a-z][^\W\d_]+\s+(?:and|&)\s+$")
_AND_SINGLE_AFTER = re.compile(r"^\s+(?:and|&)\s+[^\W\d_a-z][^\W\d_]+(?:$|\s*[^\w\s]|\s+[^\W\d_A-Z])")
_AND_PAIR_AFTER = re.compile(r"^\s+(?:and|&)\s+[^\W\d_a-z][^\W_]*\s+[^\W\d_a-z]")
_BOUND_FOREIGN = re.compile(r"(?<![^\W_])(?:de|del|du|des|della|di|do|da|dos|für)\s+$")


def _fragment(name: str, text: str, foreign: bool = False) -> bool:
    """A name that never stands free: every time it is joined by "and", "&" or "am" to another
    capitalised word ("Rock and Roll Hall of Fame", "Securities and Exchange Commission",
    "CD&V", "Braunau am Inn") or ends a phrase after "of", "de", "für" ("fiscal general del
    Estado", "mer de Chine du Sud"): a piece of a longer name."""
    if _is_place(name):
        return False
    uses = 0
    for match in re.finditer(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", text):
        uses += 1
        before = text[max(0, match.start() - 40):match.start()]
        after = text[match.end():match.end() + 40]
        if " " in name:
            joined = _AND_SINGLE_BEFORE.search(before) or _AND_SINGLE_AFTER.match(after)
        else:
            joined = _AND_PAIR_AFTER.match(after) or _AND_SINGLE_BEFORE.search(before) or after.startswith("- ")
        if not (joined or _BOUND_BEFORE.search(before) or (foreign and " " not in name and _BOUND_FOREIGN.search(before))
                or _BOUND_AFTER.match(text[match.end():match.end() + 20])):
            return False
    return uses > 0


_ROMAN = re.compile(r"[IVXLC]{2,}")
_MONEY = re.compile(r"(?:[A-Z]{1,3}|[$€£¥])\d[\d.,]*(?:bn|mn|tn|m|k)")
_NUMBER = re.compile(r"\d")


def _layout_only(name: str, text: str) -> bool:
    """A one-word name that is no name of its own: a roman numeral ("Charles III"), an amount
    ("R50bn"), or a word that half the time or more stands beside a number ("2 QH", "21,0 PPG",
    "Rs 24", "737 Max", "14th Century"), in a table row ("| DL | Larry Ogunjobi | 63 |") or in a
    shouted heading ("WHAT YOU NEED TO MAKE JAM"): a unit, a stat column, a label."""
    if " " in name:
        return False
    if _ROMAN.fullmatch(name) or _MONEY.fullmatch(name):
        return True
    uses = beside = 0
    for match in re.finditer(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", text):
        uses += 1
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        before = re.search(r"(\S+)\s*$", text[max(line_start, match.start() - 20):match.start()])
        after = re.match(r"\s*(\S+)", text[match.end():match.end() + 20])
        letters = re.findall(r"[^\W\d_]", line)
        if (line.lstrip().startswith("|") or (before and _NUMBER.match(before.group(1).lstrip("([")))
                or (after and _NUMBER.match(after.group(1)))
                or (len(line.split()) >= 3 and letters and all(c.isupper() for c in letters))):
            beside += 1
    return uses > 0 and beside * 2 >= uses


def _strip_openers(candidates: list[tuple]) -> list[tuple]:
    """A word seen alone only opening sentences and never inside a sentence is an ordinary
    word ("Además, ..."), also where it opens a run: "Además de García Ortiz" is García Ortiz,
    "Calendário Stock Car" is Stock Car."""
    inside = {w for name, _, _, initial, _ in candidates for w in name.split()[0 if not initial else 1:]}
    alone = {name for name, _, _, initial, _ in candidates if " " not in name and initial}
    openers = {w for w in alone - inside if not (w.isupper() and len(w) > 1) and w.lower() not in gz.PLACES
               and w.lower() not in gz.PLACES_DE and w.lower() not in gz.PERSON_TITLES}
    out = []
    for name, index, before, initial, adjective in candidates:
        words = name.split()
        if initial and len(words) > 1 and words[0] in openers:
            rest = words[1:]
            while rest and rest[0].lower() in CONNECTORS | MORE_CONNECTORS:
                rest = rest[1:]
            if rest:
                out.append((" ".join(rest), index, words[0].lower(), False, adjective))
            continue
        out.append((name, index, before, initial, adjective))
    return out


def _opener(word: str, name_words: set[str]) -> bool:
    """A word seen twice or more, but only opening sentences, that is no known place, no
    acronym and no word of a longer name in the text ("Maley said" after "Matt Maley"):
    "Kuthiwa", "Calendário", "Q: Favorite" are ordinary words there."""
    return (RULES["sentence_openers"] and not (word.isupper() and len(word) > 1) and word not in name_words
            and word.lower() not in gz.PLACES_DE)


def _is_place(word: str) -> bool:
    low = word.lower()
    return any(w in gz.PLACES or w in gz.PLACES_DE for w in (low, low[:-1] if low.endswith("s") else low))


def _noun_phrase(name: str, text: str, nouns: set[str], lowered: set[str], initial_only: bool = False) -> bool:
    """A run of capitalised words in German-like text that is a noun phrase, not a name: joined
    by a function word ("Nutzer von Samsung-Smartphones", "Sanktionen der EU"), holding a word
    the text also writes in lower case ("Meine Anzüge", "Strenge Regeln", "KI-gesteuerte
    Nutzer") or uses as a common noun, a place with a noun ("Iran Platz", "Irans Justiz";
    "MSV Duisburg" and "VG Frankfurt" stay), or a name with a noun that never stands alone
    ("Samsung Strafzahlungen": "Samsung" is said alone more often than the pair)."""
    words = name.split()
    if len(words) < 2:
        return False
    parts = [p for w in words for p in w.split("-")]
    if any(w.lower() in CONNECTORS or w.lower() in DETERMINERS for w in words[1:-1]):
        return True
    if any(p.lower() in lowered or p.lower() in nouns for p in parts):
        return True
    stem_ = re.match(r"(.{3,}?)(?:e|en|er|es|em)$", words[0].lower())
    if stem_ and len(re.findall(rf"(?<![^\W_]){re.escape(stem_.group(1))}(?:e|en|er|es|em)?(?![^\W_])", text, re.I)) > \
            len(re.findall(rf"(?<![^\W_]){re.escape(words[0])}(?![^\W_])", text)):
        return True  # "Strenge Regeln" beside "strengen", "Französisches Recht" beside "französische": an adjective
    if initial_only and _ADJECTIVE.match(words[0]) and _NOUN_ENDING.search(words[-1].lower()):
        return True  # "Strenge Regeln durch EU-Gesetz": an adjective opening a heading, then a noun
    places = [w for w in words if _is_place(w)]
    if places and any(w not in places and not w.isupper() for w in words):
        return True

    def alone(word: str) -> int:
        return len(re.findall(rf"(?<![^\W_-]){re.escape(word)}(?![^\W_-])", text))
    whole = len(re.findall(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", text))
    return alone(words[-1]) <= whole and alone(words[0]) - whole >= whole


def _abbreviation(name: str, text: str) -> bool:
    """A short capitalised word that the text always follows with a full stop ("St. Paul",
    "Nov. 5", "Rs. 400"): an abbreviation. All-capital words and longer names are left alone."""
    if not (2 <= len(name) <= 3 and name.isalpha() and not name.isupper()):
        return False
    uses = re.findall(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])(\.?)", text)
    return bool(uses) and all(uses)


def _fold_short_forms(found: dict[str, Entity], befores: dict[str, Counter]) -> None:
    """'Putin' after 'Vladimir Putin', 'Kim' after 'Kim Jong-un': count them as the full name."""
    multi = [(k, e) for k, e in found.items() if " " in e.variants.most_common(1)[0][0]]
    for k, entity in list(found.items()):
        name = entity.variants.most_common(1)[0][0]
        if " " in name or name.isupper():
            continue
        owners = [(mk, me) for mk, me in multi if name in me.variants.most_common(1)[0][0].split()
                  and me.variants.most_common(1)[0][0].split()[0] not in gz.PERSON_TITLES]
        if len(owners) == 1 or (owners and owners[0][1].count > 2 * sum(o.count for _, o in owners[1:])):
            mk, me = max(owners, key=lambda o: o[1].count)
            me.count += entity.count
            me.first = min(me.first, entity.first)
            befores[mk].update(befores.pop(k, Counter()))
            del found[k]


def _camel(tag: str) -> list[str]:
    """'ManchesterCity' → ['Manchester', 'City']; 'MSVDuisburg' → ['MSV', 'Duisburg']; 'A350' one word."""
    return re.findall(r"[^\W\d_a-z]{2,}s(?![^\W\d_A-Z])|[^\W\d_a-z]*[\d]+[^\W_]*|[^\W\d_a-z]+(?![^\W\d_A-Z])|[^\W\d_a-z]?[^\W\d_A-Z]+", tag) or [tag]


def _short_of(short: str, long: str) -> bool:
    """Is tag `short` a short form of tag `long` on the same page: its initials ('US' of
    'UnitedStates', 'CB' of 'ClevelandBrowns'), its words cut ('ManCity' of 'ManchesterCity'),
    or its first or last words ('MSV' of 'MSVDuisburg', 'A350' of 'AirbusA350900')?"""
    s_words, l_words = _camel(short), _camel(long)
    if len(s_words) > len(l_words) or short == long:
        return False
    bare = short[:-1] if short.endswith("s") else short  # "ICUs" of "IntensiveCareUnits"
    if bare.isupper() and len(bare) > 1 and bare == "".join(w[0] for w in l_words).upper():
        return True
    if len(s_words) == len(l_words) and all(lw.lower().startswith(sw.lower()) for sw, lw in zip(s_words, l_words)):
        return True
    s_low, l_low = [w.lower() for w in s_words], [w.lower() for w in l_words]
    n = len(s_low)
    return (l_low[:n] == s_low or l_low[-n:] == s_low
            or (n == 1 and any(lw.startswith(s_low[0]) and not lw[len(s_low[0]):].isalpha() for lw in l_low)))


def _one_of(a: str, b: str) -> str | None:
    """The tag to keep of two that name one thing, or None when they are two things. The long
    form is kept, but not a plural ('ICUs' beside 'ICU') nor a place before the name ('UKTories')."""
    for short, long in ((a, b), (b, a)):
        if not _short_of(short, long):
            continue
        rest = long[:len(long) - len(short)] if long.endswith(short) else ""
        if long.lower() == short.lower() + "s" or (rest and key(rest) in {key(p) for p in gz.PLACES} | {"uk", "us"}):
            return short
        return long
    return None


def keyphrases(text: str, title: str = "", limit: int = 20, found: list[Entity] | None = None) -> list[tuple[str, float]]:
    """Names and lower-case content-word n-grams (1–3 words), best first, with their scores.

    Names come whole from `entities` ("North Korea", never "North" and "Korea"); other
    phrases are runs of non-stop words scored by frequency, an early-position boost and
    a bonus for words shared with the title.
    """
    text = html.unescape(text or "")
    title = html.unescape(title or "")
    found = entities(text, title) if found is None else found
    sentences = split_sentences(text)
    title_stems = {stem(w) for w in re.findall(r"[A-Za-z0-9][\w'-]*", title.lower())}
    scores: Counter = Counter()
    surface: dict[str, Counter] = defaultdict(Counter)
    units = [(title, -1)] if title else []
    units += [(s.text, s.index) for s in sentences]
    for sentence_text, index in units:
        position = 2.0 if index < 0 else 1.0 + 1.0 / (1.0 + index / 3.0)
        tokens = re.findall(r"[^\W_][\w'’-]*", sentence_text)
        # Each token looked at once (not once per n-gram it is in): None where no n-gram may hold it.
        stems = [None if t[:1].isupper() or low in STOPWORDS or len(low) < 3 or low.isdigit() else stem(low)
                 for t, low in ((t, t.lower()) for t in tokens)]
        for size in (1, 2, 3):
            for i in range(len(tokens) - size + 1):
                gram_stems = stems[i:i + size]
                if None in gram_stems:
                    continue
                k = " ".join(gram_stems)
                scores[k] += position * (1.0 + 0.5 * (size - 1))
                surface[k][" ".join(tokens[i:i + size])] += 1
    ranked = []
    for k, score in scores.items():
        bonus = 1.5 if any(w in title_stems for w in k.split()) else 1.0
        once = 0.6 if sum(surface[k].values()) == 1 else 1.0
        ranked.append((surface[k].most_common(1)[0][0], score * bonus * once))
    for entity in found:
        position = 1.0 + 1.0 / (1.0 + max(entity.first, 0) / 3.0)
        ranked.append((entity.name, 1.6 * entity.count * position * (1.5 if key(entity.name) in key(title) else 1.0)))
    ranked.sort(key=lambda item: -item[1])
    out, seen = [], []
    for form, score in ranked:
        k = " ".join(stem(w) for w in form.lower().split())
        padded = f" {k} "
        if any(padded in other or other in padded for other in seen):
            continue  # 'talks' beside 'peace talks': keep the better-ranked one
        seen.append(padded)
        out.append((form, round(math.log1p(score), 3)))
        if len(out) >= limit:
            break
    return out


def hashtags(text: str, title: str = "", found: list[Entity] | None = None, limit: int = MAX_TAGS,
             language: str = "") -> list[str]:
    """3–8 tags: the most mentioned names, then keyphrases (English only); variants folded."""
    found = entities(text, title, language) if found is None else found
    english = not language or language.lower().startswith("en")
    tags: list[str] = []
    keys: set[str] = set()

    def add(name: str) -> None:
        if len(name.split()) > 4 or len(name) > 32 or name.replace(" ", "").isdigit():
            return  # "Fundamentalist Church of Jesus Christ of Latter Day Saints" makes a poor hashtag
        if all(w in gz.GENERIC_WORDS or w in STOPWORDS for w in name.lower().split()):
            return  # "Follow" opening two sentences, "next week": words, not a topic
        tag = hashtag(name)
        k = key(tag)
        if not (tag and k) or k in keys or any(k in other or other in k for other in keys if len(k) > 4):
            return
        if RULES["short_forms"]:
            for i, other in enumerate(tags):
                kept = _one_of(tag, other)
                if kept == other:
                    return  # "#ManCity" after "#ManchesterCity": the same club
                if kept == tag:
                    keys.discard(key(other))
                    keys.add(k)
                    tags[i] = tag  # the long form takes the short one's place
                    return
        keys.add(k)
        tags.append(tag)

    for entity in found:
        if entity.count >= 2 or entity.first <= 1:
            add(entity.name)
        if len(tags) >= min(limit, 5):
            break
    both = f"{title}\n{text}"
    title_words = {key(w) for w in re.findall(r"[^\W_][\w'’-]*", title)}
    for phrase, _ in keyphrases(text, title, limit=20, found=found) if english else []:
        if len(tags) >= limit:
            break
        if not phrase[:1].isupper() and (len(tags) >= MIN_TAGS or len(phrase.split()) > 2):
            continue  # topic words only for want of names (#MissingPerson, #CloseContact were junk)
        if not phrase[:1].isupper() and " " not in phrase and (
                phrase.lower() in gz.GENERIC_WORDS or _VERB_FORM.search(phrase) or key(phrase) not in title_words
                or len(re.findall(rf"\b{re.escape(phrase)}\b", both, re.I)) < MIN_TOPIC_COUNT):
            continue  # a lone topic word only for want of names, salient, in the headline: no #Percent, #Follow, #Died
        add(phrase)
    return tags[:limit]
