from django.core.management.base import BaseCommand

from broadsheet.conf import settings_markdown


class Command(BaseCommand):
    help = "Print the table of every BROADSHEET_* setting (docs/settings.md is this output)."

    def handle(self, *args, **options):
        self.stdout.write(settings_markdown(), ending="")
