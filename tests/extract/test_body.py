"""Each body-cleaning rule on a small page written for it."""

from __future__ import annotations

import json

from broadsheet.extract import extract
from broadsheet.extract.body import clean
from tests.extract.pages import STORY, page


def body_of(html: str, url: str = "https://news.example.org/2024/05/bridge") -> str:
    return extract(html, url).body


def test_it_keeps_the_story_paragraphs_in_order():
    body = body_of(page())
    assert body.split("\n\n") == STORY


def test_it_drops_figure_captions_and_photo_credits():
    figure = ('<figure><img src="/a.jpg"><figcaption><span>Workers inspect the cracked pillar of the bridge on Monday.</span>'
              "<span>Jane Roe/Reuters</span></figcaption></figure>")
    body = body_of(page(*STORY[:2], before=figure, after="<p>Photo: City archive</p>"))
    assert "cracked pillar" not in body and "Reuters" not in body and "City archive" not in body
    assert STORY[0] in body


def test_it_drops_a_credit_line_with_an_agency():
    assert clean("A story paragraph that is long enough to stay in place here.\nJohn Smith/AFP") == (
        "A story paragraph that is long enough to stay in place here.")


def test_it_drops_read_more_blocks_and_their_links():
    related = ('<h3>Read more</h3><ul><li><a href="/x">Town hall roof repaired after storm</a></li>'
               '<li><a href="/y">New bus line opens next month</a></li></ul>')
    body = body_of(page(*STORY, after=related))
    assert "Read more" not in body and "bus line" not in body
    assert body.endswith(STORY[-1])


def test_it_drops_inline_read_also_lines_in_several_languages():
    raw = "\n".join([STORY[0], "Les også: Ny bro åpner i sommer", STORY[1], "Lesen Sie auch: Die Brücke ist fertig", STORY[2]])
    assert clean(raw) == "\n\n".join(STORY[:3])


def test_it_drops_newsletter_and_subscription_prompts():
    raw = "\n".join([STORY[0], "Sign up for our free morning newsletter", STORY[1],
                     "Jetzt abonnieren und zwei Wochen kostenlos testen", STORY[2]])
    assert clean(raw) == "\n\n".join(STORY[:3])


def test_it_drops_share_and_follow_prompts():
    raw = "\n".join([STORY[0], "Share this on WhatsApp", "Follow us on Instagram", STORY[1]])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_keeps_a_story_sentence_that_mentions_subscriptions():
    sentence = ("The newspaper said its number of subscriptions rose by a third last year, mostly among readers under "
                "thirty who pay for the digital edition, according to figures it released on Monday after the board meeting.")
    assert clean(sentence) == sentence


def test_it_drops_lists_of_other_headlines():
    links = "".join(f'<li><a href="/n{i}">Other headline number {i} about something else</a></li>' for i in range(5))
    body = body_of(page(*STORY, after=f"<ul>{links}</ul>"))
    assert "Other headline" not in body


def test_it_keeps_a_list_that_belongs_to_the_story():
    facts = "<ul><li>The bridge will be 240 metres long.</li><li>Work starts in March next year.</li></ul>"
    body = body_of(page(*STORY[:2], after=facts))
    assert "240 metres long" in body and "Work starts in March" in body


def test_it_keeps_subheads_and_quotes():
    html = page(STORY[0], before="", after='<h2>What happens next</h2><blockquote><p>"We will build it to last a century," '
                'the chief engineer told the meeting on Tuesday evening.</p></blockquote>' + "".join(f"<p>{p}</p>" for p in STORY[1:]))
    body = body_of(html)
    assert "What happens next" in body and "build it to last a century" in body


def test_it_strips_a_cnn_style_dateline():
    assert clean("CNN — " + STORY[0]) == STORY[0]


def test_it_strips_a_city_and_agency_dateline():
    assert clean("WASHINGTON (AP) — " + STORY[0]) == STORY[0]
    assert clean("Berlin (dpa) - " + STORY[0]) == STORY[0]


def test_it_strips_a_wire_prefix():
    assert clean("OPEN// " + STORY[0]) == STORY[0]


def test_it_strips_agency_codes_at_the_end():
    assert clean(STORY[0] + "\n" + STORY[1] + " (MENA) M N E/R E E") == "\n\n".join(STORY[:2])
    assert clean(STORY[0] + "\ndpa/abc") == STORY[0]


