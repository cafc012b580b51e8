"""Small fixture pages written for these tests (no publisher's text)."""

from __future__ import annotations

import json

STORY = [
    "The city council voted on Tuesday to rebuild the old river bridge, ending a debate that had lasted for almost ten years and divided the town.",
    "Engineers said the new structure would carry twice as much traffic and would be designed to survive the floods that closed the crossing twice last winter.",
    "Residents who spoke at the meeting were mostly in favour, although several shop owners worried about the eighteen months of construction work ahead.",
    "The mayor promised that a temporary footbridge would keep the market street open and that the work would stop during the summer festival.",
]


def page(
    *paragraphs: str,
    title: str = "Council votes to rebuild the river bridge",
    head: str = "",
    before: str = "",
    after: str = "",
    ld: dict | None = None,
    lang: str = "en",
) -> str:
    """A plausible news page: head metadata, an <article> with the paragraphs, and extra
    markup before/after the paragraphs inside the article."""
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or STORY))
    ld_block = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}{ld_block}</head>'
        f'<body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>'
        f"<main><article><h1>{title}</h1>{before}{body}{after}</article></main>"
        f'<footer><p>Contact us</p></footer></body></html>'
    )


# A story with the structure a reader sees: subheads, a bulleted and a numbered list, a quote.
STRUCTURED = {
    "intro": STORY[0],
    "subhead": "What the new bridge will carry",
    "after_subhead": STORY[1],
    "bullets": ["Two lanes for cars and buses in each direction", "A protected cycle path on the river side",
                "A footpath wide enough for the Saturday market crowds"],
    "middle": STORY[2],
    "steps": ["Demolition of the old deck begins in March", "The new pillars are cast over the summer",
              "The bridge opens to traffic a year later"],
    "quote": "We have waited ten years for this decision, and the town will finally be joined together again.",
    "subhead2": "Worries in the market street",
    "end": STORY[3],
}


def structured_page() -> str:
    s = STRUCTURED
    bullets = "".join(f"<li>{item}</li>" for item in s["bullets"])
    steps = "".join(f"<li>{item}</li>" for item in s["steps"])
    return page(s["intro"], after=(
        f"<h2>{s['subhead']}</h2><p>{s['after_subhead']}</p><ul>{bullets}</ul><p>{s['middle']}</p>"
        f"<ol>{steps}</ol><blockquote><p>{s['quote']}</p></blockquote><h2>{s['subhead2']}</h2><p>{s['end']}</p>"))


# A live blog: a summary, then timed entries (newest first), each a box with a <time>, most with a heading.
LIVE_ENTRIES = [
    ("2024-05-14T16:40:00+00:00", "16:40 BST", "Council approves the rebuild",
     ["The vote passed by twenty-one votes to six after a debate that ran for almost four hours in the main chamber.",
      "The mayor thanked residents for their patience and said the first contracts would be signed within weeks."]),
    ("2024-05-14T15:55:00+00:00", "15:55 BST", "Shop owners ask for a footbridge",
     ["Several traders from the market street spoke during the public session and asked for a temporary crossing."]),
    ("2024-05-14T15:10:00+00:00", "15:10 BST", "",
     ["The chief engineer presented the flood study, which found the old pillars would not survive another winter."]),
    ("2024-05-14T14:30:00+00:00", "14:30 BST", "Debate opens in the chamber",
     ["Councillors began the session with a minute of silence for a former mayor who died last week at ninety-one.",
      "The chair then opened the debate on the bridge, the only item on the agenda for the afternoon session."]),
]
LIVE_SUMMARY = "Follow the council's vote on the river bridge as it happens, with reports from the chamber and the market street."


def live_blog_page() -> str:
    entries = "".join(
        f'<article class="live-post"><header><time datetime="{when}">{shown}</time>'
        + (f"<h2>{heading}</h2>" if heading else "") + "</header>"
        + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
        for when, shown, heading, paragraphs in LIVE_ENTRIES)
    return page(LIVE_SUMMARY, title="Live: council votes on the river bridge",
                after=f'<div class="live-feed">{entries}</div>')
