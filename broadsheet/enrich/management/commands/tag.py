from django.core.management.base import BaseCommand

from broadsheet.enrich import tags
from broadsheet.enrich.management.commands._jsonl import run, text_of


class Command(BaseCommand):
    help = 'Hashtags and entities: {"id","title","text"} lines → {"id","hashtags":[...],"entities":[{"name","type"}]}.'

    def handle(self, *args, **options):
        def one(row: dict) -> dict:
            title, text = text_of(row)
            found = tags.entities(text, title)
            return {"hashtags": tags.hashtags(text, title, found=found),
                    "entities": [{"name": e.name, "type": e.type} for e in found[:20]]}

        run(one, stdout=self.stdout._out, stderr=self.stderr._out)
