"""Process-wide singletons built on first use: models and clients too costly to build twice."""

from __future__ import annotations

import functools
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def once(factory: Callable[[], T]) -> Callable[[], T]:
    """`factory()` on the first call, its result on every later one. functools.cache would do
    but for threads racing on the first call: each would load its own copy of the model."""
    lock = threading.Lock()
    made: list[T] = []

    @functools.wraps(factory)
    def get() -> T:
        if not made:
            with lock:
                if not made:
                    made.append(factory())
        return made[0]

    return get
