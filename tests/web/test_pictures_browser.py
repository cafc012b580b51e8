"""Pictures on the site, in headless Chromium: card thumbnails and source icons load lazily
without a Referer, sized by srcset, in boxes that do not move when they load; a picture that
fails leaves a clean card. Desktop and phone; screenshots kept in the test's tmp dir."""

from __future__ import annotations

import pytest

from broadsheet.stories.models import Picture
from broadsheet.stories.store import refresh
from tests.a11y import violations
from tests.web.factories import article, source, story_of
from tests.web.pictures import image_server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TEASER = ("The council said the work would start in spring and take eighteen months, with a temporary "
          "footbridge keeping the market street open for shoppers and stall holders.")


def _pictured(item, server, n: int, widths=(320, 640, 1280)) -> None:
    """Give an article the picture /pic/n-<width>.png in the sizes `widths`, as a page would."""
    item.image = server.url_for(f"/pic/{n}-{widths[-1]}.png")
    item.save(update_fields=["image"])
    if len(widths) > 1:
        Picture.objects.create(article=item, sizes=[[server.url_for(f"/pic/{n}-{w}.png"), w, w * 9 // 16]
                                                    for w in widths])


def fill(server, broken: bool = True) -> dict:
    """A small site: four publishers with icons (one icon missing), stories with and without
    pictures and teasers across sections; two pictures that fail (404) unless broken=False."""
    papers = [source(f"Paper {i}", f"https://p{i}.example/") for i in range(4)]
    for i, paper in enumerate(papers):
        paper.icon = server.url_for(f"/icon/{i}.png" if i != 3 or not broken else "/icon/missing.png")
        paper.save(update_fields=["icon"])
    made = {}
    headlines = [("Council votes to rebuild the river bridge", "News"), ("Storm closes the coast road", "News"),
                 ("Chip maker opens a second plant", "Technology"), ("Rates held for a third month", "Business"),
                 ("A comet passes close to Earth", "Science"), ("Cup final goes to extra time", "Sports"),
                 ("New museum wing opens to the public", "Arts & Culture"), ("Budget talks stall again", "Politics"),
                 ("Hospital waiting lists fall", "Health"), ("Phone sales slow in the autumn", "Technology"),
                 ("Harbour dredging to begin", "News"), ("Orchestra tours the north", "Arts & Culture")]
    for i, (title, section) in enumerate(headlines):
        item = article(title, section=section, hours_ago=i + 1, publisher=papers[i % 4],
                       body=(TEASER if i % 3 else ""), teaser="", image="")
        if i % 4 != 2:  # every fourth without a picture
            _pictured(item, server, i, widths=(320, 640, 1280) if i % 2 else (1280,))
        made[title] = item
    for title in ("Storm closes the coast road", "Orchestra tours the north") if broken else ():  # a lead card's, one far below
        broken = made[title]
        broken.image = server.url_for(f"/pic/missing-{broken.pk}.png")
        broken.save(update_fields=["image"])
        Picture.objects.filter(article=broken).delete()
    # a story covered by three publishers: the top story
    extra = [article(f"Bridge vote: report {j}", section="News", hours_ago=1, publisher=papers[j], body=TEASER,
                     image=server.url_for(f"/pic/{20 + j}-640.png")) for j in (1, 2)]
    story = story_of(made["Council votes to rebuild the river bridge"], *extra)
    from broadsheet.stories.models import Member, Story

    for pk in set(Member.objects.values_list("story_id", flat=True)):
        refresh(pk)
    made["story"] = Story.objects.get(pk=story.pk)
    return made


def wait_until(page, expression: str, seconds: float = 10.0) -> None:
    """Poll a page expression (wait_for_function evaluates a string, which our CSP forbids)."""
    for _ in range(int(seconds / 0.05)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false after {seconds} s: {expression}")


def load_every_picture(page) -> None:
    """Scroll down a screen at a time (lazy pictures load as they near the viewport), wait
    until every picture has loaded or failed, and go back to the top."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 1, 400):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    wait_until(page, "[...document.images].every(i => i.complete)")
    page.evaluate("Promise.all([...document.images].map(i => i.decode().catch(() => 0)))")  # painted, not just fetched
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_of_home_section_and_article_pages_with_pictures(browser, live_server, image_server, tmp_path,  # noqa: F811
                                                                     viewport):
    made = fill(image_server)
    page = browser.new_page(viewport=viewport)
    name = "desktop" if viewport is DESKTOP else "phone"
    for label, path in (("home", "/"), ("section", "/section/technology/"),
                        ("article", made["Chip maker opens a second plant"].get_absolute_url()),
                        ("article-pictured", made["Council votes to rebuild the river bridge"].get_absolute_url())):
        page.goto(live_server.url + path)
        load_every_picture(page)
        page.screenshot(path=str(tmp_path / f"{label}-{name}.png"), full_page=True)
    print(tmp_path)
    page.close()


CLS = """window.__shift = 0; window.__shifted = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) {
  window.__shift += e.value;
  for (const s of e.sources || []) window.__shifted.push((s.node && s.node.outerHTML || "?").slice(0, 120) + " " +
    JSON.stringify(s.previousRect) + " -> " + JSON.stringify(s.currentRect));
} })
  .observe({type: "layout-shift", buffered: true});"""


def _boxes(page) -> list[tuple]:
    return [tuple(round(v) for v in box.values()) for box in
            page.evaluate("[...document.querySelectorAll('.card-title, .card-meta, .headline, .body')]"
                          ".map(e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y + scrollY, w: r.width, h: r.height}; })")]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pictures_load_lazily_without_a_referer_and_nothing_moves_when_they_arrive(browser, live_server, image_server,  # noqa: F811
                                                                                  viewport):
    made = fill(image_server, broken=False)  # a picture that fails does move its card: see the test below
    page = browser.new_page(viewport=viewport)
    page.add_init_script(CLS)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "404" not in msg.text else None)
    for path in ("/", "/section/news/", made["Council votes to rebuild the river bridge"].get_absolute_url(),
                 f"/source/{made['Harbour dredging to begin'].source_id}/"):
        image_server.hold.clear()  # the pictures are on their way, held back by the server
        page.goto(live_server.url + path, wait_until="domcontentloaded")
        before = _boxes(page)
        assert page.evaluate("[...document.querySelectorAll('.pic img')].every(i => i.naturalWidth === 0)")
        image_server.hold.set()
        load_every_picture(page)
        assert page.evaluate("[...document.querySelectorAll('.pic img')].some(i => i.naturalWidth > 0)"), path
        assert _boxes(page) == before, path
        assert page.evaluate("window.__shift") < 0.001, (path, page.evaluate("window.__shifted"))  # CLS, whole load
        for img in page.locator("main img").all():
            assert img.get_attribute("referrerpolicy") == "no-referrer"
            assert img.get_attribute("decoding") == "async"
        cards = page.locator(".card img")
        assert all(cards.nth(i).get_attribute("loading") == "lazy" for i in range(cards.count()))
    assert image_server.seen and all(hit["referer"] is None for hit in image_server.seen)
    assert not errors, errors
    page.close()


def test_a_picture_far_down_a_list_is_not_fetched_until_the_reader_comes_near(browser, live_server, image_server):  # noqa: F811
    for i in range(30):  # one page of cards
        item = article(f"Harbour report {i}", hours_ago=i + 1, section="News", image="")
        _pictured(item, image_server, 100 + i, widths=(320, 640))
    from broadsheet.stories.models import Member

    for pk in set(Member.objects.values_list("story_id", flat=True)):
        refresh(pk)
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + "/section/news/")
    page.wait_for_timeout(800)
    fetched = {hit["path"] for hit in image_server.seen}
    assert "/pic/100-320.png" in fetched  # the first card's, at a thumbnail's width (96 px at 2x or less)
    assert not any(p.startswith("/pic/12") for p in fetched)  # cards 20-29, thousands of pixels down
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    wait_until(page, "[...document.querySelectorAll('.pic img')].slice(-1)[0].complete")
    assert any(hit["path"].startswith("/pic/129-") for hit in image_server.seen)
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_picture_that_fails_leaves_a_clean_card(browser, live_server, image_server, tmp_path, viewport):  # noqa: F811
    made = fill(image_server)
    page = browser.new_page(viewport=viewport)
    for path in ("/", "/section/arts-and-culture/", made["Storm closes the coast road"].get_absolute_url()):
        page.goto(live_server.url + path)
        load_every_picture(page)
        # no broken picture or icon is shown anywhere, and no empty box is left in its place
        shown_broken = page.evaluate("[...document.images].filter(i => i.naturalWidth === 0 && i.offsetParent !== null)"
                                     ".map(i => i.src)")
        assert shown_broken == [], path
        assert page.evaluate("[...document.querySelectorAll('.pic')].filter(p => p.offsetParent !== null)"
                             ".every(p => p.querySelector('img').naturalWidth > 0)"), path
    page.goto(live_server.url + "/")
    load_every_picture(page)
    for title in ("Storm closes the coast road", "Orchestra tours the north"):
        card = page.locator("article.card", has=page.get_by_role("link", name=title, exact=True))
        assert "no-pic" in card.get_attribute("class")
        assert card.locator(".pic").count() == 1 and not card.locator(".pic").is_visible()
        # the headline starts at the card's left edge: no gap where the picture was
        assert abs(card.locator(".card-title").bounding_box()["x"] - card.bounding_box()["x"]) < 1
    latest = page.locator("section.top .grid-top")
    assert latest.evaluate("e => getComputedStyle(e).gridTemplateColumns.split(' ').length") == 1  # no half-empty column
    icon = page.locator(".card-meta img.icon[src$='/icon/missing.png']").first
    assert not icon.is_visible()
    page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_with_pictures_pass_axe(browser, live_server, image_server, viewport):  # noqa: F811
    made = fill(image_server)
    page = browser.new_page(viewport=viewport)
    for path in ("/", "/section/technology/", made["Council votes to rebuild the river bridge"].get_absolute_url(),
                 f"/source/{made['Harbour dredging to begin'].source_id}/", f"/story/{made['story'].pk}/"):
        page.goto(live_server.url + path)
        load_every_picture(page)
        assert violations(page) == [], path
    page.close()
