"""A reader's query as plain terms: no search syntax reaches the database.

FTS5 and tsquery both have operators (quotes, AND/OR/NOT, NEAR, `*`, `^`, parentheses,
`:`, `&`, `|`, `!`, `<->`). A reader types words, so each whitespace-separated word is
taken literally: for FTS5 it is quoted as a phrase (a hyphenated "covid-19" stays one
phrase), for PostgreSQL it goes through phraseto_tsquery. A word without a letter or digit
("*", "—", a lone combining mark) is dropped, and so are words past MAX_TERMS.
"""

from __future__ import annotations

import unicodedata

MAX_CHARS = 300
MAX_TERMS = 12


def words(query: str) -> list[str]:
    """The words searched for, in order, without repeats (NFKC-normalised, case kept)."""
    text = unicodedata.normalize("NFKC", query)
    found: list[str] = []
    for word in text.split():
        word = "".join(ch for ch in word if unicodedata.category(ch)[0] != "C")  # controls, format marks, surrogates
        if any(ch.isalnum() for ch in word) and word.casefold() not in {w.casefold() for w in found}:
            found.append(word)
    return found[:MAX_TERMS]


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression requiring every term, each quoted ("" escapes a quote)."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
