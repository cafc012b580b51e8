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
