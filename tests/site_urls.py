"""Every public URL pattern of the site with its parameters, written by hand.

tests/test_fuzz.py turns this into an OpenAPI document for schemathesis and checks it
names every pattern of our apps; tests/test_bad_input.py and test_http_methods.py walk it.
Path parameters are typed as their URL converter reads them; query parameters are the
ones the view reads from request.GET.
"""

from __future__ import annotations

INT, STR = {"type": "integer"}, {"type": "string"}

# url name → (path with {placeholders}, {path parameter: schema}, {query parameter: schema}, methods)
PAGES: dict[str, tuple[str, dict, dict, tuple[str, ...]]] = {
    "web:home": ("/", {}, {}, ("GET",)),
    "web:section": ("/section/{slug}/", {"slug": STR}, {"page": STR}, ("GET",)),
    "web:article": ("/article/{pk}/", {"pk": INT}, {}, ("GET",)),
    "web:source": ("/source/{pk}/", {"pk": INT}, {"page": STR}, ("GET",)),
    "web:languages": ("/languages/", {}, {"lang": STR, "next": STR}, ("GET",)),
    "web:section-feed": ("/feeds/section/{slug}/", {"slug": STR}, {}, ("GET",)),
    "web:source-feed": ("/feeds/source/{pk}/", {"pk": INT}, {}, ("GET",)),
    "web:tag-feed": ("/feeds/tag/{slug}/", {"slug": STR}, {}, ("GET",)),
    "web:story-feed": ("/feeds/story/{pk}/", {"pk": INT}, {}, ("GET",)),
    "web:section-atom": ("/feeds/section/{slug}/atom/", {"slug": STR}, {}, ("GET",)),
    "web:source-atom": ("/feeds/source/{pk}/atom/", {"pk": INT}, {}, ("GET",)),
    "web:tag-atom": ("/feeds/tag/{slug}/atom/", {"slug": STR}, {}, ("GET",)),
    "web:story-atom": ("/feeds/story/{pk}/atom/", {"pk": INT}, {}, ("GET",)),
    "web:sitemap": ("/sitemap.xml", {}, {}, ("GET",)),
    "stories:story": ("/story/{pk}/", {"pk": INT}, {}, ("GET",)),
    "enrich:article-panel": ("/ai/article/{pk}/panel/", {"pk": INT}, {}, ("GET",)),
    "enrich:article-ask": ("/ai/article/{pk}/ask/", {"pk": INT}, {"q": STR}, ("GET",)),
    "enrich:story-panel": ("/ai/story/{pk}/panel/", {"pk": INT}, {}, ("GET",)),
    "enrich:story-ask": ("/ai/story/{pk}/ask/", {"pk": INT}, {"q": STR}, ("GET",)),
    "enrich:tag": ("/tag/{slug}/", {"slug": STR}, {"page": STR}, ("GET",)),
    "search:page": ("/search/", {}, {"q": STR, "section": STR, "source": INT, "language": STR, "lang": STR, "since": STR,
                                     "until": STR, "limit": INT, "cursor": STR}, ("GET",)),
    "community:profile": ("/community/u/{username}/", {"username": STR}, {}, ("GET",)),
    "community:post": ("/community/{kind}/{pk}/comment/", {"kind": STR, "pk": INT}, {}, ("POST",)),
    "community:edit": ("/community/comment/{pk}/edit/", {"pk": INT}, {}, ("GET", "POST")),
    "community:delete": ("/community/comment/{pk}/delete/", {"pk": INT}, {}, ("GET", "POST")),
    "community:report": ("/community/comment/{pk}/report/", {"pk": INT}, {}, ("GET", "POST")),
    "community:account": ("/community/account/", {}, {}, ("GET", "POST")),
    "community:delete_account": ("/community/account/delete/", {}, {}, ("GET", "POST")),
    "api:articles": ("/api/articles", {}, {"section": STR, "source": INT, "since": STR, "until": STR,
                                           "limit": INT, "cursor": STR, "lang": STR}, ("GET",)),
    "api:article": ("/api/articles/{pk}", {"pk": INT}, {}, ("GET",)),
    "api:sections": ("/api/sections", {}, {}, ("GET",)),
    "api:sources": ("/api/sources", {}, {}, ("GET",)),
    "api:search": ("/api/search", {}, {"q": STR, "section": STR, "source": INT, "language": STR, "lang": STR, "since": STR,
                                       "until": STR, "limit": INT, "cursor": STR}, ("GET",)),
    "api:openapi": ("/api/openapi.json", {}, {}, ("GET",)),
}
# Apps whose every named pattern must be listed above (admin and allauth are not ours).
OUR_NAMESPACES = {"web", "stories", "enrich", "community", "api", "search"}


def example(name: str, **values) -> str:
    """The path of a pattern with its placeholders filled ({pk} → 1 unless given)."""
    path, params, _, _ = PAGES[name]
    filled = {key: values.get(key, 1 if schema == INT else "news") for key, schema in params.items()}
    return path.format(**filled)
