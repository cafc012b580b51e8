"""Hashtag junk rate on a crawl of real pages: extraction-dev, extracted by us, tagged by us.

    .venv/bin/python bench/tag_junk.py [--show N] [--unjudged] [--ablate]

Every tag shown on an article is judged JUNK or OK. A tag is junk when a reader would not
follow it as an entity or a topic. Precisely, a tag is junk when it is:
- a contraction or pronoun fragment ("#IM", "#YouVe"), judged automatically;
- a duplicate: another tag on the same article names the same thing ("#Trump" beside
  "#DonaldTrump", "#York" beside "#NewYork"), judged automatically (its key is a whole-word
  part of another tag's words);
- truncated: the name stands in the text only as part of a longer name ("#York" where the
  text always says "New York"; a name cut at a letter such as "Erdoğa"), judged automatically
  (no whole-word occurrence of the tag, or every one inside a longer capitalised run);
- a number, a date or a single letter, judged automatically;
- or, by our hand-labelled list (bench/tag_judgements.tsv, tag strings with ok/junk and a
  reason, no page text): a generic word ("#Percent", "#Follow"), a headline or sentence
  fragment ("#KillsTen", a verb phrase), page furniture ("#ReadMore", a site's own name on
  its own pages), or a common word capitalised at a sentence start.
A tag no rule and no label judges is UNJUDGED: printed (--unjudged) so it can be labelled,
and left out of the rate, whose denominator is the judged tags.

The pages are split by publisher group into the tuning and the confirmation half of
bench/extraction.py; the rate, its baseline (the tags of `main` are the baseline when run
there: this bench prints absolute rates, docs/benchmarks.md keeps the before/after pair)
and the worst pages are printed per half.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

JUDGEMENTS = ROOT / "bench" / "tag_judgements.tsv"
GOAL = 0.05
_PRONOUN_CONTRACTION = re.compile(r"^(I|You|We|They|He|She|It|That|There|Who|What)(M|Ve|Re|Ll|D|S|T)$", re.I)
_TITLES = {"herr", "frau", "madame", "monsieur", "der", "die", "das", "the", "le", "la", "el"}


def _fold_char(c: str) -> str:
    base = [x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)]
    out = base[0].lower() if len(base) == 1 else c.lower()
    return out if len(out) == 1 else c


def fold(text: str) -> str:
    """Accents and case off, one character for one: offsets into the folded text hold in the original."""
    return "".join(_fold_char(c) for c in text)


def camel_words(tag: str) -> list[str]:
    """'DonaldTrump' → ['Donald', 'Trump']; 'ВладимирПутин' → two words; 'NATOSummit' → ['NATO', 'Summit']."""
    words: list[str] = []
    for i, c in enumerate(tag):
        nxt = tag[i + 1] if i + 1 < len(tag) else ""
        starts = c.isupper() and (i == 0 or not tag[i - 1].isupper() or nxt.islower())
        if not words or starts or (c.isdigit() and not tag[i - 1].isdigit()):
            words.append(c)
        else:
            words[-1] += c
    return words


def load_judgements(path: Path = JUDGEMENTS) -> dict[str, tuple[str, str]]:
    out = {}
    if path.exists():
        for row in csv.reader(path.open(encoding="utf-8"), delimiter="\t"):
            if row and not row[0].startswith("#"):
                out[row[0]] = (row[1], row[2] if len(row) > 2 else "")
    return out


_SEP = r"[\s\-'’.·]*"


def _occurrences(tag: str, text: str) -> list[tuple[str, str]]:
    """(word before, word after) of each whole-word occurrence of the tag's letters in the
    text, accents and case ignored, with spaces, hyphens, apostrophes or dots anywhere between
    them ('#NewDelhi' matches 'NEW DELHI', '#US' 'U.S.', '#AirbusA350900' 'Airbus A350-900')."""
    pattern = r"(?<![^\W_])" + _SEP.join(re.escape(c) for c in fold(tag)) + r"(?![^\W_])"
    out = []
    for m in re.finditer(pattern, fold(text)):
        # Neighbours from the original text (fold keeps offsets), where capitalisation matters.
        before = re.search(r"([^\W_]+)[ \t]+$", text[max(0, m.start() - 40):m.start()])
        after = re.match(r"[ \t]+([^\W_]+)", text[m.end():m.end() + 40])
        out.append((before.group(1) if before else "", after.group(1) if after else ""))
    return out


def _from_demonym(tag: str, text: str) -> bool:
    """'Russian' in the text becomes #Russia (tags.entities maps demonyms to places)."""
    from broadsheet.enrich.gazetteer import DEMONYMS

    folded = fold(text)
    return any(fold(place.replace(" ", "")) == fold(tag) and re.search(rf"(?<![^\W_]){adjective}(?![^\W_])", folded)
               for adjective, place in DEMONYMS.items())


