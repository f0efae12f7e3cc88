"""A digamma for PyTensor's numba backend that numba can cache on disk.

The gradient of the polls' Dirichlet likelihood (`gammaln`) is `psi`. PyTensor's numba backend
implements `Psi` by calling scipy's Cython `psi` through a function pointer, which numba cannot
cache; one uncacheable node makes the whole log-density function uncacheable, so every new
process recompiled it (28 s of the 60 s warm compile of the 2021 model,
`benchmarks/bench_stages.py`). This module registers a pure-numba digamma for `Psi` with its own
cache key: importing it (`models.fit` does) is all it takes.

The method is the usual one: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the
asymptotic series to the x^-14 term (Abramowitz and Stegun 6.3.18; truncation error below
1e-17 there), and the reflection psi(x) = psi(1 - x) - pi / tan(pi x) for negative x (the
model's arguments are all positive). Poles and
infinities follow scipy.special.digamma (tested against it in tests/test_digamma.py).
"""

from __future__ import annotations

import math

from pytensor.link.numba.dispatch import basic as numba_basic
from pytensor.link.numba.dispatch.basic import register_funcify_and_cache_key
from pytensor.link.numba.dispatch.scalar import scalar_op_cache_key
from pytensor.scalar.math import Psi

__all__ = ["digamma"]

#: Bump when the implementation changes: the key names the compiled code in numba's disk cache.
VERSION = 2  # 2: the reflection's tangent taken of the distance to the nearest integer


@numba_basic.numba_njit(fastmath=False)  # exact IEEE arithmetic: the same bits in every process
def _digamma_positive(x: float) -> float:
    shift = 0.0
    while x < 10.0:
        shift -= 1.0 / x
        x += 1.0
    z = 1.0 / (x * x)
    series = z * (1 / 12 - z * (1 / 120 - z * (1 / 252 - z * (1 / 240 - z * (1 / 132 - z * (691 / 32760 - z / 12))))))
    return shift + math.log(x) - 0.5 / x - series


@numba_basic.numba_njit(fastmath=False)  # exact IEEE arithmetic: the same bits in every process
def digamma(x: float) -> float:
    """psi(x) = d/dx log Gamma(x) of one float (numba-compiled)."""
    if math.isnan(x) or x == math.inf:
        return x
    if x <= 0.0:
        if x == math.floor(x):  # a pole: scipy gives -inf at +0, +inf at -0, nan at negative integers
            if x == 0.0:
                return math.copysign(math.inf, -math.copysign(1.0, x))
            return math.nan
        # tan has period pi: take x's distance to its nearest integer (exact in floats) before
        # multiplying by pi, or pi * x's rounding (1e-13 at x = -368) swamps the distance to
        # the pole (as scipy's cephes does)
        near = x - math.floor(x)
        if near > 0.5:
            near -= 1.0
        return _digamma_positive(1.0 - x) - math.pi / math.tan(math.pi * near)
    return _digamma_positive(x)


@register_funcify_and_cache_key(Psi)
def _numba_funcify_psi(op, node, **kwargs):
    if not node.inputs[0].type.dtype.startswith("float"):
        from pytensor.link.numba.dispatch.scalar import numba_funcify_ScalarOp

        return numba_funcify_ScalarOp(op, node=node, **kwargs)
    return digamma, scalar_op_cache_key(op, implementation=f"pollmc.models.digamma v{VERSION}")