def test_it_drops_an_author_bio_at_the_end():
    raw = "\n".join([*STORY, "Jane Doe is a reporter covering city hall and transport for the paper since 2019."])
    assert clean(raw, people=["Jane Doe"]) == "\n\n".join(STORY)


def test_a_press_release_keeps_its_closing_about_the_company_section():
    about = ["About Bridgeco", "Bridgeco is a leading builder of bridges with offices in twelve countries."]
    assert clean("\n".join([*STORY, *about])) == "\n\n".join([*STORY, *about])


def test_it_drops_an_about_the_author_section_at_the_end():
    raw = "\n".join([*STORY, "About the author", "She has covered the town's infrastructure for two decades."])
    assert clean(raw) == "\n\n".join(STORY)


def test_it_drops_the_headline_and_byline_repeated_in_the_text():
    raw = "\n".join(["Council votes to rebuild the river bridge", "By Jane Doe", *STORY])
    assert clean(raw, titles=["Council votes to rebuild the river bridge"], people=["Jane Doe"]) == "\n\n".join(STORY)


def test_it_drops_date_stamps_and_template_placeholders():
    raw = "\n".join([STORY[0], "Published 18 November 2019", "$$ARTICLEAD$$", STORY[1]])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_aggregator_chrome():
    raw = "\n".join([*STORY[:2], "Comments", "No comments yet...", "Hashtags", "Try Our AI Features"])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_video_duration_captions():
    raw = "\n".join([STORY[0], "Ministers met in Brussels to discuss the bridge. 18.04.2024 | 0:21 min", STORY[1]])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_puts_back_a_visible_standfirst():
    standfirst = "After ten years of debate the town will finally replace its crumbling crossing over the river."
    html = page(*STORY, head=f'<meta property="og:description" content="{standfirst}">',
                before=f'<div class="standfirst">{standfirst}</div>')
    assert body_of(html).split("\n\n")[0] == standfirst


def _page_with_header_standfirst(story: list[str], meta: str, shown: str) -> str:
    """The summary sits in the page header, outside the <article> trafilatura reads."""
    return page(*story, head=f'<meta property="og:description" content="{meta}">').replace(
        "<main>", f'<main><div class="article-header"><p class="lead">{shown}</p></div>')


def test_it_puts_back_a_standfirst_whose_words_recur_later_in_the_story():
    # Every word of this summary occurs somewhere in the story, but not the summary itself.
    standfirst = "The council will replace the bridge over the river after years of debate, the mayor said."
    story = [STORY[0], "The mayor said the river crossing had been the subject of years of debate in the council.",
             "Work to replace the bridge over the river will start after the summer, the council said."]
    body = body_of(_page_with_header_standfirst(story, standfirst, standfirst))
    assert body.split("\n\n") == [standfirst, *story]


def test_it_matches_a_standfirst_shown_with_soft_hyphens():
    standfirst = "After ten years of debate the town will finally replace its crumbling crossing over the river."
    shown = standfirst.replace("crumbling", "crum\u00adbling").replace("finally", "fi\u00adnally")
    body = body_of(_page_with_header_standfirst(STORY, standfirst, shown))
    assert body.split("\n\n") == [standfirst, *STORY]


def test_it_drops_a_last_line_that_introduces_a_widget_not_in_the_text():
    raw = "\n".join([*STORY[:2], "- Router with modem:", "Further reading", "Deal of the day",
                     "If you want to buy, please use one of the following links,"])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_keeps_a_closing_sentence_that_introduces_embedded_posts():
    raw = "\n".join([*STORY[:2], "Residents at the meeting seemed a bit confused by the decision:"])
    assert clean(raw).endswith("seemed a bit confused by the decision:")


def test_it_ignores_a_description_the_page_does_not_show():
    hidden = "Search engine summary that readers never see on the page itself at all, only robots do."
    html = page(*STORY, head=f'<meta property="og:description" content="{hidden}">')
    assert hidden not in body_of(html)


def test_it_recovers_text_serialised_in_a_script_of_a_client_rendered_page():
    import json

    inner = "".join(f"<p>{p}</p>" for p in STORY)
    state = json.dumps({"props": {"article": {"contentHtml": inner}}})
    html = (f'<html lang="en"><head><title>Bridge</title></head><body><div id="root"></div>'
            f"<script>window.__STATE__ = {state};</script></body></html>")
    assert body_of(html).split("\n\n") == STORY


