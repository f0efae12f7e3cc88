"""nutpie's two C callbacks, cached on disk so that a new process loads them instead of compiling.

nutpie wraps the model's compiled log density (and the function that expands a draw into the
trace) in C callbacks, `numba.cfunc`s of closures. PyTensor caches the compiled graphs on disk,
but each callback links the whole graph into a new module that LLVM optimizes and compiles again:
about 19 s and 8 s of a 30 s warm compile of the 2021 model. nutpie's `cache=True` cannot help:
numba keys a closure by the pickle of its cells, and a numba dispatcher pickles with a fresh
uuid in every process, so the key never matches.

Inside `cached_callbacks()` each callback is cached under a key of what fixes its code instead:
PyTensor's cache key of the graph it calls (which hashes every operation and constant), the
layout of the shared data, the sizes, and the versions of nutpie, numba, llvmlite and PyTensor.
A callback whose graph PyTensor does not cache, or whose closure is not nutpie's known shape,
gets no key and is compiled as before. The files sit in PyTensor's numba cache folder.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from typing import Any

import numba
from numba.core.caching import FunctionCache
from numba.core.ccallback import CFunc
from numba.core.sigutils import normalize_signature
from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS

__all__ = ["cached_callbacks", "callback_key"]

#: Bump when the key's recipe changes.
VERSION = 1
_PACKAGES = ("nutpie", "numba", "llvmlite", "pytensor")


def _cells(function: Callable) -> dict[str, Any]:
    """A closure's free variables by name (empty for a plain function)."""
    cells = function.__closure__ or ()
    return {name: cell.cell_contents for name, cell in zip(function.__code__.co_freevars, cells)}


def callback_key(py_func: Callable) -> str | None:
    """The cache key of one of nutpie's callbacks (`logp_numba`, `expand_numba`), or None when
    the graph it calls has no PyTensor cache key or its closure is not the expected one."""
    outer = _cells(py_func)
    extract = outer.get("extract")
    if extract is None or not hasattr(extract, "py_func"):
        return None
    inner = _cells(extract.py_func)
    graph = getattr(inner.get("inner"), "py_func", None)  # the compiled graph nutpie calls
    graph_key = CACHED_SRC_FUNCTIONS.get(graph) if graph is not None else None
    if graph_key is None:
        return None
    layout = [(name, ndim, str(dtype)) for name, ndim, _, dtype in inner.get("shared_metadata", ())]
    parts = (VERSION, py_func.__qualname__, py_func.__code__.co_code.hex(), graph_key, layout,
             str(inner.get("record_dtype")), outer.get("n_dim"), outer.get("n_expanded"),
             [(package, version(package)) for package in _PACKAGES])
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class _KeyedCache(FunctionCache):
    """numba's function cache, filed under `key` in PyTensor's numba cache folder and indexed by it
    (with the signature and target) instead of the pickled closure."""

    def __init__(self, py_func: Callable, key: str):
        CACHED_SRC_FUNCTIONS[py_func] = f"pollmc_callback_{key}"
        super().__init__(py_func)
        self._key = key

    def _index_key(self, sig, codegen):
        return (sig, codegen.magic_tuple(), self._key)


_SWAP = threading.Lock()


@contextmanager
def cached_callbacks(only: str | None = None) -> Iterator[None]:
    """While active, `numba.cfunc(sig)(f)` loads f's compiled callback from the disk cache when
    `callback_key(f)` names one, and compiles and saves it otherwise (nutpie builds its callbacks
    so). With `only` (a callback's name, "logp_numba" or "expand_numba"), every other callback is
    skipped (None), for a process that files one callback in the cache (`models.forked_compile`).
    It swaps `numba.cfunc` for the duration, one thread at a time."""
    with _SWAP:
        original = numba.cfunc

        def cfunc(sig, **options):
            def compile_callback(py_func):
                if only is not None and py_func.__name__ != only:
                    return None
                key = callback_key(py_func)
                if key is None or options:  # options this module does not pass on: numba's own path
                    return original(sig, **options)(py_func)
                callback = CFunc(py_func, normalize_signature(sig), locals={}, options={})
                callback._cache = _KeyedCache(py_func, key)
                callback.compile()
                return callback
            return compile_callback

        numba.cfunc = cfunc
        try:
            yield
        finally:
            numba.cfunc = original
