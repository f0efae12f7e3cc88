"""`models.heap.trim` gives memory a thread freed back to the operating system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from models.heap import trim

# A thread allocates 256 MB in 32 KB arrays (below malloc's threshold for separate mappings, so
# they live in the thread's arena) and frees all but the last, which keeps the arena's top in
# use. The resident set before and after `trim`, in MB.
SCRIPT = """
import threading
import numpy as np
from models.heap import trim

def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6

kept = []
def work():
    blocks = [np.ones(4000) for _ in range(8000)]
    kept.append(blocks[-1])
    del blocks

thread = threading.Thread(target=work)
thread.start()
thread.join()
before = resident_mb()
trim()
print(before, resident_mb())
"""


@pytest.mark.skipif(not trim(), reason="no malloc_trim in this C library")
def test_freed_arena_memory_is_returned():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True)
    before, after = map(float, done.stdout.split())
    assert before - after > 150, (before, after)
