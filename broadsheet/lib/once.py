"""Process-wide singletons built on first use: models and clients too costly to build twice."""

from __future__ import annotations

import functools
import threading
from typing import Callable, TypeVar

T = TypeVar("T")

_FACTORIES: list[Callable[[], object]] = []  # every `once` getter made so far, for warm_up()


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

    _FACTORIES.append(get)
    return get


def warm_up(modules: set[str]) -> list[str]:
    """Build every `once` singleton defined in `modules` (imported already); the names of
    those that could not be built (an optional extra not installed): their first real use
    says why.

    A task worker calls this before it takes work: loading a model holds the GIL for
    seconds at a time (lingua's detector 1.2 s, torch and the sentence model more), which
    would delay the worker's heartbeat thread and the first task's deadline alike."""
    failed = []
    for get in [g for g in _FACTORIES if g.__module__ in modules]:
        try:
            get()
        except Exception:
            failed.append(f"{get.__module__}.{get.__name__}")
    return failed
