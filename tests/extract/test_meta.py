"""Metadata: headline, bylines with roles, dates with offsets, section, image, language, paywall."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from broadsheet.extract import extract
from broadsheet.extract.authors import parse
from broadsheet.extract.title import strip_site
from tests.extract.pages import STORY, page

URL = "https://www.dailyexample.com/news/2024/05/03/bridge"


def test_it_takes_the_title_without_the_site_name_suffix():
    html = page(title="Council votes to rebuild the river bridge | Daily Example",
                head='<meta property="og:site_name" content="Daily Example">')
    assert extract(html, URL).title == "Council votes to rebuild the river bridge"


@pytest.mark.parametrize("raw", [
    "Council votes to rebuild the river bridge - Daily Example",
    "Council votes to rebuild the river bridge – DW – 13.06.2023",
    "Council votes to rebuild the river bridge | dailyexample.com",
    "Daily Example | Council votes to rebuild the river bridge",
])
def test_it_strips_site_names_and_dates_around_a_title(raw):
    assert strip_site(raw, {"Daily Example", "dailyexample.com", "DW"}) == "Council votes to rebuild the river bridge"


def test_it_keeps_a_separator_that_is_part_of_the_headline():
    assert strip_site("BUDGET 3.0 | Tax office gets more staff", {"Times Live"}) == "BUDGET 3.0 | Tax office gets more staff"


def test_it_strips_a_section_glued_to_the_title():
    assert strip_site("정부 예산안 통과-정치ㅣ한국일보", {"한국일보"}, {"정치"}) == "정부 예산안 통과"


def test_it_prefers_the_visible_headline_confirmed_by_json_ld_over_a_social_title():
    # A CBC-like page: h1 and JSON-LD headline agree; og:title is a subheading written for sharing.
    ld = {"@type": "NewsArticle", "headline": "Council votes to rebuild the river bridge"}
    html = page(title="Council votes to rebuild the river bridge | Daily Example", ld=ld,
                head='<meta property="og:title" content="Residents say his plan ignores the market street">')
    assert extract(html, URL).title == "Council votes to rebuild the river bridge"


def test_it_takes_the_open_graph_title_when_the_page_shows_no_headline():
    html = page(title="Daily Example", head='<meta property="og:title" content="The bridge will be rebuilt">')
    html = html.replace("<h1>Daily Example</h1>", "")
    assert extract(html, URL).title == "The bridge will be rebuilt"


def with_h1(h1: str, title_tag: str, **kwargs) -> str:
    """A fixture page whose visible headline differs from its <title>."""
    return page(title=title_tag, **kwargs).replace(f"<h1>{title_tag}</h1>", f"<h1>{h1}</h1>")


def test_an_h1_that_no_other_field_confirms_gives_way_to_the_json_ld_headline():
    # The only h1 in the article is a widget's heading, not the story's.
    ld = {"@type": "NewsArticle", "headline": "Council votes to rebuild the river bridge"}
    html = with_h1("Most read today", "Council votes to rebuild the river bridge | Daily Example", ld=ld)
    assert extract(html, URL).title == "Council votes to rebuild the river bridge"


def test_a_kicker_shown_in_the_h1_is_cut_when_another_field_has_the_headline_alone():
    html = with_h1("Ten years of debate - Council votes to rebuild the river bridge", "Daily Example",
                   head='<meta property="og:title" content="Council votes to rebuild the river bridge">')
    assert extract(html, URL).title == "Council votes to rebuild the river bridge"


def test_a_headline_that_merely_starts_like_another_field_is_left_whole():
    ld = {"@type": "NewsArticle", "headline": "Council votes to rebuild the river bridge"}
    long = "Council votes to rebuild the river bridge after ten years"
    html = with_h1(long, "Daily Example", ld=ld)
    assert extract(html, URL).title == "Council votes to rebuild the river bridge"  # h1 unconfirmed: JSON-LD
    html = with_h1(long, f"{long} | Daily Example", ld=ld)
    assert extract(html, URL).title == long  # the <title> confirms the longer h1


def test_the_json_ld_form_of_a_visible_headline_keeps_the_colon_the_h1_spans_lost():
    ld = {"@type": "NewsArticle", "headline": "Bridge vote: Council agrees to rebuild"}
    html = page(title="Bridge vote Council agrees to rebuild", ld=ld).replace(
        "<h1>Bridge vote Council agrees to rebuild</h1>", "<h1><span>Bridge vote</span> <span>Council agrees to rebuild</span></h1>")
    assert extract(html, URL).title == "Bridge vote: Council agrees to rebuild"


def test_it_reads_authors_from_json_ld_without_publisher_names():
    ld = {"@type": "NewsArticle", "headline": "Bridge", "author": [
        {"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "Daily Example"}],
        "publisher": {"@type": "Organization", "name": "Daily Example"}}
    assert extract(page(ld=ld), URL).authors == [{"name": "Jane Doe", "role": None}]


def test_it_keeps_an_agency_when_it_is_the_only_byline():
    ld = {"@type": "NewsArticle", "headline": "Bridge", "author": {"@type": "Organization", "name": "AFP"}}
    assert extract(page(ld=ld), URL).authors == [{"name": "AFP", "role": None}]


def test_it_splits_a_byline_and_drops_by():
    assert parse("By Jane Doe and John Roe") == [{"name": "Jane Doe", "role": None}, {"name": "John Roe", "role": None}]
    assert parse("Von Anna Berg, Lea Wagner") == [{"name": "Anna Berg", "role": None}, {"name": "Lea Wagner", "role": None}]


def test_it_reads_a_role_in_brackets():
    assert parse("Kim, Min Gyu(Former Senior official of DPRK Foreign Ministry)") == [
        {"name": "Kim, Min Gyu", "role": "Former Senior official of DPRK Foreign Ministry"}]


def test_it_takes_a_role_from_the_json_ld_job_title():
    ld = {"@type": "NewsArticle", "headline": "Bridge", "author": {"@type": "Person", "name": "Jane Doe", "jobTitle": "Transport correspondent"}}
    assert extract(page(ld=ld), URL).authors == [{"name": "Jane Doe", "role": "Transport correspondent"}]


def test_it_ignores_author_urls():
    assert parse("https://www.facebook.com/someone") == []


def test_it_finds_a_visible_byline_when_there_is_no_metadata():
    html = page(*STORY, before="<p>By Jane Doe</p>")
    assert extract(html, URL).authors == [{"name": "Jane Doe", "role": None}]


def test_it_reads_dates_with_their_offset():
    ld = {"@type": "NewsArticle", "headline": "Bridge", "datePublished": "2024-05-03T14:24:00+02:00",
          "dateModified": "2024-05-03T16:00:00+02:00"}
    doc = extract(page(ld=ld), URL)
    assert doc.published.isoformat() == "2024-05-03T14:24:00+02:00"
    assert doc.modified.utcoffset() == timedelta(hours=2)


def test_it_reads_the_article_meta_date_and_assumes_utc_without_offset():
    doc = extract(page(head='<meta property="article:published_time" content="2024-05-03T14:24:00">'), URL)
    assert doc.published.tzinfo == timezone.utc and doc.published.hour == 14


def test_it_falls_back_to_the_feed_entry_date():
    doc = extract(page(), "https://news.example.org/bridge", feed_hints={"published": "2024-05-03T10:00:00Z"})
    assert doc.published.isoformat() == "2024-05-03T10:00:00+00:00"


def test_it_reads_section_image_canonical_and_paywall():
    ld = {"@type": "NewsArticle", "headline": "Bridge", "articleSection": "Local", "isAccessibleForFree": "False",
          "image": {"@type": "ImageObject", "url": "/img/bridge.jpg"}}
    html = page(ld=ld, head='<link rel="canonical" href="https://www.dailyexample.com/bridge">')
    doc = extract(html, URL)
    assert doc.section == "Local"
    assert doc.image == "https://www.dailyexample.com/img/bridge.jpg"
    assert doc.canonical_url == "https://www.dailyexample.com/bridge"
    assert doc.paywalled is True


def test_it_reads_the_section_from_breadcrumbs():
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home"}, {"@type": "ListItem", "position": 2, "name": "Politics"},
        {"@type": "ListItem", "position": 3, "name": "Council votes"}]}
    assert extract(page(ld=crumbs), URL).section == "Politics"


def test_it_detects_the_language_of_the_text_not_the_html_attribute():
    german = ["Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss neu zu bauen, nach fast zehn Jahren Streit.",
              "Die Ingenieure sagen, das neue Bauwerk werde doppelt so viel Verkehr tragen und auch Hochwasser überstehen."]
    assert extract(page(*german, lang="en"), URL).language == "de"


def test_it_tolerates_broken_json_ld():
    html = page(head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Bridge",,}</script>')
    assert extract(html, URL).body


def test_it_understands_printed_zone_abbreviations():
    from broadsheet.extract.dates import parse as parse_date

    assert parse_date("Mon, 18 Nov 2019 10:00:00 EST").isoformat() == "2019-11-18T10:00:00-05:00"


def test_a_section_kicker_or_suffix_the_page_names_as_its_section_is_cut():
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Sport"}, {"@type": "ListItem", "position": 2, "name": "Ski jumping"},
        {"@type": "ListItem", "position": 3, "name": "Kobayashi wins in Oberstdorf"}]}
    assert title_of("Ski jumping | Kobayashi wins in Oberstdorf", crumbs) == "Kobayashi wins in Oberstdorf"
    ld = {"@type": "NewsArticle", "headline": "Flood warnings for the river valley - National", "articleSection": "National"}
    assert title_of("Flood warnings for the river valley - National", ld) == "Flood warnings for the river valley"


def test_a_title_segment_that_is_no_section_of_the_page_stays():
    ld = {"@type": "NewsArticle", "headline": "Rome - Paris: the night train returns", "articleSection": "Travel"}
    assert title_of("Rome - Paris: the night train returns", ld) == "Rome - Paris: the night train returns"


def title_of(og_title: str, ld: dict) -> str:
    html = page(title="Daily Example", ld=ld, head=f'<meta property="og:title" content="{og_title}">')
    return extract(html.replace("<h1>Daily Example</h1>", ""), URL).title


@pytest.mark.parametrize("raw, people", [
    ("By Tim Reynolds, AP Sports Writer", [("Tim Reynolds", "AP Sports Writer")]),
    ("Tim Reynolds AP Sports Writer", [("Tim Reynolds", "AP Sports Writer")]),
    ("Analysis by Stephen Collinson, CNN Editor-at-large", [("Stephen Collinson", "CNN Editor-at-large")]),
    ("Lyse Doucet, Chief International Correspondent", [("Lyse Doucet", "Chief International Correspondent")]),
    ("Jane Doe — Senior Editor", [("Jane Doe", "Senior Editor")]),
    ("Par Marie Dupont, envoyée spéciale à Kyiv", [("Marie Dupont", "envoyée spéciale à Kyiv")]),
    ("Ein Kommentar von Hans Müller, Redakteur", [("Hans Müller", "Redakteur")]),
])
def test_a_job_title_in_a_byline_goes_to_the_role_not_the_name(raw, people):
    assert [(p["name"], p["role"]) for p in parse(raw)] == people


@pytest.mark.parametrize("raw, names", [
    ("Jeff Foust — November", ["Jeff Foust"]),
    ("Carrie ArnoldNovember", ["Carrie Arnold"]),
    ("Por María López – Madrid", ["María López"]),
    ("Von Anna BergAktualisiert", ["Anna Berg"]),
])
def test_a_date_or_place_glued_to_a_byline_is_cut(raw, names):
    assert [p["name"] for p in parse(raw)] == names


def test_a_visible_byline_with_its_date_yields_the_name_alone():
    html = page(before='<div class="byline">By Jeff Foust — November 30, 2026</div>')
    assert [a["name"] for a in extract(html, URL).authors] == ["Jeff Foust"]


@pytest.mark.parametrize("raw", ["Ann DeMay", "Mary Staff Jones", "John Editor", "Hans Schreiber", "Marcia Marchand",
                                 "Guardian staff reporter"])
def test_names_that_contain_role_or_month_words_are_left_whole(raw):
    assert [p["name"] for p in parse(raw)] == [raw]
