"""Small word lists for typing names without a statistical NER model (spaCy models
cannot be downloaded here). Countries, large cities and regions are places; the rest
of the typing works from context (titles, organisation words, "said")."""

COUNTRIES = """Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria Azerbaijan Bahamas
Bahrain Bangladesh Barbados Belarus Belgium Belize Benin Bhutan Bolivia Bosnia Botswana Brazil Brunei Bulgaria
Burkina Burundi Cambodia Cameroon Canada Chad Chile China Colombia Comoros Congo Croatia Cuba Cyprus Czechia
Denmark Djibouti Dominica Ecuador Egypt Eritrea Estonia Eswatini Ethiopia Fiji Finland France Gabon Gambia Georgia
Germany Ghana Greece Grenada Guatemala Guinea Guyana Haiti Honduras Hungary Iceland India Indonesia Iran Iraq
Ireland Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Kiribati Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon
Lesotho Liberia Libya Liechtenstein Lithuania Luxembourg Madagascar Malawi Malaysia Maldives Mali Malta
Mauritania Mauritius Mexico Moldova Monaco Mongolia Montenegro Morocco Mozambique Myanmar Namibia Nauru Nepal
Netherlands Nicaragua Niger Nigeria Norway Oman Pakistan Palau Palestine Panama Paraguay Peru Philippines Poland
Portugal Qatar Romania Russia Rwanda Samoa Senegal Serbia Seychelles Singapore Slovakia Slovenia Somalia Spain
Sudan Suriname Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand Togo Tonga Tunisia Turkey Türkiye
Turkmenistan Tuvalu Uganda Ukraine Uruguay Uzbekistan Vanuatu Venezuela Vietnam Yemen Zambia Zimbabwe England
Scotland Wales Britain Europe Africa Asia America Antarctica Gaza Crimea Kashmir Tibet Greenland""".split()
MULTIWORD_PLACES = {"united states", "united kingdom", "north korea", "south korea", "south africa", "new zealand",
                    "saudi arabia", "sri lanka", "costa rica", "el salvador", "ivory coast", "czech republic",
                    "dominican republic", "united arab emirates", "west bank", "hong kong", "new york", "los angeles",
                    "san francisco", "rio de janeiro", "buenos aires", "mexico city", "tel aviv", "new delhi",
                    "abu dhabi", "cape town", "kuala lumpur", "northern ireland", "middle east", "latin america",
                    "north america", "south america", "east asia", "red square", "wall street", "downing street",
                    "washington dc", "las vegas", "silicon valley", "south china sea", "black sea", "european union"}
CITIES = """London Paris Berlin Madrid Rome Moscow Kyiv Kiev Beijing Shanghai Tokyo Seoul Pyongyang Delhi Mumbai
Karachi Lahore Islamabad Kabul Tehran Baghdad Damascus Beirut Jerusalem Cairo Istanbul Ankara Athens Vienna Prague
Warsaw Budapest Brussels Amsterdam Dublin Edinburgh Glasgow Manchester Liverpool Birmingham Leeds Bristol Cardiff
Belfast Lisbon Stockholm Oslo Copenhagen Helsinki Geneva Zurich Milan Munich Frankfurt Hamburg Barcelona Sydney
Melbourne Toronto Montreal Vancouver Ottawa Chicago Washington Boston Houston Dallas Miami Atlanta Seattle Denver
Philadelphia Detroit Nairobi Lagos Johannesburg Riyadh Dubai Doha Tripoli Khartoum Kharkiv Odesa Donetsk Bryansk
Kursk Minsk Tbilisi Baku Yerevan Singapore Bangkok Jakarta Manila Hanoi Taipei Brasilia Santiago Lima Bogota
Caracas Havana Algiers Tunis Rabat Sirte Benghazi Mosul Aleppo Kharkov California Texas Florida Ohio Georgia
Virginia Carolina Arizona Nevada Michigan Pennsylvania Illinois Oregon Alaska Hawaii Bavaria Siberia Yorkshire
Kent Essex Surrey Sussex Cornwall Devon Istanbul Hollywood Westminster Brexit""".split()
PLACES = {w.lower() for w in COUNTRIES + CITIES if w != "Brexit"} | MULTIWORD_PLACES
# German names of countries, regions and cities that differ from the English ones: in German
# text a lone capitalised word needs evidence to count as a name (tags._named).
PLACES_DE = {w.lower() for w in """Deutschland Russland Frankreich Italien Spanien Österreich Schweiz Polen Türkei
Griechenland Kenia Kuba Äthiopien Australien Kanada Rumänien Ungarn Tschechien Belgien Niederlande Dänemark Schweden
Norwegen Finnland Indien Ägypten Syrien Irak Libanon Brasilien Mexiko Argentinien Nordkorea Südkorea Südafrika
Europa Afrika Asien Amerika Moskau Kiew Peking Brüssel Wien Rom Warschau Prag München Köln Damaskus Grönland
Weißrussland Litauen Lettland Estland Bulgarien Serbien Kroatien Slowakei Slowenien Irland Luxemburg Island
Kolumbien Thüringen Sachsen Bayern Hessen Niedersachsen Nordamerika Südamerika Ostsee Nordsee Karlsruhe""".split()}
DEMONYMS = {"russian": "Russia", "ukrainian": "Ukraine", "chinese": "China", "american": "United States",
            "british": "United Kingdom", "french": "France", "german": "Germany", "japanese": "Japan",
            "korean": "Korea", "north korean": "North Korea", "south korean": "South Korea", "iranian": "Iran",
            "israeli": "Israel", "palestinian": "Palestine", "turkish": "Turkey", "egyptian": "Egypt",
            "indian": "India", "pakistani": "Pakistan", "syrian": "Syria", "iraqi": "Iraq", "dutch": "Netherlands",
            "italian": "Italy", "spanish": "Spain", "european": "Europe", "canadian": "Canada",
            "australian": "Australia", "mexican": "Mexico", "brazilian": "Brazil", "libyan": "Libya",
            "saudi": "Saudi Arabia", "irish": "Ireland", "scottish": "Scotland", "welsh": "Wales", "polish": "Poland"}
