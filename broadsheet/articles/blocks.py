"""An article's body as labelled blocks (made by extract/structure.py, stored in Article.blocks),
read back by the page and the API. Rows stored before blocks existed have none: their plain
body stands in, one paragraph a "p"."""

from __future__ import annotations

TYPES = frozenset({"p", "h2", "h3", "li", "quote", "entry"})


def readable(blocks: object) -> list[dict]:
    """The stored blocks when every one reads as a block; [] otherwise (never half a body)."""
    if not isinstance(blocks, list):
        return []
    good = [b for b in blocks if isinstance(b, dict) and b.get("type") in TYPES and isinstance(b.get("text", ""), str)]
    return good if len(good) == len(blocks) else []


def of(article) -> list[dict]:
    """The article's blocks, or its paragraphs as "p" blocks."""
    return readable(article.blocks) or [{"type": "p", "text": p} for p in article.paragraphs]
