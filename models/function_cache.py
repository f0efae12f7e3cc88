"""nutpie's two PyTensor functions, cached on disk whole, so that a new process skips rewriting them.

A warm compile of the 2021 model spent about 5 of its 7 seconds in PyTensor's graph rewrites of the
two functions nutpie compiles (the log density with its gradient, and the expansion of a draw into
the trace); the numba code they compile to was already cached. Inside `cached_functions(folder)`
these two calls of `pymc.pytensorf.compile` are answered from a pickle of both compiled functions
(pickled together: they share the data containers), filed under a key of the graphs they were
asked to compile (`compile_key`: every operation with its parameters, every constant's bytes, every
input's type, the shared variables' names and types, the substitutions), of the mode and the flags
that steer rewriting, and of the versions of the packages that compile them. A graph holding
anything `compile_key` cannot describe gets no key and is compiled as before; a pair whose second
graph differs from the one on file is compiled afresh and filed in its place; a folder that cannot
be written costs a warning, not the compile. Loading a pickle runs no rewrite and gives the same
numba code, so the draws are identical (`tests/test_same_seed.py` compares a cold and a warm
process byte for byte).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pymc.pytensorf
import pytensor
from pytensor.graph.basic import Constant, Variable
from pytensor.graph.traversal import io_toposort
from pytensor.tensor.sharedvar import SharedVariable

from models.atomic_file import write_atomic

__all__ = ["NotOnFile", "cached_functions", "compile_key", "compile_with_cache", "function_cache_folder", "writable"]

#: Bump when the key's recipe or the file's layout changes.
VERSION = 1
_PACKAGES = ("pytensor", "pymc", "nutpie", "numba", "numpy")
_FLAGS = ("floatX", "numba__fastmath", "optimizer", "optimizer_including", "optimizer_excluding", "mode")


class _Undescribed(Exception):
    """An object in a graph that `_describe` does not know how to put into a key."""


def _describe(value: Any, depth: int = 0) -> Any:
    """A process-independent description of an op parameter (no ids, no hash())."""
    if depth > 20:
        raise _Undescribed("too deep")
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if isinstance(value, np.generic):
        return (str(value.dtype), value.item())
    if isinstance(value, np.dtype):
        return str(value)
    if isinstance(value, slice):
        return ("slice", *(_describe(v, depth + 1) for v in (value.start, value.stop, value.step)))
    if isinstance(value, np.ndarray):
        return ("array", str(value.dtype), value.shape, hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest())
    if isinstance(value, tuple | list):
        return (type(value).__name__, *(_describe(v, depth + 1) for v in value))
    if isinstance(value, dict):
        return ("dict", *sorted((repr(k), _describe(v, depth + 1)) for k, v in value.items()))
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    if callable(value) and hasattr(value, "__qualname__") and not hasattr(value, "__props__"):
        return ("function", getattr(value, "__module__", ""), value.__qualname__)
    props = getattr(type(value), "__props__", None)
    if props is not None:
        return (kind, *((name, _describe(getattr(value, name), depth + 1)) for name in props))
    inner = getattr(value, "fgraph", None)  # a scalar Composite: its own small graph
    if inner is not None:
        return (kind, _graph_description(inner.inputs, inner.outputs, depth + 1))
    if hasattr(value, "__dict__"):  # e.g. scalar ops, which compare by type and attributes
        return (kind, _describe(vars(value), depth + 1))
    raise _Undescribed(kind)


def _graph_description(inputs: list[Variable], outputs: list[Variable], depth: int = 0,
                       replaced: tuple[Variable, ...] = ()) -> tuple:
    """Every node in topological order, with where each of its inputs comes from (an input, a
    variable `replaced` by a given, a constant, a shared variable or an earlier node)."""
    names: dict[Variable, Any] = {v: ("input", i, _describe(v.type, depth + 1)) for i, v in enumerate(inputs)}
    names.update({v: ("given", i, _describe(v.type, depth + 1)) for i, v in enumerate(replaced)})

    def source(variable: Variable) -> Any:
        if variable not in names:
            if isinstance(variable, Constant):
                names[variable] = ("constant", _describe(variable.type, depth + 1),
                                   _describe(np.asarray(variable.data), depth + 1))
            elif isinstance(variable, SharedVariable):
                names[variable] = ("shared", variable.name, _describe(variable.type, depth + 1))
            else:
                raise _Undescribed(f"free variable {variable}")
        return names[variable]

    nodes = []
    for index, node in enumerate(io_toposort(inputs, outputs)):
        sources = tuple(source(variable) for variable in node.inputs)
        names.update({output: ("node", index, position) for position, output in enumerate(node.outputs)})
        nodes.append((_describe(node.op, depth + 1), sources))
    return tuple(nodes), tuple(source(output) for output in outputs)


def compile_key(inputs: list[Variable], outputs: list[Variable],
                givens: list[tuple[Variable, Variable]] = (), mode: Any = None) -> str | None:
    """The cache key of compiling `outputs` from `inputs` (with `givens` substituted, as
    `pytensor.function` takes them), or None if the graph holds something this module cannot
    describe."""
    replaced = tuple(old for old, _ in givens)
    try:
        description = (_graph_description(list(inputs), list(outputs), replaced=replaced),
                       _graph_description(list(inputs), [new for _, new in givens]))
    except _Undescribed:
        return None
    flags = [(flag, str(getattr(pytensor.config, flag, None))) for flag in _FLAGS]
    parts = (VERSION, description, str(mode), flags, [(package, version(package)) for package in _PACKAGES])
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class _Mismatch(Exception):
    """The pair on file does not fit this compile: compile afresh and file the new pair."""


class NotOnFile(Exception):
    """Nothing on file answers this compile (raised only when asked to, before compiling)."""


_SWAP = threading.Lock()


@contextmanager
def cached_functions(folder: Path, *, load: bool = True, only_load: bool = False) -> Iterator[None]:
    """While active, calls of `pymc.pytensorf.compile(inputs, outputs, mode=...)` (how nutpie
    compiles its functions) are answered from `folder` when the calls so far match a file there
    (unless `load` is False), and the compiled functions are saved there otherwise; with
    `only_load`, a first call that no file answers raises `NotOnFile` instead (one that could not
    be filed compiles as before). One thread at a time."""
    with _SWAP:
        original = pymc.pytensorf.compile
        calls: list[tuple[str | None, Any]] = []
        on_file: dict[str, Any] = {}

        def compile_cached(inputs, outputs, *args, **kwargs) -> Callable:
            other = set(kwargs) - {"mode", "givens"}  # anything else compiles as before, uncached
            key = None if args or other else compile_key(inputs, outputs, kwargs.get("givens") or (), kwargs.get("mode"))
            if load and not calls and key is not None:
                on_file.update(_load(folder / f"{key}.pkl"))
            if only_load and not on_file and key is not None:
                raise NotOnFile(key)
            position = len(calls)
            keys, functions = on_file.get("keys", ()), on_file.get("functions", ())
            if position < len(keys) and keys[position] == key:
                function = functions[position]
            elif on_file:  # a pair on file whose next graph differs: its shared data cannot be mixed
                raise _Mismatch
            else:
                function = original(inputs, outputs, *args, **kwargs)
            calls.append((key, function))
            return function

        pymc.pytensorf.compile = compile_cached
        try:
            yield
        finally:
            pymc.pytensorf.compile = original
        keys = [key for key, _ in calls]
        if calls and not on_file and None not in keys:
            try:
                _save(folder / f"{keys[0]}.pkl", {"keys": keys, "functions": [f for _, f in calls]})
            except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:  # the compile stands
                warnings.warn(f"pollmc: the compiled model could not be cached in {folder} ({error}); "
                              "the next run compiles it again", RuntimeWarning, stacklevel=3)


def writable(folder: Path) -> bool:
    """Whether compiled functions can be filed in `folder` (created if missing): without that, a
    compile in other processes (`models.forked_compile`) would leave nothing to load."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def function_cache_folder() -> Path:
    """Where the pickles live: beside PyTensor's own compile cache (its `compiledir` flag), so
    that emptying that cache empties this one too."""
    return Path(pytensor.config.compiledir) / "pollmc_functions"


def compile_with_cache(compile_model: Callable[[], Any], folder: Path, *, only_load: bool = False) -> Any:
    """`compile_model()` inside `cached_functions(folder)`; if the functions on file did not fit,
    once more, compiling afresh and filing the new ones in their place. With `only_load`, raise
    `NotOnFile` when there are none on file, before compiling anything."""
    try:
        with cached_functions(folder, only_load=only_load):
            return compile_model()
    except _Mismatch:
        with cached_functions(folder, load=False):
            return compile_model()


def _load(path: Path) -> dict:
    """The pickled pair at `path`, or nothing if there is none or it cannot be read."""
    try:
        with open(path, "rb") as file:
            return pickle.load(file)
    except Exception:  # none, or truncated, or written by other versions: compile afresh and overwrite
        return {}


def _save(path: Path, content: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
