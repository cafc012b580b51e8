"""`broadsheet` command: Django's management commands under the project's settings.

`broadsheet run`, `broadsheet crawl --once`, `broadsheet sources ...`, `broadsheet
extract` and the rest are management commands in the apps; `broadsheet migrate`,
`broadsheet createsuperuser` and the other Django commands work as well.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    # One BLAS thread per process: vector search and embeddings run in many workers at
    # once, and OpenBLAS's own threads made a 1M-vector query cost 54 ms of CPU instead
    # of 5 (bench/stories.py). Must be set before numpy is first imported.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
