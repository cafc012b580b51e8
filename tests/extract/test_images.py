"""Pictures a page offers: the lead image's sizes for a srcset, and the site's icon."""

from __future__ import annotations

import pytest
from trafilatura.utils import load_html

from broadsheet.extract import extract, images, meta
from tests.extract.pages import page

URL = "https://www.dailyexample.com/news/2024/05/03/bridge"
CDN = "https://cdn.dailyexample.com"


def sizes_of(html: str) -> list[tuple[str, int, int]]:
    tree = load_html(html)
    found = meta.read(tree)
    return images.lead_sizes(tree, found, URL, meta.first_image(found, URL))


def test_a_srcset_gives_each_width_candidate_resolved_against_the_page():
    value = "/img/a-320.jpg 320w, https://x.example/c_fill,w_640/a.jpg 640w,\n  /img/a-1280.jpg 1280w"
    assert images.parse_srcset(value, URL) == [
        ("https://www.dailyexample.com/img/a-320.jpg", 320), ("https://x.example/c_fill,w_640/a.jpg", 640),
        ("https://www.dailyexample.com/img/a-1280.jpg", 1280)]


@pytest.mark.parametrize("value", ["/a.jpg 1x, /a@2x.jpg 2x", "/a.jpg", "javascript:alert(1) 300w", "", "  ,  ,"])
def test_a_srcset_without_widths_or_with_bad_urls_gives_nothing(value):
    assert images.parse_srcset(value, URL) == []


@pytest.mark.parametrize("value, expected", [(1200, 1200), ("1200", 1200), ("1200px", 1200),
                                             ({"@type": "QuantitativeValue", "value": 630}, 630),
                                             ("wide", 0), (-5, 0), (True, 0), (10**9, 0), (None, 0)])
def test_widths_are_read_as_publishers_write_them(value, expected):
    assert images.pixels(value) == expected


def test_it_takes_the_sizes_a_json_ld_image_list_declares_narrowest_first():
    ld = {"@type": "NewsArticle", "headline": "Bridge", "image": [
        {"@type": "ImageObject", "url": f"{CDN}/bridge-1200.jpg", "width": "1200px", "height": 675},
        {"@type": "ImageObject", "url": f"{CDN}/bridge-640.jpg", "width": {"value": 640}, "height": {"value": 360}},
        {"@type": "ImageObject", "url": f"{CDN}/bridge-square.jpg", "width": 1200, "height": 1200},  # another crop
    ]}
    assert sizes_of(page(ld=ld)) == [(f"{CDN}/bridge-640.jpg", 640, 360), (f"{CDN}/bridge-1200.jpg", 1200, 675)]


def test_it_joins_og_image_sizes_to_the_srcset_of_the_pages_own_copy():
    head = (f'<meta property="og:image" content="{CDN}/2024/05/bridge.jpg">'
            '<meta property="og:image:width" content="1600"><meta property="og:image:height" content="900">')
    figure = (f'<figure><img src="{CDN}/2024/05/bridge-1024x576.jpg" srcset="{CDN}/2024/05/bridge-300x169.jpg 300w, '
              f'{CDN}/2024/05/bridge-768x432.jpg 768w, {CDN}/2024/05/bridge.jpg 1600w" alt=""></figure>')
    assert sizes_of(page(head=head, before=figure)) == [
        (f"{CDN}/2024/05/bridge-300x169.jpg", 300, 0), (f"{CDN}/2024/05/bridge-768x432.jpg", 768, 0),
        (f"{CDN}/2024/05/bridge.jpg", 1600, 900)]


def test_a_cdn_copy_with_its_width_in_the_query_is_the_same_picture():
    head = f'<meta property="og:image" content="{CDN}/media/abc/master/3000.jpg?width=1200&amp;height=630&amp;s=x">'
    figure = (f'<picture><source srcset="{CDN}/media/abc/master/3000.jpg?width=620&amp;s=y 620w, '
              f'{CDN}/media/abc/master/3000.jpg?width=1240&amp;s=z 1240w"><img src="{CDN}/media/abc/master/3000.jpg?width=620"></picture>')
    assert [w for _, w, _ in sizes_of(page(head=head, before=figure))] == [620, 1240]


def test_the_srcset_of_another_picture_on_the_page_is_not_taken():
    head = f'<meta property="og:image" content="{CDN}/bridge.jpg"><meta property="og:image:width" content="1200">'
    other = f'<img src="{CDN}/mayor-600x400.jpg" srcset="{CDN}/mayor-300x200.jpg 300w, {CDN}/mayor-600x400.jpg 600w">'
    assert sizes_of(page(head=head, after=other)) == [(f"{CDN}/bridge.jpg", 1200, 0)]


def test_a_page_without_a_picture_has_no_sizes():
    assert sizes_of(page()) == []


def test_sizes_are_capped_and_spread_over_the_range():
    figure = '<img src="/p/pic.jpg" srcset="' + ", ".join(f"/p/pic-{w}w.jpg {w}w" for w in range(100, 2100, 100)) + '">'
    head = '<meta property="og:image" content="/p/pic.jpg">'
    widths = [w for _, w, _ in sizes_of(page(head=head, before=figure))]
    assert len(widths) == images.MAX_SIZES and widths[0] == 100 and widths[-1] == 2000


def icon_of(head: str, url: str = URL) -> str:
    return images.icon(load_html(page(head=head)), url)


def test_the_icon_is_the_smallest_sharp_one_the_page_declares():
    head = ('<link rel="apple-touch-icon" href="/touch-180.png">'
            '<link rel="icon" sizes="16x16" href="/fav-16.png">'
            '<link rel="icon" sizes="32x32" href="/fav-32.png">'
            '<link rel="icon" sizes="192x192" href="/fav-192.png">')
    assert icon_of(head) == "https://www.dailyexample.com/fav-32.png"


def test_a_vector_icon_is_best_and_a_touch_icon_serves_when_alone():
    assert icon_of('<link rel="icon" sizes="192x192" href="/a.png"><link rel="icon" type="image/svg+xml" href="/a.svg">'
                   ).endswith("/a.svg")
    assert icon_of('<link rel="apple-touch-icon-precomposed" href="//static.example/t.png">') == "https://static.example/t.png"


def test_without_a_declared_icon_it_is_the_sites_favicon():
    assert icon_of('<link rel="stylesheet" href="/s.css"><link rel="icon" href="data:,">') == \
        "https://www.dailyexample.com/favicon.ico"
    assert icon_of("", url="") == ""


def test_extract_returns_the_sizes_and_the_icon():
    head = (f'<meta property="og:image" content="{CDN}/bridge.jpg"><meta property="og:image:width" content="1200">'
            '<link rel="shortcut icon" href="/favicon.png">')
    figure = f'<img src="{CDN}/bridge.jpg" srcset="{CDN}/bridge-600w.jpg 600w, {CDN}/bridge.jpg 1200w">'
    doc = extract(page(head=head, before=figure), URL)
    assert doc.image == f"{CDN}/bridge.jpg"
    assert doc.image_sizes == [(f"{CDN}/bridge-600w.jpg", 600, 0), (f"{CDN}/bridge.jpg", 1200, 0)]
    assert doc.icon == "https://www.dailyexample.com/favicon.png"
