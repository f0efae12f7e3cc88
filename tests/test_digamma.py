"""The numba digamma the compiled model uses (models.digamma) against scipy's."""

from __future__ import annotations

import numpy as np
import pytensor
import pytensor.tensor as pt
import scipy.special
from hypothesis import example, given, settings
from hypothesis import strategies as st

import models.digamma  # noqa: F401  (registers it)

_x = pt.dvector("x")
_psi = pytensor.function([_x], pt.psi(_x), mode="NUMBA")


def test_psi_in_a_numba_compiled_graph_is_ours_and_cacheable():
    from pytensor.link.numba.dispatch.basic import numba_funcify_and_cache_key

    node = pt.psi(_x).owner
    elemwise_key = numba_funcify_and_cache_key(node.op, node=node)[1]
    assert elemwise_key is not None  # scipy's function pointer made this None: nothing was cached


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=1e-300, max_value=1e300), min_size=1, max_size=50))
def test_matches_scipy_for_positive_arguments(values):
    x = np.array(values)
    np.testing.assert_allclose(_psi(x), scipy.special.digamma(x), rtol=4e-15, atol=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-1e3, max_value=0.0).filter(lambda v: abs(v - round(v)) > 1e-6),
                min_size=1, max_size=50))
@example([-367.99997090678596])  # pi * x rounded before the distance to -368 was taken: 1.1e-9 off
def test_matches_scipy_for_negative_arguments(values):
    # not at the poles themselves (where pi / tan(pi x) loses relative precision, in scipy's as well)
    x = np.array(values)
    np.testing.assert_allclose(_psi(x), scipy.special.digamma(x), rtol=1e-9, atol=1e-12)


def test_poles_and_infinities_as_scipy():
    x = np.array([0.0, -0.0, -1.0, -7.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(_psi(x), scipy.special.digamma(x))


def test_the_root_near_1_46():
    root = 1.4616321449683623  # psi's only positive zero
    assert abs(_psi(np.array([root]))[0]) < 1e-15