PERSON_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "president", "prime", "minister",
                 "chancellor", "secretary", "senator", "sen", "rep", "gov", "governor", "mayor", "king", "queen",
                 "prince", "princess", "pope", "general", "gen", "judge", "justice", "chief", "leader", "coach",
                 "manager", "director", "professor", "prof", "ceo", "chairman", "chairwoman", "spokesman",
                 "spokeswoman", "spokesperson", "striker", "midfielder", "defender", "goalkeeper", "actor", "actress",
                 "singer", "star", "captain", "ambassador", "envoy", "commissioner", "colonel", "col", "lieutenant",
                 "lt", "sergeant", "sgt", "officer", "inspector", "detective", "bishop", "archbishop", "rabbi",
                 "imam", "father", "sister", "brother", "uncle", "aunt", "saint", "attorney", "deputy", "vice",
                 "acting", "former", "admiral", "adm", "sheriff", "superintendent", "coach", "pastor", "reverend",
                 "rev", "premier", "chair", "mp", "mep", "congressman", "congresswoman", "councillor", "ombudsman",
                 "frenchman", "frenchwoman", "englishman", "dutchman", "briton", "compatriot", "countryman", "teammate"}
ORG_WORDS = {"party", "ministry", "committee", "commission", "council", "university", "college", "school", "bank",
             "group", "association", "union", "agency", "department", "office", "corporation", "corp", "inc", "ltd",
             "plc", "company", "co", "fc", "united", "city", "club", "federation", "league", "institute", "fund",
             "foundation", "organisation", "organization", "court", "parliament", "congress", "senate", "assembly",
             "army", "navy", "police", "service", "services", "authority", "board", "trust", "network", "news",
             "times", "post", "journal", "airlines", "airways", "motors", "technologies", "systems", "labs",
             "government", "administration", "commons", "house", "cabinet", "church", "hospital", "forces",
             "front", "movement", "alliance", "coalition", "nations", "reserve", "exchange", "guard", "kremlin",
             "survey", "society", "commission", "tribunal", "bureau", "institution", "center", "centre", "museum"}
EVENT_WORDS = {"day", "cup", "games", "olympics", "festival", "war", "summit", "championship", "championships",
               "awards", "award", "election", "elections", "week", "open", "prix", "grand", "conference", "expo",
               "parade", "crisis", "revolution", "series", "trophy", "world", "oscars", "emmys", "grammys"}
NOT_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
             "march", "april", "june", "july", "august", "september", "october", "november", "december", "i",
             "mr", "mrs", "ms", "dr", "sir", "the", "a", "an", "but", "and", "or", "if", "in", "on", "at", "he",
             "she", "it", "we", "they", "this", "that", "these", "those", "there", "here", "when", "while", "after",
             "before", "as", "for", "so", "yet", "its", "his", "her", "their", "our", "my", "your", "what", "why",
             "how", "who", "where", "meanwhile", "however", "although", "though", "still", "also", "now", "then",
             "today", "yesterday", "tomorrow", "last", "next", "advertisement", "read", "more", "photo", "image",
             "copyright", "getty", "images", "reuters", "ap", "afp", "cnn", "bbc", "updated", "published"}

# Function words of other European languages that start sentences capitalised ("Wenn der
# Krieg", "Les ventes", "Jeg voksede"): stripped from the edges of names in non-English text.
FOREIGN_FUNCTION_WORDS = set("""
der die das den dem des ein eine einer eines einem einen und oder aber wenn als wie im am an auf aus bei mit nach
von vor zu zum zur für über unter ich du er sie es wir ihr man nicht auch noch nur so dann doch schon sehr mehr hier
dort heute gestern anfang ende laut seit bis gegen ohne durch während weil dass ob
le la les un une des du et ou mais si en au aux ce cet cette ces il elle ils elles nous vous on je tu pour par sur
dans avec sans sous selon lors après avant depuis chez comme
el los las unos unas pero con por para sobre tras según desde hasta entre cuando
lo gli uno nel nella nei delle degli della dei per tra fra dopo prima anche
het een maar als op aan met voor naar bij uit ik jij hij zij wij ook niet
jeg han hun vi det og eller men som på til fra af om ikke efter
os um uma ou mas em na nos nas do da dos das com
januar februar märz april mai juni juli oktober dezember montag dienstag mittwoch donnerstag freitag samstag sonntag
janvier février mars avril juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi
samedi dimanche enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
""".split())

# Words that say nothing about an article's topic: never a hashtag on their own (#Percent,
# #Follow were). A topic word must also occur at least twice (hashtags.MIN_TOPIC_COUNT).
GENERIC_WORDS = set("""
percent per cent follow share subscribe click read watch sign newsletter update updated updates said says say
year years month months week weeks day days today yesterday tomorrow time times people person thing things way lot
part place case point number numbers world news report reports story stories video videos photo photos image images
million billion thousand hundred official officials statement according new first last also many much more most
next could would should week's year's week-long end start set group groups issue issues area areas home life man woman
tv gb mb kb tb pe id md am pm ps ad ok ceo cfo q1 q2 q3 q4 ram sms www
""".split())
