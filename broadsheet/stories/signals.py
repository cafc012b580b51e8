"""Cheap lexical signals of an article: names and numbers in its opening words.

Two reports of one event share the names of people, places and organisations and the
figures (death tolls, magnitudes, amounts); two look-alike events (two earthquakes on one
island, two pirate attacks in one gulf) share the topic words but usually not the
figures. These sets sharpen the sentence-embedding similarity where it is weakest.
"""

from __future__ import annotations

import re

# Capitalised words and runs of them ("Gulf of Aden", "INS Sukanya").
_CAPS = re.compile(r"\b[A-Z][\w'’\-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'’\-]*)*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
# Capitalised for grammar or calendar, not because they name something.
_NOT_NAMES = frozenset(
    "the a an in on at of and or but for to with from by as is was are were be it its this that these those "
    "he she they we i you his her their our after before when while new said says mr ms mrs dr "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december".split()
)
LEAD_WORDS = 250


def signals(title: str, text: str, words: int = LEAD_WORDS) -> dict[str, list[str]]:
    """{"e": names (lower case), "n": numbers} found in the title and the first words."""
    opening = " ".join(f"{title}. {text}".split()[:words])
    names: set[str] = set()
    for match in _CAPS.finditer(opening):
        for word in match.group(0).split():
            word = word.lower().strip("'’-")
            if len(word) > 1 and word not in _NOT_NAMES:
                names.add(word)
    numbers = {n.strip(".,") for n in _NUMBER.findall(opening)}
    return {"e": sorted(names), "n": sorted(numbers)}


def overlap(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Jaccard |a ∩ b| / |a ∪ b|: names or figures on one side only count against a match
    (on look-alike event pairs it separated better than the overlap coefficient)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
