"""Cleaning rules as data: phrase families seen across many publishers and languages.

Nothing here names a site. Each pattern is applied only to SHORT blocks (word limits
below) so a sentence of the story that happens to contain "subscribe" survives.
"""

from __future__ import annotations

import re

I = re.IGNORECASE | re.UNICODE

MAX_LINK_SHARE = 0.5  # a list item/heading whose text is mostly link text is navigation
MAX_LINK_SHARE_PARAGRAPH = 0.9  # prose paragraphs link a lot; only an all-link <p> is navigation
PROMPT_MAX_WORDS = 16
LABEL_MAX_WORDS = 4  # a run of LABEL_RUN blocks this short is a legend/menu, not story
LABEL_RUN = 3
CREDIT_MAX_WORDS = 14
DANGLING_MAX_WORDS = 15  # a last line this short ending in ":" or "," introduced something not kept

# Headings that open a list of other articles.
RELATED_HEADING = re.compile(
    r"^(?:read (?:more|also|next)|more (?:on|from|about|stories|news)|related(?: (?:articles?|stories|content|coverage|news|topics))?|"
    r"recommended(?: for you)?|further reading|weiterführende links|you may also like|you might also like|don'?t miss|most (?:read|popular)|trending|top stories|see also|"
    r"also on \S+|(?:lesen sie|lies) (?:auch|mehr)|mehr zum thema|ähnliche|auch interessant|weitere artikel|das könnte sie auch interessieren|"
    r"tags|schlagw(?:orte|örter)|themen|etiquetas|tópicos|mots-clés|(?:verwendete )?quellen|sources?(?: used)?|fuentes|fontes|"
    r"meistgelesen|empfehlungen|zum thema|les også|les mer|läs (?:också|mer)|læs også|lees ook|lire aussi|à lire aussi|sur le même sujet|"
    r"lea también|leer más|le puede interesar|te puede interesar|noticias relacionadas|leia (?:também|mais)|veja também|leggi anche|"
    r"potrebbe interessarti|articoli correlati|czytaj (?:też|także|więcej)|читайте также|по теме|дивіться також|"
    r"관련 ?기사|関連記事|あわせて読みたい|相关阅读|相關新聞|xem thêm|tin liên quan|baca juga)\b[\s:.»›>\-–—]*$",
    I,
)

# "Read also: <other headline>" in one line; ">> <teaser link>".
RELATED_INLINE = re.compile(RELATED_HEADING.pattern.replace(r"\b[\s:.»›>\-–—]*$", r"\s*[:»›>|\-–—]\s*\S"), I)
# A teaser headline tagged like "... amid China turmoil [VIDEO]".
TEASER_TAG = re.compile(r"\[(?:VIDEO|PICS|PHOTOS|INSIGHT|REACTION|REVEAL|LATEST|LIVE|POLL|ANALYSIS|UPDATE|EXCLUSIVE)\]\s*\|?$")
# "Also on rt.com <headline>", "<Site> 주요뉴스" (a site's "top news" box title).
ALSO_ON = re.compile(r"^also on [\w.-]+\.\w{2,}\s+\S", I)
SITE_TOP_NEWS = re.compile(r"^(?:\S+\s+)?(?:주요\s?뉴스|많이 본 뉴스|인기\s?기사|top stories|most read|most popular|más leídas|meistgelesen)$", I)
TEASER_ARROW = re.compile(r"^(?:>>|→|►|▶)\s*\S")  # not », which opens quotes in de/da/no
RELATED_INLINE_MAX_WORDS = 30

