"""`broadsheet cluster`: JSON lines {"id","title","text","published","source"} in time
order on stdin → {"id","story"} per line on stdout, by the pipeline's clustering code."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from broadsheet.stories.cluster import Doc, MemoryIndex, Params, place
from broadsheet.stories.jsonl import BadRecord, batched, parse_time, records
from broadsheet.stories.signals import signals


def docs_from(batch: list[dict]) -> list[Doc]:
    from broadsheet.enrich.embeddings import article_text, embed

    vectors = embed([article_text(str(r.get("title") or ""), str(r.get("text") or "")) for r in batch])
    docs = []
    for record, vector in zip(batch, vectors):
        found = signals(str(record.get("title") or ""), str(record.get("text") or ""))
        docs.append(Doc(record["id"], vector, frozenset(found["e"]), frozenset(found["n"]), record["_published"]))
    return docs


class Command(BaseCommand):
    help = "Cluster JSON-lines articles into stories (online, in input order)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=256, help="articles embedded at once")

    def handle(self, *args, batch: int, **options):
        index, params, out = MemoryIndex(), Params(), self.stdout
        failed = 0
        for chunk in batched(records(sys.stdin), batch):
            good = []
            for number, record, error in chunk:
                if error is None:
                    try:
                        record["_published"] = parse_time(record.get("published"))
                    except BadRecord as exc:
                        error = f"line {number}: {exc}"
                if error:
                    failed += 1
                    out.write(json.dumps({"id": (record or {}).get("id"), "error": error}))
                    continue
                good.append(record)
            for doc in docs_from(good):
                out.write(json.dumps({"id": doc.key, "story": place(doc, index, params)}))
        # A merge or split after a line was written changes that article's story: report the
        # final assignment of every article that moved (a later line for an id wins).
        moved = {k: s for k, s in index.story_of.items() if s != index.first_story.get(k)}
        for key, story in moved.items():
            out.write(json.dumps({"id": key, "story": story, "moved": True}))
        if failed:
            self.stderr.write(f"{failed} record(s) could not be read")
