from django.core.management.base import BaseCommand

from broadsheet.enrich import sections
from broadsheet.enrich.management.commands._jsonl import run, text_of


class Command(BaseCommand):
    help = 'Section of each article: {"id","title","text"[,"page_section","url"]} lines → {"id","section"}.'

    def handle(self, *args, **options):
        def one(row: dict) -> dict:
            title, text = text_of(row)
            return {"section": sections.classify(title, text, page_section=str(row.get("page_section", "")),
                                                 url=str(row.get("url", "")))}

        run(one, stdout=self.stdout._out, stderr=self.stderr._out)
