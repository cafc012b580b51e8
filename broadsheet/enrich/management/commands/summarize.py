from types import SimpleNamespace

from django.core.management.base import BaseCommand

from broadsheet.enrich import summaries
from broadsheet.enrich.management.commands._jsonl import run, text_of


class Command(BaseCommand):
    help = ('Summaries: {"id","title","text"} → {"id","summary","key_points":[...]}; '
            '{"id","texts":[...]} (one story, 3+ texts; "sources" optional) → summary of the coverage.')

    def handle(self, *args, **options):
        def one(row: dict) -> dict:
            if "texts" in row:
                texts = row["texts"]
                if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                    raise ValueError('"texts" must be a list of strings')
                names = row.get("sources") or [f"source {i + 1}" for i in range(len(texts))]
                articles = [SimpleNamespace(pk=i, id=i, title="", body=t, source=SimpleNamespace(name=str(names[i % len(names)])))
                            for i, t in enumerate(texts)]
                story = summaries.summarize_story(articles)
                if story is None:  # below the story threshold: summarise the texts as one
                    result = summaries.summarize("", "\n\n".join(texts))
                    return {"summary": result["gist"]["text"] if result["gist"] else "",
                            "key_points": [p["text"] for p in result["key_points"]]}
                return {"summary": " ".join(s["text"] for s in story["summary"]),
                        "key_points": [p["text"] for p in story["talking_points"]],
                        "differences": [{"source": d["publisher"], "text": d["text"]} for d in story["differences"]],
                        "quote": story["quote"] and {k: story["quote"][k] for k in ("text", "speaker")}}
            title, text = text_of(row)
            result = summaries.summarize(title, text)
            return {"summary": result["gist"]["text"] if result["gist"] else "",
                    "key_points": [p["text"] for p in result["key_points"]]}

        run(one, stdout=self.stdout._out, stderr=self.stderr._out)
