from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

import trafilatura
from htmldate import find_date


class ExtractError(ValueError):
    """The page cannot be turned into an article (not HTML, empty, no body)."""


@dataclass
class Extracted:
    title: str = ""
    authors: list[dict] = field(default_factory=list)  # [{"name": str, "role": str | None}]
    published: datetime | None = None
    modified: datetime | None = None
    section: str = ""
    language: str = ""
    image: str = ""
    body: str = ""
    canonical_url: str = ""
    sitename: str = ""
    paywalled: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("published", "modified"):
            data[key] = data[key].isoformat() if data[key] else None
        data["paragraphs"] = self.paragraphs
        return data


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed


def extract(html: str | bytes, url: str = "") -> Extracted:
    """Extract one article from a page's HTML. Raises ExtractError when there is none."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not html.strip():
        raise ExtractError("empty page")
    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise ExtractError("no article text found")
    body = "\n\n".join(line.strip() for line in doc.text.splitlines() if line.strip())
    published = _parse_date(find_date(html, url=url or None, outputformat="%Y-%m-%dT%H:%M:%S%z", original_date=True))
    authors = [{"name": name.strip(), "role": None} for name in (doc.author or "").split(";") if name.strip()]
    return Extracted(
        title=(doc.title or "").strip(),
        authors=authors,
        published=published,
        section=", ".join(doc.categories or [])[:200] if doc.categories else "",
        language=doc.language or "",
        image=doc.image or "",
        body=body,
        canonical_url=doc.url or "",
        sitename=doc.sitename or "",
    )