# Short blocks that prompt the reader instead of telling the story.
PROMPT = re.compile(
    r"\b(?:sign up|subscribe|subscription|newsletter|follow us|follow (?:him|her|them) on|share (?:this|on|via)|"
    r"like this story|click here|tap here|download (?:the|our) app|get the app|try (?:our|it) (?:free|for)|free trial|"
    r"join (?:us|our)|support (?:us|our journalism)|become a member|already a subscriber|log ?in to|sign in|"
    r"advertisement|sponsored|anzeige|werbung|publicidad|publicité|annonce|reklame|"
    r"abonn\w*|newsletter|kostenlos testen|jetzt (?:testen|lesen|registrieren|anmelden)|registrieren sie sich|"
    r"teilen sie|folgen sie|mehr erfahren|hier klicken|zum artikel|"
    r"suscr[ií]b\w*|síguenos|compartir|inscrivez|abonnez|partager|suivez|"
    r"iscriviti|seguici|condividi|assine|inscreva|siga-nos|"
    r"подпис\w*|поделиться|구독|購読|登録して|ein klick für den datenschutz|"
    r"(?:watch|listen|play)(?: the)? (?:video|now|here)|video (?:abspielen|ansehen)|\d{1,2}:\d{2} ?min\b|"
    r"whatsapp|instagram|facebook|social media|liveblog|live blog|news-?app|\bapp\b.{0,40}\b(?:android|ios)\b|"
    r"wie hat ihnen|how did you like|rate this|bewertung|feedback|ihre meinung|your (?:opinion|view)s? matters?|"
    r"unterstützen sie|unterstützung|lesen sie (?:auch|mehr|hier)|jetzt lesen|"
    r"^(?:hinweis|bitte beachten|disclaimer)\s*:?$|lesezeit|\bmin(?:ute)?s? read\b|reading time|min de lecture|minutos? de lectura|"
    r"reach the reporters?|on twitter at|email the (?:author|reporter)|contact the (?:author|reporter)|listen (?:to|back|live)\b|"
    r"(?:link zum|externer?|external|embedded) (?:\S+-)?(?:inhalt|content)|"
    r"^(?:mehr zum thema|more on this(?: story)?|read more about|plus sur ce sujet|más sobre)\b|"
    r"^(?:eigene recherchen?|own research|nachrichtenagentur(?:en)?)$|"
    r"follow (?:\S+ )?(?:full )?coverage|full coverage (?:of|at)|"
    r"url이 복사|(?:link|url) (?:copied|kopiert)|zitiervorschlag|cite this)",
    I,
)
PROMPT_STRONG_MAX_WORDS = 45
# Phrases that mark a promotion even in a longer block.
PROMPT_STRONG = re.compile(
    r"\b(?:sign up|subscribe|newsletter|free trial|kostenlos (?:testen|lesen)|abonnier\w*|abonnement|jetzt abonnieren|"
    r"whatsapp-kanal|suscríbete|abonnez-vous|iscriviti|assine|testen sie|ihre meinung ist uns wichtig|"
    r"senden sie uns (?:ihr|ihre|einen)|we(?:'d| would) love to hear from you|send us your (?:feedback|views|thoughts))\b",
    I,
)
# A link or form target that sells a subscription, membership or donation: the button of a
# promotion panel ("Jetzt bestellen" -> /abo/probeabo.php, "Support us" -> /contribute).
PROMO_TARGET = re.compile(
    r"/(?:abo|abos|abonnement|subscribe|subscription|subscriptions|membership|join|donate|contribute|support-us|"
    r"spenden|probeabo|premium|plus-abo|checkout|newsletter|newsletters)(?:[/?#._-]|$)",
    I,
)
PROMO_MAX_WORDS = 150  # a panel larger than this is not a promotion box
BOX_MAX_SHARE = 0.4  # nor a panel or widget holding this share of the words in the page's paragraphs

