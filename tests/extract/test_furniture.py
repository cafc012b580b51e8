"""Furniture found by evidence in the page (issue 10): link lines, side boxes about other
stories, notices, sign-up confirmations, figure texts, correspondent lines and lines broken
mid-sentence. Each rule has a page it must clean and a page it must leave alone."""

from __future__ import annotations

from broadsheet.extract import extract
from broadsheet.extract.body import clean
from tests.extract.pages import STORY, page

URL = "https://news.example.org/2024/05/bridge"


def body_of(html: str) -> str:
    return extract(html, URL).body


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_a_label_and_a_link_to_another_story_is_a_link_line():
    line = '<p>READ MORE <a href="/2024/05/fair">Police arrest two men after a brawl at the county fair</a></p>'
    html = page(*STORY[:2], after=line + paragraphs(*STORY[2:]))
    body = body_of(html)
    assert "county fair" not in body
    assert body.split("\n\n") == STORY


def test_a_lone_link_between_paragraphs_is_a_link_line():
    line = '<a href="https://world.example.org/"><strong>Read the world news in English</strong></a>'
    body = body_of(page(*STORY[:2], after=line + paragraphs(*STORY[2:])))
    assert "world news in English" not in body


def test_a_sentence_with_a_link_in_it_stays():
    sentence = ('The plan follows <a href="/2023/10/flood">last winter\'s floods, which closed the crossing twice</a> '
                "and cut the market off from the eastern villages for a week.")
    body = body_of(page(*STORY[:2], after=paragraphs(sentence, *STORY[2:])))
    assert "cut the market off from the eastern villages" in body


def test_an_embedded_posts_signature_line_stays():
    post = ('<blockquote class="embedded-post"><p>The new bridge design is out, and it looks great for cyclists.</p>'
            '<p>— Town Cycling Club (@towncycling) <a href="https://social.example.com/towncycling/1">May 3, 2024</a></p>'
            "</blockquote>")
    body = body_of(page(*STORY[:2], after=post + paragraphs(*STORY[2:])))
    assert "Town Cycling Club" in body


FOOTBALL_BOX = ('<div class="c-box-7"><a href="/sport/2024/05/derby"><h3>Rovers win the derby in extra time</h3></a>'
                "<p>A late header from the captain settled a tense match in front of a sold-out stadium.</p></div>")


def test_a_box_about_another_story_inside_the_article_is_dropped():
    body = body_of(page(*STORY[:2], after=FOOTBALL_BOX + paragraphs(*STORY[2:])))
    assert "late header" not in body and "derby" not in body
    assert body.split("\n\n") == STORY


def test_a_box_on_the_storys_own_topic_stays():
    box = ('<div class="explainer"><a href="/2023/10/flood">The river bridge and last winter\'s floods</a>'
           "<p>The council closed the river bridge twice last winter when the floods rose above the pillars.</p></div>")
    body = body_of(page(*STORY[:2], after=box + paragraphs(*STORY[2:])))
    assert "rose above the pillars" in body


def test_a_press_releases_about_the_company_section_stays():
    about = ('<div class="boilerplate"><h3>About Bridgeco</h3><p>Bridgeco builds footbridges, ferries and piers for '
             'harbour authorities in twelve countries. Learn more at <a href="https://www.bridgeco.example.com/">'
             "www.bridgeco.example.com</a>.</p></div>")
    body = body_of(page(*STORY, after=about))
    assert "About Bridgeco" in body and "harbour authorities in twelve countries" in body


BROWSER_NOTICE = ("Thank you for visiting example.org. You are using a browser version with limited support for CSS. "
                  "To obtain the best experience, we recommend you use a more up to date browser.")


def test_a_notice_to_the_reader_at_the_start_is_dropped():
    body = body_of(page(*STORY, before=f'<div class="c-box-1"><p>{BROWSER_NOTICE}</p></div>'))
    assert "browser version" not in body
    assert body.split("\n\n") == STORY


def test_a_lede_that_speaks_to_the_reader_stays():
    lede = ("If you cross the river bridge every morning, you will need another route: the council voted on Tuesday "
            "to rebuild the old bridge after almost ten years of debate.")
    body = body_of(page(lede, *STORY[1:]))
    assert body.split("\n\n")[0] == lede


def test_a_sign_up_confirmation_is_dropped():
    box = '<div class="c-signup__done"><p>Thanks for signing up! Check your inbox to confirm.</p></div>'
    body = body_of(page(*STORY[:2], after=box + paragraphs(*STORY[2:])))
    assert "signing up" not in body
    assert body.split("\n\n") == STORY


def test_a_cookie_notice_named_by_its_id_is_dropped():
    notice = ('<div id="gdpr-text"><p>This site uses cookies to measure traffic and to show advertising. '
              "Choose which ones to allow in the settings.</p></div>")
    body = body_of(page(*STORY[:2], after=notice + paragraphs(*STORY[2:])))
    assert "uses cookies" not in body


def test_a_story_paragraph_about_cookies_stays():
    sentence = ("The bakery on the market street, which sells cookies and bread, said it would stay open during the "
                "eighteen months of construction work on the bridge.")
    body = body_of(page(*STORY[:2], after=paragraphs(sentence, *STORY[2:])))
    assert sentence in body


def test_a_correspondent_line_and_its_place_are_cut_and_the_story_kept():
    first = f"<p><strong>FROM OUR CORRESPONDENT</strong><br>NEW YORK - {STORY[0]}</p>"
    body = body_of(page(*STORY[1:], before=first))
    assert body.split("\n\n") == STORY


def test_a_correspondent_line_glued_to_the_first_paragraph_is_cut():
    assert clean("\n".join(["FROM OUR CORRESPONDENT NEW YORK - " + STORY[0], *STORY[1:]])) == "\n\n".join(STORY)


def test_a_first_paragraph_that_starts_with_a_place_or_with_reporters_stays():
    for first in ("New York is bracing for a storm that forecasters said would bring a foot of snow by Friday.",
                  "Reporters were barred from the hearing on Tuesday, the court said in a statement released later."):
        assert clean("\n".join([first, *STORY[1:]])) == "\n\n".join([first, *STORY[1:]])


def test_a_paragraph_broken_mid_sentence_is_put_back_together():
    broken = "<p>The mayor said the temporary footbridge<br>would open in May, after the last inspection of the pillars.</p>"
    body = body_of(page(*STORY, after=broken))
    assert body.split("\n\n")[-1] == ("The mayor said the temporary footbridge would open in May, after the last "
                                      "inspection of the pillars.")


def test_a_heading_and_a_list_in_lower_case_stay_apart():
    raw = "\n".join([*STORY[:2], "Opening hours", "weekdays from eight to six", STORY[2]])
    assert clean(raw).split("\n\n")[2:4] == ["Opening hours", "weekdays from eight to six"]
