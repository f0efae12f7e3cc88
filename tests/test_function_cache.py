"""The cache of compiled PyTensor functions: keys that see every change, answers equal to a compile."""

import numpy as np
import pymc.pytensorf
import pytensor
import pytensor.scalar as ps
import pytensor.tensor as pt
import pytest
from pytensor.tensor.elemwise import Elemwise

from models.function_cache import NotOnFile, cached_functions, compile_key, compile_with_cache, writable


def graph(scale: float = 2.0, name: str = "data"):
    x = pt.dvector("x")
    data = pytensor.shared(np.arange(3.0), name=name)
    return [x], [pt.sum((x * scale - data) ** 2), pt.exp(x)[1:]]


def test_keys_are_stable_and_see_constants_shared_names_and_operations():
    key = compile_key(*graph())
    assert key is not None and key == compile_key(*graph())  # rebuilt with new variables: same key
    assert compile_key(*graph(scale=2.5)) != key
    assert compile_key(*graph(name="other")) != key
    x = pt.dvector("x")
    assert compile_key([x], [pt.log(x)]) != compile_key([x], [pt.exp(x)])
    inputs, outputs = graph()
    assert compile_key(inputs, outputs, mode="NUMBA") != key
    # an output that no operation computes (a constant passed straight through) is described too
    assert compile_key([x], [x * 2, pt.constant(1.0)]) != compile_key([x], [x * 2, pt.constant(2.0)])


def test_a_graph_with_something_undescribable_gets_no_key():
    class Opaque:
        __slots__ = ()

    scalar_exp = ps.Exp(ps.upgrade_to_float, name="exp")
    scalar_exp.opaque = Opaque()  # an attribute the key cannot put into words (no __props__ here)
    x = pt.dvector("x")
    assert compile_key([x], [Elemwise(scalar_exp)(x)]) is None


def test_cached_functions_answer_the_second_process_from_disk(tmp_path):
    def compile_pair():
        inputs, outputs = graph()
        first = pymc.pytensorf.compile(inputs, outputs, mode="NUMBA")
        second = pymc.pytensorf.compile(inputs, [outputs[1] * 3], mode="NUMBA")
        return first, second

    fresh = compile_with_cache(compile_pair, tmp_path)
    assert len(list(tmp_path.glob("*.pkl"))) == 1
    loaded = compile_with_cache(compile_pair, tmp_path)
    point = np.array([0.5, -1.0, 2.0])
    for compiled, from_file in zip(fresh, loaded):
        for a, b in zip(compiled(point), from_file(point), strict=True):
            np.testing.assert_array_equal(a, b)
    assert loaded[0] is not fresh[0]  # from the file, not from memory
    # the shared data travels once for both functions, so setting it reaches both
    shared = {v.name: v for f in loaded for v in f.get_shared()}
    assert len(shared) == 1 and {id(v) for f in loaded for v in f.get_shared()} == {id(shared["data"])}


def test_a_pair_whose_second_graph_changed_is_compiled_afresh(tmp_path, monkeypatch):
    compiled = []
    real_compile = pymc.pytensorf.compile
    monkeypatch.setattr(pymc.pytensorf, "compile", lambda *a, **k: compiled.append(1) or real_compile(*a, **k))

    def compile_pair(factor):
        inputs, outputs = graph()
        return (pymc.pytensorf.compile(inputs, outputs, mode="NUMBA"),
                pymc.pytensorf.compile(inputs, [outputs[1] * factor], mode="NUMBA"))

    compile_with_cache(lambda: compile_pair(3.0), tmp_path)
    for compiles in (4, 4):  # compiled afresh and filed in place of the old pair, then loaded
        first, second = compile_with_cache(lambda: compile_pair(4.0), tmp_path)
        np.testing.assert_allclose(second(np.zeros(3))[0], [4.0, 4.0])
        assert len(compiled) == compiles
    assert len(list(tmp_path.glob("*.pkl"))) == 1


def test_other_arguments_compile_uncached(tmp_path):
    inputs, outputs = graph()
    with cached_functions(tmp_path):
        pymc.pytensorf.compile(inputs, outputs, mode="NUMBA", on_unused_input="ignore")
    assert not list(tmp_path.glob("*.pkl"))


@pytest.mark.parametrize("content", [b"", b"not a pickle"])
def test_an_unreadable_file_is_compiled_over(tmp_path, content):
    inputs, outputs = graph()
    key = compile_key(inputs, outputs, mode="NUMBA")
    (tmp_path / f"{key}.pkl").write_bytes(content)
    (function,) = compile_with_cache(lambda: (pymc.pytensorf.compile(inputs, outputs, mode="NUMBA"),), tmp_path)
    assert float(function(np.zeros(3))[0]) == pytest.approx(5.0)
    assert (tmp_path / f"{key}.pkl").stat().st_size > 100


def test_a_cache_that_cannot_be_written_warns_and_the_compile_stands(tmp_path):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    inputs, outputs = graph()
    with pytest.warns(RuntimeWarning, match="could not be cached"):
        (function,) = compile_with_cache(lambda: (pymc.pytensorf.compile(inputs, outputs, mode="NUMBA"),), blocked)
    assert float(function(np.zeros(3))[0]) == pytest.approx(5.0)
    assert not writable(blocked)  # so no children compile for it (models.forked_compile)
    assert writable(tmp_path / "a new folder")


def test_only_load_stops_before_compiling_when_nothing_is_on_file(tmp_path):
    compiled = []

    def compile_one():
        inputs, outputs = graph()
        compiled.append(pymc.pytensorf.compile(inputs, outputs, mode="NUMBA"))
        return compiled[-1]

    with pytest.raises(NotOnFile):
        compile_with_cache(compile_one, tmp_path, only_load=True)
    assert not compiled and not list(tmp_path.glob("*.pkl"))
    compile_with_cache(compile_one, tmp_path)
    loaded = compile_with_cache(compile_one, tmp_path, only_load=True)  # on file now: answered from it
    assert loaded is compiled[-1] and loaded is not compiled[0]
