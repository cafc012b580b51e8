#!/usr/bin/env python
"""Same as the `broadsheet` command; kept for habit."""
from broadsheet.cli import main

if __name__ == "__main__":
    main()
