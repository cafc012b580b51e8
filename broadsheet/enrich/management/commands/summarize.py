from types import SimpleNamespace

from django.core.management.base import BaseCommand

from broadsheet.enrich import summaries
from broadsheet.enrich.management.commands._jsonl import run, text_of


class Command(BaseCommand):
    help = ('Summaries: {"id","title","text"} → {"id","summary","gist","key_points":[...]} where gist is the '
            'one-line version ("In short") and summary the gist and key points as one paragraph; an optional "lang" '
            'is the text\'s language; {"id","texts":[...]} (one story, 3+ texts '
            'from 2+ "sources") → summary of the coverage, talking points, differences, quote.')

    def handle(self, *args, **options):
        def one(row: dict) -> dict:
            language = str(row.get("lang") or row.get("language") or "en")
            if "texts" in row:
                texts = row["texts"]
                if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                    raise ValueError('"texts" must be a list of strings')
                names = row.get("sources") or [f"source {i + 1}" for i in range(len(texts))]
                articles = [SimpleNamespace(pk=i, id=i, title="", body=t, source=SimpleNamespace(name=str(names[i % len(names)])))
                            for i, t in enumerate(texts)]
                story = summaries.summarize_story(articles, language=language)
                if story is None:  # below the story threshold: summarise the texts as one
                    return _article(summaries.summarize("", "\n\n".join(texts), language=language))
                return {"summary": " ".join(s["text"] for s in story["summary"]),
                        "key_points": [p["text"] for p in story["talking_points"]],
                        "differences": [{"source": d["publisher"], "text": d["text"]} for d in story["differences"]],
                        "quote": story["quote"] and {k: story["quote"][k] for k in ("text", "speaker")}}
            title, text = text_of(row)
            return _article(summaries.summarize(title, text, language=language))

        run(one, stdout=self.stdout._out, stderr=self.stderr._out)


def _article(result: dict) -> dict:
    points = [p["text"] for p in result["key_points"]]
    gist = result["gist"]["text"] if result["gist"] else ""
    return {"summary": " ".join([gist, *points] if gist else points), "gist": gist, "key_points": points}
