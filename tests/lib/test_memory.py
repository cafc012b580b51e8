"""lib/memory.py: a worker gives freed heap back after a batch, and reads its RSS."""

import ctypes
import ctypes.util
import sys

import pytest

from broadsheet.lib import memory

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim and /proc are Linux's")


@linux
def test_it_reads_resident_memory_and_its_peak():
    found = memory.rss_mb()
    assert 0 < found["VmRSS"] <= found["VmHWM"]


def test_a_process_that_does_not_exist_has_no_figures():
    assert memory.rss_mb(2**31 - 1) == {}


@linux
def test_trim_hands_freed_heap_inside_the_heap_back_to_the_system():
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(4096) for _ in range(20_000)]  # ~80 MB of small blocks on the heap
    for block in blocks:
        ctypes.memset(block, 1, 4096)
    pin = libc.malloc(4096)  # keeps the top of the heap in use, so free() alone cannot shrink it
    for block in blocks:
        libc.free(block)
    before = memory.rss_mb()["VmRSS"]
    assert memory.trim()
    after = memory.rss_mb()["VmRSS"]
    libc.free(pin)
    assert before - after >= 50, (before, after)