def auto_judge(tag: str, others: list[str], title: str, body: str, language: str = "") -> str | None:
    """The reason a tag is junk by a structural check, or None. In German-like text (every
    noun capitalised) a capitalised neighbour says nothing: "inside a longer name" is left
    to the labels there."""
    words = camel_words(tag)
    text = unicodedata.normalize("NFC", f"{title}\n{body}")
    contraction = _PRONOUN_CONTRACTION.match(tag)
    if contraction and re.search(r"(?<![^\W_])" + "['’]".join(contraction.groups()) + r"(?![^\W_])", text, re.I):
        return "contraction"
    if tag.isdigit() or len(tag) < 2 or re.fullmatch(r"\d+[A-Za-z]{0,2}", tag):
        return "number"
    for other in others:
        if other == tag:
            continue
        other_words = [fold(w) for w in camel_words(other)]
        initials = "".join(w[0] for w in camel_words(other) if w[:1].isupper())
        acronym = tag.isupper() and len(tag) > 1 and tag == initials  # #US beside #UnitedStates
        inside = len(words) > 1 and fold("".join(words)) in fold(other) and len(other) > len(tag)
        if acronym or fold(tag) in other_words or inside:
            return f"duplicate of #{other}"
    found = _occurrences(tag, text)
    if not found:
        return None if _from_demonym(tag, text) else "truncated or not in text"
    if not language.startswith(("de", "lb")) and all(_name_word(b) or _name_word(a) for b, a in found):
        return "truncated (always inside a longer name)"
    return None


def _name_word(word: str) -> bool:
    """A capitalised neighbour that would make a longer name (not a title, weekday or month)."""
    from broadsheet.enrich.gazetteer import DEMONYMS, NOT_NAMES, PERSON_TITLES, PLACES

    low = word.lower()
    return (word[:1].isupper() and low not in _TITLES and low not in PERSON_TITLES and low not in NOT_NAMES
            and low not in PLACES and low not in DEMONYMS)


def extract_pages(rows: list[dict]) -> list[dict]:
    from broadsheet.extract import ExtractError, extract

    pages = []
    for row in rows:
        try:
            doc = extract(row["html_bytes"], row["url"])
        except ExtractError:
            continue
        pages.append({"id": row["id"], "title": doc.title, "body": doc.body, "language": doc.language})
    return pages


def tag_page(page: dict) -> list[str]:
    """The tags the pipeline shows (enrich.pipeline.compute), without the database step."""
    from broadsheet.enrich import tags

    found = tags.entities(page["body"], page["title"], page["language"])
    return tags.hashtags(page["body"], page["title"], found=found, language=page["language"])


def judge_all(pages: list[dict], labels: dict[str, tuple[str, str]]) -> list[dict]:
    out = []
    for page in pages:
        shown = page["tags"]
        for tag in shown:
            reason = auto_judge(tag, shown, page["title"], page["body"], page["language"] or "")
            if reason:
                verdict = "junk"
            elif tag in labels:
                verdict, reason = labels[tag]
            else:
                verdict, reason = "unjudged", ""
            out.append({"page": page["id"], "tag": tag, "verdict": verdict, "reason": reason, "half": page["half"],
                        "english": (page["language"] or "en").startswith("en")})
    return out


def rates(judged: list[dict]) -> dict[str, tuple[float, int, int]]:
    """(junk rate, tags shown, unjudged) per half."""
    out = {}
    for half in {j["half"] for j in judged}:
        counts = Counter(j["verdict"] for j in judged if j["half"] == half)
        rated = counts["junk"] + counts["ok"]
        out[half] = (counts["junk"] / rated if rated else 0.0, sum(counts.values()), counts["unjudged"])
    return out


