"""Give memory the process has freed back to the operating system.

glibc's malloc keeps freed memory in its arenas (one per thread that allocated) for reuse, and
returns little of it by itself. A report forecasts its information sets in threads beside
nutpie's sampler threads, each set allocating and freeing its draws and simulations, so the
resident set kept growing by about 45 MB a set although each set keeps only about 7 MB (2021:
1.48 GB at the end of 19 sets). `malloc_trim` hands the free pages back. On other C libraries
(macOS, Windows, musl) there is nothing to call and `trim` does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["trim"]


def _malloc_trim():
    """glibc's `malloc_trim`, or None where there is no such function."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _malloc_trim()


def trim() -> bool:
    """Return the heap's free memory to the operating system; whether anything could be asked."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True
