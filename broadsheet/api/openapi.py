"""The OpenAPI 3.1 description of /api/ (kept beside the views it describes)."""

from __future__ import annotations

from broadsheet.api.forms import CURSOR, MAX_ID, MAX_LIMIT
from broadsheet.search.forms import MAX_LIMIT as SEARCH_MAX_LIMIT
from broadsheet.search.terms import MAX_CHARS as SEARCH_MAX_CHARS
from broadsheet.web.sections import sections, slug_for

ARTICLE = {
    "type": "object",
    "required": ["id", "url", "title", "authors", "published", "section", "source", "page"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri", "description": "The publisher's page"},
        "title": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "role": {"type": ["string", "null"]}}}},
        "published": {"type": "string", "format": "date-time"},
        "modified": {"type": ["string", "null"], "format": "date-time"},
        "section": {"type": "string"},
        "language": {"type": "string"},
        "image": {"type": ["string", "null"]},
        "source": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "lead": {"type": "string"},
        "page": {"type": "string", "description": "Path of the article on this site"},
        "story": {"type": ["integer", "null"]},
        "hashtags": {"type": "array", "items": {"type": "string"}},
        "paragraphs": {"type": "array", "items": {"type": "string"}, "description": "Only on /articles/{id}"},
        "blocks": {"type": "array", "description": "Only on /articles/{id}: the paragraphs labelled, in reading order; "
                   "an entry block opens a live-blog entry (the blocks up to the next entry are its own)",
                   "items": {"$ref": "#/components/schemas/Block"}},
        "paywalled": {"type": "boolean", "description": "Only on /articles/{id}"},
    },
}
BLOCK = {
    "type": "object",
    "required": ["type", "text"],
    "properties": {
        "type": {"type": "string", "enum": ["p", "h2", "h3", "li", "quote", "entry"]},
        "text": {"type": "string", "description": "Plain text (an entry's heading, possibly empty)"},
        "ordered": {"type": "boolean", "description": "li only: an item of a numbered list"},
        "time": {"type": ["string", "null"], "format": "date-time", "description": "entry only: when it was posted"},
    },
}
SEARCH_RESULT = {
    "type": "object",
    "required": ["score", "article", "story"],
    "properties": {
        "score": {"type": "number", "description": "Relevance times recency, 0 to 1"},
        "article": {"$ref": "#/components/schemas/Article"},
        "story": {"type": ["object", "null"], "description": "The story the article belongs to", "properties": {
            "id": {"type": "integer"}, "headline": {"type": "string"}, "page": {"type": "string"},
            "article_count": {"type": "integer"}, "source_count": {"type": "integer"},
            "last_published": {"type": ["string", "null"], "format": "date-time"}}},
    },
}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document(base_url: str) -> dict:
    # allowEmptyValue: `?section=` is read as no section, as a web form with an empty field sends it.
    query = lambda name, schema, text: {"name": name, "in": "query", "required": False, "allowEmptyValue": True,  # noqa: E731
                                        "schema": schema, "description": text}
    # The lists' language rule (web/languages.py): the site's languages, narrowed by this.
    LANG = query("lang", {"type": "string", "pattern": "^(all|[a-z]{2,3})$"},
                 "A language code to list only that language, or `all`; without it, the languages the site "
                 "lists (BROADSHEET_LANGUAGES), as the reader's language cookie narrows them. A language the "
                 "site does not list is a 400")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Broadsheet API", "version": "1", "description": "Read-only access to articles, sections and sources, and search."},
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": {
            "/articles": {"get": {
                "summary": "Newest articles first",
                "parameters": [
                    query("section", {"type": "string", "enum": [slug_for(name) for name in sections()]},
                          "Section slug, see /sections"),
                    query("source", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Source id, see /sources"),
                    query("since", {"type": "string", "format": "date-time"}, "Published at or after (with a UTC offset)"),
                    query("until", {"type": "string", "format": "date-time"}, "Published before (with a UTC offset)"),
                    LANG,
                    query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 30}, "Page size"),
                    query("cursor", {"type": "string", "pattern": CURSOR.pattern.join("^$")},
                          "next_cursor of the previous page"),
                ],
                "responses": {
                    "200": _json({"type": "object", "properties": {
                        "articles": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}},
                        "next_cursor": {"type": ["string", "null"]}}}),
                    "400": _json({"$ref": "#/components/schemas/Error"}, "Bad parameter"),
                },
            }},
            "/articles/{id}": {"get": {
                "summary": "One article with its paragraphs",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 0}, "description": "Article id"}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Article"}),
                              "404": _json({"$ref": "#/components/schemas/Error"}, "No such article")},
            }},
            "/search": {"get": {
                "summary": "Stories matching some words, best first (one result per story: its best-matching article)",
                "description": "Words are read literally (no operators); every word must match the headline, text, "
                               "source name or tags. Accents and case are ignored.",
                "parameters": [
                    query("q", {"type": "string", "maxLength": SEARCH_MAX_CHARS},
                          "The words to search for (none: no results)"),
                    query("section", {"type": "string", "enum": [slug_for(name) for name in sections()]},
                          "Section slug, see /sections"),
                    query("source", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Source id, see /sources"),
                    query("language", {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$"},
                          "Language code of the article (en, sv, pt-BR)"),
                    LANG,
                    query("since", {"type": "string"}, "Published on or after: a day (2026-11-28) or a time with offset"),
                    query("until", {"type": "string"}, "Published before a time, or up to the end of a day"),
                    query("limit", {"type": "integer", "minimum": 1, "maximum": SEARCH_MAX_LIMIT, "default": 20}, "Page size"),
                    query("cursor", {"type": "string", "pattern": "^[0-9]{1,4}$"}, "next_cursor of the previous page"),
                ],
                "responses": {
                    "200": _json({"type": "object", "required": ["query", "results", "next_cursor"], "properties": {
                        "query": {"type": "array", "items": {"type": "string"}, "description": "The words searched for"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
                        "next_cursor": {"type": ["string", "null"]}}}),
                    "400": _json({"$ref": "#/components/schemas/Error"}, "Bad parameter (a query too long, a NUL ...)"),
                },
            }},
            "/sections": {"get": {"summary": "The section taxonomy", "responses": {"200": _json({"type": "object"})}}},
            "/sources": {"get": {"summary": "Publishers", "responses": {"200": _json({"type": "object"})}}},
        },
        "components": {"schemas": {"Article": ARTICLE, "Block": BLOCK, "Error": ERROR, "SearchResult": SEARCH_RESULT}},
    }