def test_it_prefers_the_full_json_ld_article_body_when_the_page_shows_only_part():
    full = "\n".join(STORY + [s.replace("bridge", "crossing") for s in STORY])
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge", "articleBody": full}
    body = body_of(page(*STORY[:2], ld=ld))
    assert len(body.split("\n\n")) == 8


def test_it_drops_runs_of_chart_labels_but_keeps_a_lone_subhead():
    raw = "\n".join([STORY[0], "Machines", "Chemicals", "Textiles", STORY[1], "What happens next", STORY[2]])
    assert clean(raw) == "\n\n".join([STORY[0], STORY[1], "What happens next", STORY[2]])


def test_it_drops_tag_lists_after_a_tags_heading():
    raw = "\n".join([*STORY[:2], "Tags", "bridge, river, council, town hall, budget"])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_teaser_headlines_tagged_video():
    raw = "\n".join([STORY[0], "Storm closes the old bridge again [VIDEO]", STORY[1]])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_reading_time_contributor_notes_and_signatures():
    raw = "\n".join(["- 3 min read", *STORY[:2], "MDR (dst)",
                     "Associated Press writers Ann Fay and Bo Lee contributed to this report."])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_the_byline_repeated_as_a_list_of_names():
    raw = "\n".join([*STORY[:2], "Anna Berg, Lea Wagner"])
    assert clean(raw, people=["Anna Berg", "Lea Wagner"]) == "\n\n".join(STORY[:2])


def test_it_drops_source_lists():
    raw = "\n".join([*STORY[:2], "Sources", "- Own research", "- nytimes.com: Behind the bridge"])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_embed_placeholders():
    raw = "\n".join([STORY[0], "Link zum YouTube-Inhalt", STORY[1]])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_captions_marked_by_class_outside_figcaption():
    caption = '<div class="image-caption">Interim coach Uwe Muster at training</div>'
    body = body_of(page(*STORY[:2], before=caption))
    assert "Interim coach" not in body


def test_a_caption_that_repeats_a_story_sentence_leaves_one_copy():
    raw = "\n".join([STORY[0], STORY[1], STORY[1]])
    from broadsheet.extract.body import _key

    assert clean(raw, captions={_key(STORY[1])}) == "\n\n".join(STORY[:2])


def test_it_drops_cited_source_items_and_own_research_notes():
    raw = "\n".join([*STORY[:2], "- Own research", "- nytimes.com: Behind the bridge deal", "- reuters.com: Council vote"])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_also_on_teasers_coverage_links_and_site_top_news_boxes():
    raw = "\n".join([STORY[0], "Also on example.com Council plans new tram line", STORY[1],
                     "Follow AP's full coverage of the bridge at https://apnews.example/bridge",
                     "Entermedia 주요뉴스", "- 다른 기사 제목", STORY[2]])
    assert clean(raw) == "\n\n".join(STORY[:3])


def test_it_drops_blocks_missing_from_a_complete_json_ld_article_body():
    widget = "<p>Weekly shopping deals from our partner store, fresh every Monday morning for loyal readers of this site.</p>"
    ld = {"@type": "NewsArticle", "headline": "Bridge", "articleBody": "\n".join(STORY)}
    body = body_of(page(*STORY, after=widget, ld=ld))
    assert "shopping deals" not in body and body.split("\n\n") == STORY


def test_it_puts_back_a_subhead_trafilatura_dropped_between_two_kept_paragraphs():
    from broadsheet.extract.body import collect_subheads, restore_subheads
    from broadsheet.extract.core import load_html

    tree = load_html(page(STORY[0], STORY[1], STORY[2]).replace(
        f"<p>{STORY[1]}</p>", f"<h2>What the engineers found</h2><p>{STORY[1]}</p>"))
    text = "\n\n".join(STORY[:3])  # what the extractor kept: the paragraphs, not the subhead
    assert restore_subheads(text, collect_subheads(tree)).split("\n\n") == [
        STORY[0], "What the engineers found", STORY[1], STORY[2]]


def test_it_does_not_put_back_a_linked_heading():
    from broadsheet.extract.body import collect_subheads

    from broadsheet.extract.core import load_html
    tree = load_html(page(STORY[0], STORY[1]).replace(
        f"<p>{STORY[1]}</p>", f'<h3><a href="/other">Another story entirely</a></h3><p>{STORY[1]}</p>'))
    assert collect_subheads(tree) == []


