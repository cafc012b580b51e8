"""axe-core over a page in the browser tests: every page type is checked for accessibility.

axe-core comes from npm (package.json; `make test` installs it into node_modules). Where it
is absent the check skips with the reason, like the browser tests without Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# What a reader is kept from by a "moderate" violation is still real (a region without a
# landmark, a heading level skipped), so only "minor" is let through.
BLOCKING = {"moderate", "serious", "critical"}


def violations(page) -> list[str]:
    """Run axe-core on the page as it is now; each blocking violation as one readable line."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test installs it with npm: npm install --no-package-lock)")
    # Injected through the page's own context, not a <script> tag, so our CSP does not block it.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"] if v["impact"] in BLOCKING
    ]
