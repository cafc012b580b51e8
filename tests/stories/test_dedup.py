"""stories/dedup.py's use of datasketch, without scipy."""

from __future__ import annotations

import os
import subprocess
import sys

from broadsheet.stories import dedup

from .conftest import QUAKE


def test_the_bands_and_rows_are_those_datasketch_picks_for_the_threshold():
    from datasketch.lsh import _optimal_param

    assert dedup.BANDS_ROWS == _optimal_param(dedup.THRESHOLD, dedup.NUM_PERM, 0.5, 0.5)
    lsh = dedup.new_lsh()
    assert (lsh.b, lsh.r) == dedup.BANDS_ROWS


def test_an_lsh_built_without_bands_still_integrates_with_the_real_scipy():
    lsh = dedup._datasketch.MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM)
    assert (lsh.b, lsh.r) == dedup.BANDS_ROWS


def test_finding_copies_imports_no_scipy_integrate():
    """scipy.integrate and scipy.special, which datasketch imports for its integrals, cost a
    task worker ~50 MB; a copy is still found."""
    code = ("import sys, django; django.setup(); from broadsheet.stories import dedup; "
            "from tests.stories.conftest import QUAKE; "
            "lsh = dedup.new_lsh(); lsh.insert(1, dedup.minhash(QUAKE)); "
            "print(lsh.query(dedup.minhash(QUAKE.replace('Sunday', 'Monday'))), sorted(m for m in sys.modules if m.startswith('scipy.')))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120, env=env)
    found, _, loaded = out.stdout.strip().partition(" ")
    assert found == "[1]"
    assert not [m for m in eval(loaded) if m.split(".")[1] in ("integrate", "special", "spatial", "cluster", "sparse", "linalg")]
    assert dedup.minhash(QUAKE.replace('Sunday', 'Monday')).jaccard(dedup.minhash(QUAKE)) >= dedup.THRESHOLD
