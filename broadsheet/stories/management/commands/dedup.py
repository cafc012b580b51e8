"""`broadsheet dedup`: JSON lines {"id","title","text",...} in time order on stdin →
{"id","duplicate_of"} per line (null, or the id of the first article it copies), by the
pipeline's MinHash code (stories/dedup.py)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from broadsheet.stories.dedup import THRESHOLD, minhash, new_lsh
from broadsheet.stories.jsonl import records


class Command(BaseCommand):
    help = "Mark near-duplicate (syndicated) articles in JSON lines."

    def handle(self, *args, **options):
        lsh = new_lsh()
        signatures, canonical_of, position = {}, {}, {}
        failed = 0
        for number, record, error in records(sys.stdin):
            if error:
                failed += 1
                self.stdout.write(json.dumps({"id": (record or {}).get("id"), "error": error}))
                continue
            key = record["id"]
            if key in signatures or key in canonical_of:
                failed += 1
                self.stdout.write(json.dumps({"id": key, "error": f"line {number}: id {key!r} seen before"}))
                continue
            signature = minhash(f"{record.get('title') or ''}\n{record.get('text') or ''}")
            original = None
            if signature is not None:
                matches = [k for k in lsh.query(signature) if signature.jaccard(signatures[k]) >= THRESHOLD]
                if matches:
                    original = min((canonical_of[k] for k in matches), key=position.__getitem__)  # the earliest
                signatures[key] = signature
                lsh.insert(key, signature)
            canonical_of[key] = original if original is not None else key
            position[key] = len(position)
            self.stdout.write(json.dumps({"id": key, "duplicate_of": original}))
        if failed:
            self.stderr.write(f"{failed} record(s) could not be read")