# A video/graphic caption: "18.04.2024 | 0:21 min".
# The date and duration a player prints after its caption: "... 16.04.2024 | 6:33 min".
MEDIA_STAMP = re.compile(r"\s*(?:\d{1,2}\.\d{1,2}\.\d{2,4}\s*)?\|?\s*\d{1,2}:\d{2}\s*min\.?\s*$", I)
MEDIA_CAPTION = re.compile(r"(?:\|\s*)?\d{1,2}:\d{2}\s*min\.?\s*$|^\S+ (?:infografik|grafik|infographic|graphic)$", I)
# A block that is only a date/time stamp: "sexta-feira, 22 de outubro de 2010 às 20:13", "18.05.2026", "Published 18 November 2019".
DATE_STAMP = re.compile(
    r"^(?:(?:published|updated|posted|veröffentlicht|aktualisiert|stand|publicado|actualizado|publié|mis à jour|pubblicato)\b[\s:]*)?"
    r"[\w,.\s:\-\[\]()]{0,40}\b(?:19|20)\d\d\b[\w,.\s:\-\[\]()]{0,24}$",
    I,
)
# The words a date stamp is made of besides digits: months and weekdays (en, de, fr, es, pt, it,
# nl, nordic; full and short), the labels above, and the glue between them. A line that matches
# DATE_STAMP but says more than STAMP_MAX_OTHER_WORDS other words is a sentence with a year in
# it ("Work starts in March 2026."), not a stamp.
STAMP_WORDS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
januar februar märz mai juni juli oktober dezember jän mär okt dez
janvier février mars avril juin juillet août septembre octobre novembre décembre janv févr avr juil déc
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre ene abr ago dic
janeiro fevereiro março maio junho julho setembro outubro dezembro fev set out dez
gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre gen mag giu lug ott
januari februari maart mei augustus oktober mars juni juli desember december okt des
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so
lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo
segunda terça quarta quinta sexta feira lunedì martedì mercoledì giovedì venerdì sabato domenica
published updated posted veröffentlicht aktualisiert stand publicado actualizado publié mis à jour pubblicato
last modified am um uhr at on of the de del à às a le el h hs hrs gmt utc cet cest et est edt pst pdt bst ist pm p m
""".split())
STAMP_MAX_OTHER_WORDS = 1

# A signature line: "MDR (dst)", "dpa (Engin Haupt, Alisa Sonntag)".
SIGNATURE = re.compile(r"^[A-ZÄÖÜ][\w.\-]{1,15}\s*\([^()]{1,60}\)$")
# A cited source in a list: "- nytimes.com: Behind the ...".
SOURCE_ITEM = re.compile(r"^- [\w.-]+\.(?:com|org|net|de|fr|es|it|co\.uk|uk|at|ch|nl|eu|int|gov|edu)\s*:\s", I)
# Template placeholders left in the page: "$$ARTICLEAD$$", "{{ad}}".
PLACEHOLDER = re.compile(r"^\W*(?:\$\$|\{\{|\[\[|%%)\w+(?:\$\$|\}\}|\]\]|%%)\W*$")
# Headings that open an author or company bio at the end.
# Only headings about the writer: "About <company>" closes a press release, whose readers (and
# the reference texts) keep it.
BIO_HEADING = re.compile(
    r"^(?:about (?:the )?(?:authors?|writers?|contributors?|reporters?)|die autorin|der autor|die autoren|zur person|"
    r"über (?:den|die) autor(?:in|en)?|à propos de l'auteur|sobre (?:el|la|o|a) autor[a]?|sobre los autores|"
    r"l'autore|om forfatteren)\s*:?$",
    I,
)
# A bio sentence: "<Name> is a reporter ...", "Korrespondent <Name> ist bei ...".
BIO_VERB = r"(?:\(\*?\d{4}\)\s*)?(?:is|was|ist|war|est|était|es|era|é|è|er|är|writes|schreibt|covers|berichtet|leitet|arbeitet|lives|lebt)\b"

# Photo/video credits and source lines.
CREDIT = re.compile(
    r"^(?:(?:photo|foto|fotos|bild|bilder|image|picture|pic|credit|credits|crédit|crédito|fuente|fonte|quelle|source|"
    r"ảnh|grafik|infografik|illustration|video|vídeo|kilde|källa|bron|źródło|источник|фото)\s*[:|/©]|©|\(c\)\s|"
    r"copyright\b|(?:mit|with|con|avec|met|med) (?:material|agenturmaterial|dpa|afp|ap|reuters|kna|epd)\b|"
    r"(?:additional )?reporting (?:by|from)\b|übersetzung\b|adaptierung\b|translation\s*:|editing by\b|(?:translated|übersetzt|traduit|traducido) (?:by|von|par|por)\b|"
    r"aus dem (?:englischen|französischen|spanischen|italienischen|russischen)\b|mitarbeit\s*:|"
    r"sendung\s*:|dieses thema im programm\s*:|this (?:story|article) (?:first )?appeared|"
    r"(?:this|the) (?:story|article) (?:was|has been) (?:updated|corrected))"
    r"|(?:/|\|)\s*(?:reuters|afp|ap|getty images?|dpa|epa|imago|picture alliance|shutterstock|istock)\b[\w ./-]*$"
    r"|^(?:[\w.\- ]{2,40})/(?:reuters|afp|ap|getty images?|dpa|epa(?:-efe)?|imago|anadolu|xinhua|shutterstock)\s*$",
    I,
)

# Page furniture that trafilatura sometimes keeps at the end.
BOILERPLATE = re.compile(
    r"(?:all rights reserved|alle rechte vorbehalten|todos los derechos reservados|tous droits réservés|"
    r"this copy is for your personal|order reprints|print article|an error has occurred|"
    r"write to .{1,60}? at \S+@|this article has been sent to|^https?://\S+$|^thank you$|^comments?$|^no comments yet|^kommentare?$|^hashtags$|^tags?\s*:|^share$|"
    r"^(?:teilen|share|compartir|partager|condividi)$|try our ai features|"
    r"^(?:embed|hauptinhalt|main content|skip to (?:main )?content|zum inhalt springen|advertisement|anzeige)$|"
    r"contributed (?:to )?this (?:report|story)|contributed reporting|"
    r"coment[aá]rios com|comment policy|kommentarfunktion|durchschnittliche bewertung|community members are treated|"
    r"^dieses thema im programm\s*:|\((?:abgerufen am|retrieved|accessed(?: on)?|consultado el|consulté le)\s*:?[^)]{0,40}\)\s*$)",
    I,
)

# Bylines repeated inside the text ("By Jane Doe", "Von Max Muster", "Por ...").
BYLINE = re.compile(r"^(?:by|von|vom|por|par|di|door|av|af|text|texte|autor|author)\s*:?\s+\S", I)

# Datelines and agency prefixes at the very start of the story.
DATELINE = re.compile(
    r"^(?:"
    r"(?:\(?(?i:cnn|ap|afp|reuters|dpa|upi|ians|pti|ani|efe|ansa|xinhua|mena|wam|spa|kyodo|yonhap|bloomberg)\)?\s*[—–-]+\s+)"
    r"|(?:[A-ZÄÖÜÉÈ][\w.'’ ,/-]{1,60}\s*\((?:AP|AFP|Reuters|dpa|UPI|IANS|PTI|ANI|EFE|ANSA|Xinhua|MENA|KNA|epd|SID|APA|sda|Keystone-SDA|CNN)\)"
    r"\s*[—–:-]+\s*)"
    r"|(?:[A-Z]{2,}(?:\s+[A-Z]{2,})*\s*//\s*)"
    r"|(?:[A-Z][A-Z .,'-]{2,40}\s+[—–]\s+)"
    r")"
)

# A last paragraph that is only an agency code / signature: "(MENA) M N E/R E E", "(dpa)", "AFP/kle".
AGENCY_CODE = re.compile(
    r"\(?(?:mena|dpa|afp|ap|reuters|apa|sda|kna|epd|sid|wam|spa|ians|pti)\)?(?:\s*[A-Z]{1,3}(?:/[A-Z]{1,3})?){0,8}\s*"
    r"|(?:[a-z]{2,5}/){1,3}[a-z]{2,5}|(?:dpa|afp|ap|reuters|apa|sda|kna|epd|sid)(?:/[\w-]{1,6})+|[A-Z](?:\s+[A-Z]){2,8}(?:/[A-Z](?:\s+[A-Z])*)?",
    I,
)
# The same codes glued to the end of the last paragraph.
TRAILING_CODE = re.compile(
    r"\s+(?:\((?:MENA|dpa|AFP|AP|Reuters|APA|sda|KNA|epd|SID|WAM|SPA)\)(?:\s+[A-Z](?:\s*[A-Z/])*)?"
    r"|[A-Z](?:\s+[A-Z]){2,}(?:/[A-Z](?:\s+[A-Z])*)+)\s*$"
)

# Keys under which client-rendered sites embed the article's HTML in a script.
EMBEDDED_CONTENT = re.compile(
    r'"(contentHtml|content_html|bodyHtml|body_html|articleBody|articleHtml|article_body|html|content|body|text)"\s*:\s*'
    r'"((?:[^"\\]|\\.){600,})"'
)

# Furniture by evidence (broadsheet/extract/furniture.py).
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
LINK_LABEL_MAX_WORDS = 3  # "MORE:", "READ MORE", "Lesen Sie auch" before a link: a link line
SIDE_BOX_DEPTH = 4  # levels above a link to look for the box it sits in
SIDE_BOX_MAX_WORDS = 120  # a larger box is a part of the page, not a teaser beside the story
SIDE_BOX_MIN_LINKED = 0.2  # share of the box's words that are link text
SIDE_BOX_MAX_SHARED = 0.2  # a box sharing fewer of its topic words with the rest is about something else
LINK_LINE_MAX_CHARS = 300  # a longer block is prose, whatever its links
LINK_LINE_MIN_WORDS = 3  # a link of fewer words is a name or a button ("Staff Reports"), not a headline

# A notice speaks to the reader: second-person words in the languages we see most. German's
# polite "Sie"/"Ihr" only capitalised and not opening a sentence (else "she", "they", "her").
READER_WORDS = frozenset("""
you your yours yourself vous votre vos usted ustedes você vocês voi vostro vostra uw jouw
""".split())
READER_WORDS_CASED = re.compile(r"(?<![.!?:]\s)(?<!^)\b(?:Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")
NOTICE_MAX_WORDS = 70  # a notice or wall at the start or end of the text is short
NOTICE_EDGE = 2  # paragraphs at each end of the text where a notice can stand
NOTICE_MAX_SHARED = 0.1  # share of its topic words found elsewhere in the text: none to speak of

# A correspondent line before the story, alone or glued to the dateline.
CORRESPONDENT = re.compile(
    r"^(?:from|by|von|de) (?:our|a|unserem|unserer|notre|nuestro) (?:own |special |foreign |staff |eigenen? )?"
    r"(?:correspondents?|reporters?|staff writers?|korrespondent(?:in|en)?|envoyée? spéciale?|corresponsal)"
    r"(?:\s+in\s+[A-Z][\w .'’-]{1,30})?\s*[-—–:,]*\s*",
    re.IGNORECASE,
)
# A leading run of capitals and the dash or colon after it: a dateline in any language.
CAPS_PREFIX = re.compile(r"^([^\W\d][^\n]{1,60}?)\s*(?:\s[-—–]+|:)\s+")
CAPS_PREFIX_MAX_WORDS = 8
