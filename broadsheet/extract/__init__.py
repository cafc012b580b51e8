"""Page -> clean article. `extract()` is the one entry point the crawler and the CLI use."""

from broadsheet.extract.core import ExtractError, Extracted, extract

__all__ = ["extract", "Extracted", "ExtractError"]
