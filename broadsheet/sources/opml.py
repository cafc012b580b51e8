"""OPML subscription lists in and out.

OPML is a few attributes on nested <outline> elements, so the standard library's
ElementTree (whose expat refuses entity expansion bombs) is enough; a dependency
would add nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass


class OPMLError(ValueError):
    pass


@dataclass
class OutlineFeed:
    url: str
    title: str = ""
    homepage: str = ""
    section: str = ""


def read_opml(data: bytes | str) -> list[OutlineFeed]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OPMLError(f"not a readable OPML file: {exc}") from None
    if root.tag.lower() != "opml":
        raise OPMLError(f"not an OPML file (root element is <{root.tag}>)")
    feeds: list[OutlineFeed] = []

    def walk(node, category: str) -> None:
        for outline in node.findall("outline"):
            url = outline.get("xmlUrl") or outline.get("xmlurl")
            label = outline.get("title") or outline.get("text") or ""
            if url:
                section = outline.get("category") or category
                feeds.append(OutlineFeed(url=url.strip(), title=label, homepage=outline.get("htmlUrl") or "",
                                         section=section.strip("/").split("/")[-1] if section else ""))
            walk(outline, label if not url else category)

    body = root.find("body")
    walk(body if body is not None else root, "")
    return feeds


def write_opml(feeds, title: str = "Broadsheet sources") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.section:
            if feed.section not in groups:
                groups[feed.section] = ET.SubElement(body, "outline", text=feed.section, title=feed.section)
            parent = groups[feed.section]
        attrs = {"type": "rss", "text": feed.title or feed.source.name, "title": feed.title or feed.source.name,
                 "xmlUrl": feed.url, "htmlUrl": feed.source.homepage}
        if feed.section:
            attrs["category"] = feed.section
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