def test_it_drops_a_subscription_panel_whose_lines_never_name_the_offer():
    panel = ('<div class="box"><p>Two weeks free</p><p>Borders were redrawn by force before, and this paper reported '
             'on it then as it does now, every day, without fear of the powerful.</p>'
             '<p>Get to know us: try the printed paper for two weeks. Testen Sie uns, it ends by itself.</p>'
             '<div class="btn"><a href="/abo/trial.php">Order now</a></div></div>')
    body = body_of(page(*STORY, after=panel))
    assert body.split("\n\n") == STORY


def test_it_keeps_a_story_box_that_links_to_a_subscription_page_without_asking():
    box = ('<div class="box"><p>The council will publish the full plans for the new bridge on its website next week, '
           'the mayor said.</p><a href="/newsletter/">Our newsletter</a></div>')
    assert "publish the full plans" in body_of(page(*STORY, after=box))


def test_it_drops_poll_questions_and_dialog_messages():
    widgets = ('<div class="article-poll"><p>Should the town build a tunnel instead of a new bridge?</p>'
               '<label>Yes</label><label>No</label></div>'
               '<div class="save-modal"><p>Article saved to your reading list successfully</p></div>')
    body = body_of(page(STORY[0], STORY[1], after=widgets))
    assert body.split("\n\n") == STORY[:2]


def test_it_drops_the_headline_repeated_with_its_kicker():
    title = "Council votes to rebuild the river bridge"
    raw = "\n".join([f"Ten years of debate - {title}", *STORY[:2]])
    assert clean(raw, titles=[title]) == "\n\n".join(STORY[:2])


def test_it_drops_feedback_requests_citation_lines_and_programme_notes():
    raw = "\n".join([*STORY[:2],
                     "Ihre Meinung ist uns wichtig. Senden Sie uns Ihr Feedback zu diesem Artikel an: briefe@zeitung.example",
                     "Dieses Thema im Programm: Das Radio | Nachrichten | 28. April 2023 | 10:00 Uhr und danach im Fernsehen",
                     "Bridge vote: . In: Town Online, 20.10.2025 , https://town.example/a/1 (abgerufen am: 20.10.2025 )"])
    assert clean(raw) == "\n\n".join(STORY[:2])


def test_it_drops_a_fact_box_marked_complementary():
    box = ('<fact-box role="complementary" aria-label="Facts about the bridge"><h3>Facts about the bridge</h3><ul>'
           "<li>The old bridge was built in 1911 and carries about nine thousand cars a day.</li>"
           "<li>It has been closed for repairs four times in the last ten years.</li></ul></fact-box>")
    body = body_of(page(*STORY).replace(f"<p>{STORY[1]}</p>", f"<p>{STORY[1]}</p>{box}"))
    assert body.split("\n\n") == STORY


def test_it_drops_a_video_caption_the_page_declares_in_json_ld():
    caption = ("The mayor explains why the council chose to rebuild the bridge rather than repair it once more, "
               "and what the town will do for the shops on the market street while the crossing is closed next year.")
    video = {"@context": "https://schema.org", "@type": "VideoObject", "name": "Mayor on the bridge",
             "description": caption}
    html = page(STORY[0], STORY[1], after=f'<div class="player"><p>{caption} 16.04.2024 | 6:33 min</p></div>')
    html = html.replace("</head>", f'<script type="application/ld+json">{json.dumps(video)}</script></head>')
    assert body_of(html).split("\n\n") == STORY[:2]


def test_it_ignores_a_description_shown_only_in_a_teaser_below_the_story():
    standfirst = "After ten years of debate the town will finally replace its crumbling crossing over the river."
    teaser = f'<div class="more"><div class="card"><h3>Bridge</h3><div>{standfirst}</div></div></div>'
    html = page(*STORY, head=f'<meta property="og:description" content="{standfirst}">').replace(
        "</main>", f"</main>{teaser}")
    assert body_of(html).split("\n\n") == STORY


def test_it_drops_a_newsletter_box_with_a_script_button():
    box = ('<div class="paper"><h2>Newsletter: Bridge watch</h2><p>Every Monday the week\'s top stories from the '
           'town hall desk</p><button type="button"><span>Subscribe now</span></button></div>')
    assert body_of(page(*STORY, after=box)).split("\n\n") == STORY


