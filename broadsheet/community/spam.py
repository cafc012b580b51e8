"""Spam score from a few explainable signals.

Each signal adds points and a reason a moderator can read in the queue. A comment whose
score reaches CommunitySettings.spam_threshold (3 by default) waits for review instead
of appearing. Weights:

  new account (under a day old) ............ 1
  one or two links .......................... 1
  three or more links ....................... 3
  blocklisted word, phrase or host .......... 3 (each term, so one hit queues by default)
  repeats one of the author's recent comments 3
  mostly capitals / a character flood ....... 1 each
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

LINK_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
FLOOD_RE = re.compile(r"(.)\1{11,}")
NEW_ACCOUNT = timedelta(days=1)
REPEAT_WINDOW = timedelta(days=7)


@dataclass
class Verdict:
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(f"+{points} {reason}")


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def hosts(text: str) -> list[str]:
    found = []
    for link in LINK_RE.findall(text):
        url = link if "://" in link else "http://" + link
        host = (urlsplit(url).hostname or "").lower()
        if host:
            found.append(host)
    return found


def blocked_terms_in(text: str, terms: list[str]) -> list[str]:
    lowered = text.lower()
    words = set(re.findall(r"\w+", lowered))
    link_hosts = hosts(text)
    hits = []
    for term in terms:
        if " " in term or not term.isalnum():
            # a phrase or a host: plain substring, and host suffix match for links
            if term in lowered or any(h == term or h.endswith("." + term) for h in link_hosts):
                hits.append(term)
        elif term in words:
            hits.append(term)
    return hits


def score(text: str, author, policy, recent_bodies: list[str] | None = None) -> Verdict:
    verdict = Verdict()
    joined = getattr(author, "date_joined", None)
    if joined and timezone.now() - joined < NEW_ACCOUNT:
        verdict.add(1, "new account (under a day old)")
    links = len(LINK_RE.findall(text))
    if links >= 3:
        verdict.add(3, f"{links} links")
    elif links:
        verdict.add(1, f"{links} link{'s' if links > 1 else ''}")
    for term in blocked_terms_in(text, policy.blocked_terms):
        verdict.add(3, f"blocklisted: {term}")
    norm = normalise(text)
    if norm and any(normalise(body) == norm for body in recent_bodies or []):
        verdict.add(3, "repeats an earlier comment")
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        verdict.add(1, "mostly capitals")
    if FLOOD_RE.search(text):
        verdict.add(1, "a character repeated many times")
    return verdict


def recent_bodies_of(author, exclude_pk: int | None = None) -> list[str]:
    from broadsheet.community.models import Comment

    rows = Comment.objects.filter(author=author, created__gte=timezone.now() - REPEAT_WINDOW)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.exclude(status=Comment.Status.DELETED).values_list("body", flat=True)[:50])
