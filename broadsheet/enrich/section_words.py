"""What publishers call their sections, in the languages we crawl, mapped onto our taxonomy.

Data only: `sections.hint_section` matches these against a page's `article:section`,
JSON-LD `articleSection`, breadcrumb, feed categories and URL path segments, after
lower-casing and folding accents ("Économie" and "economie" are one word, "Fußball" is
"fussball"). Each entry is a word or a phrase of whole words. Order matters: the first
section with a match wins, so Opinion comes first (an opinion piece about sport is
Opinion), the topics next, and the generic news words last.

Languages: en, de, fr, es, it, pt, nl, sv (and the words the others share).
"""

OPINION = "Opinion & Analysis"
GENERIC = "News"

SECTION_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (OPINION, (
        # en
        "opinion", "opinions", "comment", "commentisfree", "commentary", "editorial", "editorials", "column",
        "columns", "columnist", "columnists", "op ed", "oped", "analysis", "perspective", "perspectives",
        "viewpoint", "viewpoints", "views", "letters", "leaders", "essay", "sunday review",
        # de
        "meinung", "meinungen", "kommentar", "kommentare", "leitartikel", "kolumne", "kolumnen", "gastbeitrag",
        "gastkommentar", "analyse", "standpunkt", "debatte",
        # fr
        "tribune", "tribunes", "chronique", "chroniques", "point de vue", "points de vue", "debats", "idees",
        # es
        "opinion", "columna", "columnas", "tribuna", "analisis", "cartas al director",
        # it
        "opinioni", "commento", "commenti", "editoriale", "editoriali", "analisi",
        # pt
        "opiniao", "coluna", "colunas", "colunistas", "analise", "artigos",
        # nl
        "opinie", "commentaar", "columnisten", "beschouwing",
        # sv
        "ledare", "ledarsidan", "debatt", "kronika", "kronikor", "asikt", "analys", "kolumn",
    )),
    ("Politics", (
        "politics", "political", "election", "elections", "government", "parliament", "congress", "white house",
        "westminster", "policy",
        "politik", "wahl", "wahlen", "bundestag", "regierung",
        "politique", "elections", "gouvernement",
        "politica", "elecciones", "gobierno",
        "elezioni", "governo", "parlamento",
        "eleicoes",
        "politiek", "verkiezingen",
        "riksdagen", "inrikespolitik",
    )),
    ("Business", (
        "business", "economy", "economics", "markets", "market", "finance", "money", "your money", "companies",
        "industry", "trade", "banking", "stocks", "dealbook",
        "wirtschaft", "finanzen", "unternehmen", "borse", "boerse", "geld",
        "economie", "entreprises", "bourse", "argent", "marches",
        "economia", "negocios", "empresas", "mercados", "finanzas", "dinero",
        "finanza", "mercati", "aziende", "borsa",
        "mercado", "financas", "dinheiro",
        "financien", "beurs", "bedrijven",
        "ekonomi", "naringsliv", "borsen", "pengar", "privatekonomi",
    )),
    ("Technology", (
        "tech", "technology", "science and tech", "gadgets", "computing", "internet", "digital", "cyber", "ai",
        "technik", "netzwelt",
        "technologie", "numerique", "high tech", "pixels",
        "tecnologia", "hi tech",
        "tec",
        "teknik", "digitalt",
    )),
    ("Science", (
        "science", "sciences", "space", "environment", "climate", "nature", "astronomy",
        "wissenschaft", "wissen", "umwelt", "klima", "weltraum", "forschung",
        "environnement", "climat", "planete",
        "ciencia", "medio ambiente", "clima",
        "scienza", "scienze", "ambiente",
        "meio ambiente",
        "wetenschap", "klimaat", "milieu",
        "vetenskap", "klimat", "miljo", "forskning",
    )),
    ("Health", (
        "health", "medicine", "medical", "wellness", "well", "coronavirus", "covid",
        "gesundheit", "medizin",
        "sante", "medecine",
        "salud", "medicina",
        "salute", "sanita",
        "saude",
        "gezondheid",
        "halsa", "medicin", "vard",
    )),
    ("Sports", (
        "sport", "sports", "football", "soccer", "cricket", "rugby", "tennis", "golf", "nba", "nfl", "nhl", "mlb",
        "olympics", "formula 1", "formula one", "f1", "athletics", "boxing", "baseball", "basketball", "hockey",
        "fussball", "bundesliga",
        "foot", "cyclisme",
        "deportes", "futbol", "baloncesto",
        "calcio",
        "esporte", "esportes", "desporto", "futebol",
        "voetbal",
        "fotboll", "idrott",
    )),
    ("Arts & Culture", (
        "arts", "art", "culture", "entertainment", "film", "films", "movies", "music", "books", "tv",
        "television", "theatre", "theater", "showbiz", "celebrity", "media", "stage", "games", "gaming", "dance",
        "kultur", "feuilleton", "kino", "musik", "bucher", "buecher", "literatur", "fernsehen",
        "cinema", "musique", "livres", "spectacles", "medias",
        "cultura", "cine", "musica", "libros", "espectaculos",
        "spettacoli", "libri",
        "livros", "ilustrada",
        "cultuur", "kunst", "muziek", "boeken",
        "noje", "bocker",
    )),
    ("Lifestyle", (
        "lifestyle", "life", "living", "travel", "food", "fashion", "style", "home", "homes", "property",
        "real estate", "family", "recipes", "wellbeing", "relationships", "motoring", "cars", "t magazine",
        "leben", "reise", "reisen", "stil", "mode", "essen", "genuss", "auto", "familie",
        "voyage", "voyages", "cuisine", "maison", "famille", "art de vivre",
        "estilo", "estilo de vida", "viajes", "gastronomia", "moda", "vivienda", "familia",
        "viaggi", "cucina", "casa", "stile",
        "viagem", "viagens", "comida",
        "reizen", "wonen", "eten",
        "livsstil", "resor", "mat", "bostad", "familj",
    )),
    (GENERIC, (
        "news", "world", "national", "local", "uk", "us", "u s", "international", "europe", "africa", "asia",
        "americas", "middle east", "crime", "weather", "breaking", "nyregion", "metro",
        "nachrichten", "welt", "ausland", "inland", "panorama", "deutschland",
        "actualite", "actualites", "monde", "france", "societe", "faits divers",
        "noticias", "internacional", "mundo", "nacional", "sociedad", "espana", "sucesos",
        "notizie", "cronaca", "esteri", "italia", "attualita",
        "brasil", "sociedade", "cotidiano",
        "nieuws", "binnenland", "buitenland",
        "nyheter", "inrikes", "utrikes", "sverige", "varlden",
    )),
]

# Words in a byline's role that mark an opinion writer, in the same languages.
OPINION_ROLES = (
    "columnist", "opinion", "editorial board", "op ed", "guest", "commentator", "contributing writer",
    "kolumnist", "kommentator", "gastautor", "chroniqueur", "editorialiste", "columnista", "editorialista",
    "opinionista", "colunista", "columnist", "kronikor", "ledarskribent",
)
