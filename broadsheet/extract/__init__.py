"""Page -> clean article. `extract()` is the one entry point the crawler and the CLI use.

Imported on first use (PEP 562): Django imports this package at start-up to register the
app, and web processes must not pay for trafilatura and lxml (≈ 30 MB) they never call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broadsheet.extract.core import ExtractError, Extracted, extract

__all__ = ["extract", "Extracted", "ExtractError"]


def __getattr__(name: str):
    if name in __all__:
        from broadsheet.extract import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
