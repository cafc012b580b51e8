"""`broadsheet` command: Django's management commands under the project's settings.

`broadsheet run`, `broadsheet crawl --once`, `broadsheet sources ...`, `broadsheet
extract` and the rest are management commands in the apps; `broadsheet migrate`,
`broadsheet createsuperuser` and the other Django commands work as well.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