def test_a_short_story_that_links_to_a_newsletter_keeps_its_other_paragraphs():
    brief = [
        "The town council approved the budget for the new bridge on Tuesday evening after a short debate.",
        "Building work is due to start in the spring and should take about two years, the mayor said.",
        ("The council will report on the works in its monthly newsletter, which residents can read "
         'on <a href="/newsletter/">the town website</a>.'),
    ]
    html = ('<!DOCTYPE html><html lang="en"><head><title>Bridge budget</title></head><body><main><article>'
            '<h1>Bridge budget approved</h1><div class="story">' + "".join(f"<p>{p}</p>" for p in brief)
            + "</div></article></main></body></html>")
    body = body_of(html)
    assert brief[0] in body and brief[1] in body


def test_a_short_story_in_a_wrapper_with_a_widget_class_is_not_a_widget():
    html = page(*STORY).replace("</h1>", '</h1><div class="story-modal-container">').replace(
        "</article>", "</div></article>")
    assert body_of(html).split("\n\n") == STORY


def test_a_paragraph_that_starts_with_a_caption_but_goes_on_is_kept():
    caption = "The council voted on Tuesday to rebuild the old river bridge after ten years of debate"
    raw = "\n".join([f"{caption}, officials said.", STORY[1]])
    assert clean(raw, captions={caption.lower()}) == "\n\n".join([f"{caption}, officials said.", STORY[1]])


def test_an_opening_paragraph_that_ends_with_the_headline_words_is_kept():
    title = "Council votes to rebuild the river bridge"
    first = f"Early on Tuesday morning the {title.lower()}"
    raw = "\n".join([first, *STORY[:2]])
    assert clean(raw, titles=[title]).split("\n\n")[0] == first


STORY_TWICE = STORY + [s.replace("bridge", "crossing").replace("council", "board") for s in STORY]


def test_when_a_guessing_rule_takes_most_of_the_story_the_safe_rules_alone_clean_it():
    # The JSON-LD articleBody holds an earlier, different version of the story: blocks of
    # ours missing from it are not furniture, and dropping them would lose the story.
    earlier = [f"Earlier version paragraph {n} said the vote on the river crossing was delayed to a later "
               "meeting because the engineers had not finished their report on the costs." for n in range(6)]
    ld = {"@type": "NewsArticle", "headline": "Bridge", "articleBody": "\n".join(STORY[:2] + earlier)}
    body = body_of(page(*STORY_TWICE, ld=ld))
    assert body.split("\n\n") == STORY_TWICE


def test_furniture_identified_by_the_page_stays_out_even_when_it_is_most_of_the_text():
    headlines = "".join(f'<li><a href="/n/{n}">Other headline number {n} about the regional football league '
                        f"and its new season</a></li>" for n in range(20))
    body = body_of(page(*STORY[:2], after=f"<ul>{headlines}</ul>"))
    assert body.split("\n\n") == STORY[:2]


MORE_STORY = [
    "Traffic will be diverted over the northern ring road, which the police expect to be busy during the morning rush in the first weeks.",
    "A local historian said the stone arches of the old structure date from the eighteenth century and asked that some of them be kept.",
    "The regional government has promised to pay for a third of the costs, with the rest coming from a loan the town will repay over thirty years.",
    "Fishermen who moor below the bridge will be offered places in the harbour basin until the new piers are finished next autumn.",
]


def test_json_ld_text_of_another_version_never_decides_which_paragraphs_stay():
    # articleBody of an earlier version: the first five paragraphs and three that were rewritten since.
    story = STORY + MORE_STORY
    rewritten = [f"In an earlier version, paragraph {n} reported that the vote had been postponed until the engineers "
                 "delivered a report on the costs of the project and the detour." for n in range(3)]
    ld = {"@type": "NewsArticle", "headline": "Bridge", "articleBody": "\n".join(story[:5] + rewritten)}
    assert body_of(page(*story, ld=ld)).split("\n\n") == story


def test_a_short_sentence_with_a_date_in_it_is_story_not_a_date_stamp():
    for line in ("Work starts in March 2026.", "Election results 2024", "Opened in 1887"):
        assert clean("\n".join([STORY[0], line, STORY[1]])) == "\n\n".join([STORY[0], line, STORY[1]])


def test_date_stamps_in_several_languages_are_dropped():
    for line in ("Updated Nov. 18, 2019, 4:15 p.m. ET", "Veröffentlicht am 18. Mai 2024 um 10:12 Uhr",
                 "sexta-feira, 22 de outubro de 2010 às 20:13", "Stand: 18.05.2026 14:03 Uhr"):
        assert clean("\n".join([STORY[0], line, STORY[1]])) == "\n\n".join(STORY[:2]), line
