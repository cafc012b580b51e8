"""broadsheet.lib.once: a model is loaded once per process, even by threads racing for it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from broadsheet.lib.once import once


def test_threads_racing_on_the_first_call_build_one_instance():
    calls = []
    start = threading.Barrier(8)

    @once
    def model():
        calls.append(1)
        time.sleep(0.05)  # a slow load: the other threads arrive meanwhile
        return object()

    def first_use():
        start.wait()
        return model()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: first_use(), range(8)))
    assert len(calls) == 1 and all(r is results[0] for r in results)
    assert model() is results[0]