def ablate(pages: list[dict]) -> None:
    """The junk rate with each rule of tags.RULES taken out (the rest in): a rule earns its
    place by lowering the rate on both halves. Tags only an ablated tagger shows and no label
    judges are left out of its rate and counted."""
    import extraction
    from broadsheet.enrich import tags

    labels = load_judgements()
    print("\n== ablation: junk rate (tags shown, unjudged) with one rule taken out")
    print(f"  {'taken out':22}" + "".join(f"{half:>28}" for half in extraction.HALVES))
    for rule in (None, *tags.RULES):
        saved = dict(tags.RULES)
        if rule:
            tags.RULES[rule] = False
        try:
            shown = [dict(page, tags=tag_page(page)) for page in pages]
        finally:
            tags.RULES.update(saved)
        judged = judge_all(shown, labels)
        by_half = rates(judged)
        missing = sorted({j["tag"] for j in judged if j["verdict"] == "unjudged"})
        print(f"  {rule or '(nothing: all rules)':22}" + "".join(
            f"{by_half[h][0]:>14.4f} ({by_half[h][1]:3d}, {by_half[h][2]:2d})        " for h in extraction.HALVES)
              + (f"  unjudged: {', '.join(missing)}" if missing else ""))


def main(argv: list[str] | None = None) -> int:
    import django

    django.setup()
    import extraction

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=12, help="junk examples printed per half")
    parser.add_argument("--unjudged", action="store_true", help="print every unjudged tag (to label)")
    parser.add_argument("--ablate", action="store_true",
                        help="also rate the tagger with each of tags.RULES taken out, one at a time")
    args = parser.parse_args(argv)
    if not extraction.DATA.exists():
        sys.exit(f"missing {extraction.DATA}: the benchmark needs ../shared/data beside the checkout")
    rows = extraction.load(extraction.DATA)
    side = extraction.halves(rows)
    pages = extract_pages(rows)
    for page in pages:
        page["half"] = side[page["id"]]
        page["tags"] = tag_page(page)
    judged = judge_all(pages, load_judgements())
    failed = False
    for half in (None, *extraction.HALVES):
        subset = [j for j in judged if half is None or j["half"] == half]
        counts = Counter(j["verdict"] for j in subset)
        rated = counts["junk"] + counts["ok"]
        rate = counts["junk"] / rated if rated else 0.0
        n_pages = len({j["page"] for j in subset})
        print(f"\n== {half or 'all pages'}: {n_pages} pages with tags, {len(subset)} tags "
              f"({len(subset) / max(n_pages, 1):.1f} per page), junk {counts['junk']}, ok {counts['ok']}, "
              f"unjudged {counts['unjudged']}")
        print(f"  junk rate {rate:.4f}  goal < {GOAL}: {'MET' if rate < GOAL else 'NOT MET'}")
        for english in (True, False):
            part = Counter(j["verdict"] for j in subset if j["english"] == english)
            print(f"    {'English' if english else 'other languages'}: {part['junk']} junk of "
                  f"{part['junk'] + part['ok']} ({part['junk'] / max(part['junk'] + part['ok'], 1):.4f})")
        reasons = Counter(j["reason"].split(" of #")[0] for j in subset if j["verdict"] == "junk")
        print("  by reason: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
        if half:
            failed |= rate >= GOAL and half == "confirmation"
            per_page = Counter(j["page"] for j in subset if j["verdict"] == "junk")
            print("  worst pages: " + ", ".join(f"{p} ({n})" for p, n in per_page.most_common(5)))
            for j in [j for j in subset if j["verdict"] == "junk"][:args.show]:
                print(f"    #{j['tag']:28} {j['reason']:40} {j['page']}")
    if args.ablate:
        ablate(pages)
    unjudged = sorted({j["tag"] for j in judged if j["verdict"] == "unjudged"})
    if args.unjudged:
        print("\nunjudged tags:")
        by_tag = defaultdict(list)
        for j in judged:
            by_tag[j["tag"]].append(j["page"])
        for tag in unjudged:
            print(f"{tag}\t{by_tag[tag][0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
