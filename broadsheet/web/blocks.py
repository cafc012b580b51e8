"""An article's blocks (extract/structure.py) -> the parts the article page draws.

Consecutive list items become one list; live-blog entries gather the blocks that follow them;
a long body or a long live blog folds into native <details> (no script: the CSP holds). Rows
stored before blocks existed (or with blocks that do not read) are drawn from the plain body.
Texts stay plain strings: the template escapes them, no publisher markup reaches the page.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from broadsheet.articles import blocks as article_blocks

# A body longer than this many parts (a live blog runs to hundreds of entries) shows its first
# FOLD_SHOWN and folds the rest.
FOLD_OVER = 40
FOLD_SHOWN = 12
LIVE_OPEN = 3  # live-blog entries shown open; the rest fold, each its own <details>


def layout(article) -> dict:
    """{"parts", "rest", "total"} for an article, plus {"entries", "folded"} for a live blog."""
    items = article_blocks.of(article)
    intro: list[dict] = []
    entries: list[dict] = []
    for block in items:
        if block["type"] == "entry":
            entries.append({"time": _when(block.get("time")), "heading": block.get("text", ""), "parts": []})
        elif entries:
            entries[-1]["parts"].append({**block, "type": "h3"} if block["type"] == "h2" else block)
        else:
            intro.append(block)
    parts = group(intro)
    for entry in entries:
        entry["parts"] = group(entry["parts"])
        first = entry["parts"][0] if entry["parts"] else {}
        entry["lead"] = first.get("text") or " ".join(first.get("items", []))  # what a folded entry shows without a heading
    if entries or len(parts) <= FOLD_OVER:
        shown, rest = parts, []
    else:
        shown, rest = parts[:FOLD_SHOWN], parts[FOLD_SHOWN:]
    return {"parts": shown, "rest": rest, "total": len(parts),
            "entries": entries[:LIVE_OPEN], "folded": entries[LIVE_OPEN:]}


def group(blocks: list[dict]) -> list[dict]:
    """Consecutive list items of one kind -> {"type": "list", "ordered", "items"}."""
    out: list[dict] = []
    for block in blocks:
        if block["type"] == "li":
            ordered = bool(block.get("ordered"))
            if out and out[-1]["type"] == "list" and out[-1]["ordered"] == ordered:
                out[-1]["items"].append(block["text"])
            else:
                out.append({"type": "list", "ordered": ordered, "items": [block["text"]]})
        elif block.get("text", "").strip():
            out.append({"type": block["type"], "text": block["text"]})
    return out


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if timezone.is_aware(when) else timezone.make_aware(when, timezone.utc)
