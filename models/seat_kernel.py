"""The seat laws election by election, compiled: what `models.seats.allocate` runs once its
arguments are checked.

One numba-compiled pass over the elections (rows) does everything for each one while its few
lists sit in cache: the checks on the votes, the threshold, the runner-up clause and the
waived threshold, the quotas or the divisor counts. The numpy engine this replaced made a
dozen passes over the whole array, each reading and writing every draw (10-17x one numpy pass
in `benchmarks/bench_seats.py`); this costs five to seven. numba is already installed with
PyTensor. The compile (about 5 s per type of votes) is paid once per machine: numba keeps it on
disk.

Arithmetic is the numpy engine's, operation for operation (the same sums in the same order,
the same roundings), so the seats are the same to the last draw. The conventions are in the
docstring of `models.seats`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Method codes, in the order of `models.seats.METHODS`.
HARE, DROOP, DHONDT, SAINTE_LAGUE, MODIFIED_SAINTE_LAGUE = range(5)

#: Indices of the error flags `allocate_rows` raises (one per kind of bad row).
NEGATIVE_OR_NAN, INFINITE, NO_VOTES = range(3)

FRACTION_BITS = 32
ONE = np.int64(1) << FRACTION_BITS

#: Compiled once per type of votes (integers, floats) and kept on disk. numpy's error model:
#: no zero-division checks in the inner loops (every divisor is checked non-zero first).
compiled = njit(cache=True, error_model="numpy")


@compiled
def snap_significand(x: float) -> float:
    """Round a float to 32 significant bits, so that quotients equal up to rounding compare equal."""
    mantissa, exponent = math.frexp(x)
    return math.ldexp(np.rint(mantissa * 2.0**FRACTION_BITS) / 2.0**FRACTION_BITS, exponent)


_DROPPED_BITS = 52 - (FRACTION_BITS - 1)  # of a float64's 52 stored significand bits, 31 are kept
_DROPPED_MASK = (1 << _DROPPED_BITS) - 1
_HALF = 1 << (_DROPPED_BITS - 1)


@compiled
def snap_at(values, bits, j: int) -> None:
    """`snap_significand` of `values[j]`, `bits` being the int64 view of `values`: a normal float
    is rounded in its bits (ties to even, as `np.rint`), exactly the same rounding without a
    library call; zero, subnormals, infinities and NaN take `snap_significand`."""
    b = bits[j]
    exponent = (b >> 52) & 0x7FF
    if exponent == 0 or exponent == 0x7FF:
        values[j] = snap_significand(values[j])
        return
    dropped = b & _DROPPED_MASK
    b -= dropped
    if dropped > _HALF or (dropped == _HALF and (b >> _DROPPED_BITS) & 1):
        b += 1 << _DROPPED_BITS
    bits[j] = b


@compiled
def list_passes(x, threshold_base, eligible: bool, exact: bool, left: int, right: int, times: float) -> bool:
    """Does a list with `x` votes reach the threshold? Exactly (x * left >= base * right, in
    int64) when `exact`, else x * 100 >= base * times in floats. A list exactly at the threshold
    passes; a list without votes or not eligible never does."""
    # bitwise, not short-circuit: whether a list passes is data, and branches on it mispredict
    reaches = (x * left >= threshold_base * right) if exact else (x * 100.0 >= threshold_base * times)
    return reaches & (x > 0) & eligible


@compiled
def threshold_rows(votes, eligible, base, exact: bool, left: int, right: int, times: float, out) -> None:
    """`list_passes` for every list (column) of every election (row) into `out`; `base` holds
    each row's threshold base, or nothing for the votes of eligible lists."""
    zero = np.zeros(1, votes.dtype)[0]
    for i in range(votes.shape[0]):
        threshold_base = zero
        if base.shape[0]:
            threshold_base = base[i]
        else:
            for j in range(votes.shape[1]):
                if eligible[j]:
                    threshold_base += votes[i, j]
        for j in range(votes.shape[1]):
            out[i, j] = list_passes(votes[i, j], threshold_base, eligible[j], exact, left, right, times)


@compiled
def _divisor(method: int, k: int, first_p: int, first_q: int) -> float:
    """Divisor for a list's (k+1)-th seat, on an integer scale so that it is exact in floats (the
    modified Sainte-Laguë divisors p/q, 3, 5, ... are scaled by q to p, 3q, 5q, ...)."""
    if method == DHONDT:
        return float(k + 1)
    if method == SAINTE_LAGUE:
        return float(2 * k + 1)
    return float(first_p) if k == 0 else float(first_q * (2 * k + 1))


@compiled
def _whole_and_fraction(counted, total, numerator: int, denominator: int, integer: bool, whole, fraction) -> int:
    """counted * (numerator / denominator) / total for each list, as a whole part (into `whole`)
    and an integer fraction key (into `fraction`); returns the key's scale. Integers are exact,
    floats are rounded to 2**-32."""
    if integer:
        scale = np.int64(total) * denominator
        for j in range(counted.shape[0]):
            scaled = np.int64(counted[j]) * numerator
            whole[j] = scaled // scale
            fraction[j] = scaled % scale
        return scale
    factor = numerator * (2.0**FRACTION_BITS / denominator) / total
    for j in range(counted.shape[0]):
        fixed = np.int64(np.rint(counted[j] * factor))
        whole[j] = fixed >> FRACTION_BITS
        fraction[j] = fixed & (ONE - 1)
    return ONE


@compiled
def _largest_remainder(counted, total, admitted, seats: int, method: int, integer: bool, result, fraction) -> None:
    """Whole quotas first, then one seat each for the largest remainders (ties: first registered)."""
    n_lists = counted.shape[0]
    _whole_and_fraction(counted, total, seats if method == HARE else seats + 1, 1, integer, result, fraction)
    left = seats - result.sum()
    if left < 0:  # exact Droop with every quota whole: S + 1 seats; the last registered holder gives one back
        for j in range(n_lists - 1, -1, -1):
            if result[j] > 0:
                result[j] -= 1
                break
        left += 1
    # the `left` largest remainders; a key that also encodes registration order has no ties
    for j in range(n_lists):
        fraction[j] = fraction[j] * n_lists + (n_lists - 1 - j) if admitted[j] else -1
    for _ in range(left):
        largest = 0
        for j in range(1, n_lists):
            largest = j if fraction[j] > fraction[largest] else largest
        result[largest] += 1
        fraction[largest] = -2


@compiled
def _highest_averages(counted, total, admitted, seats: int, method: int, integer: bool, first_p: int, first_q: int,
                      result, fraction, quotient, quotient_bits) -> None:
    """The `seats` largest quotients votes / divisor; ties to the first registered.

    Starts from the seats whose quotients reach a common cut c (exact for integers, to 2**-32
    of a seat for floats), chosen so that they add up to about S: c = V / (S + n/2) for
    D'Hondt with n lists in the count, c = V / S for Sainte-Laguë. Then it hands seats out
    (or takes them back) one quotient at a time. `fraction` and `quotient` (whose int64 view is
    `quotient_bits`) are scratch.
    """
    n_lists = counted.shape[0]
    if method == DHONDT:  # quotients v / (k + 1) at or above V / (S + n/2): floor(v (2S + n) / 2V)
        _whole_and_fraction(counted, total, 2 * seats + admitted.sum(), 2, integer, result, fraction)
    else:  # Sainte-Laguë: v / (k + 1/2) at or above V / S, i.e. the quota rounded half up
        scale = _whole_and_fraction(counted, total, seats, 1, integer, result, fraction)
        for j in range(n_lists):
            whole = result[j]
            result[j] = whole + (2 * fraction[j] >= scale)
            if method == MODIFIED_SAINTE_LAGUE:  # the first seat needs v / (p/2q) at or above V / S
                qualifies = 2 * first_q * (whole * scale + fraction[j]) >= first_p * scale
                result[j] = max(result[j], 1) if qualifies else 0
    for j in range(n_lists):
        if not admitted[j]:
            result[j] = 0
    left = seats - result.sum()
    if left == 0:
        return
    # left > 0: the best next quotient gets a seat (first maximum: first registered);
    # left < 0: the worst last quotient gives its seat back (last minimum: last registered).
    # Only the chosen list's quotient changes from one step to the next.
    step = 1 if left > 0 else -1
    for j in range(n_lists):
        if admitted[j]:  # only lists in the count are compared below
            _next_quotient(counted, result, step, method, integer, first_p, first_q, quotient, quotient_bits, j)
    while left != 0:
        chosen = -1
        for j in range(n_lists):
            if step == 1 and admitted[j] and (chosen < 0 or quotient[j] > quotient[chosen]):
                chosen = j
            elif step == -1 and result[j] > 0 and (chosen < 0 or quotient[j] <= quotient[chosen]):
                chosen = j
        result[chosen] += step
        left -= step
        _next_quotient(counted, result, step, method, integer, first_p, first_q, quotient, quotient_bits, chosen)


@compiled
def _next_quotient(counted, result, step: int, method: int, integer: bool, first_p: int, first_q: int, quotient,
                   quotient_bits, j: int) -> None:
    """Into quotient[j]: list j's quotient for its next seat (step 1) or for its last one (step
    -1), rounded to 32 significant bits for shares."""
    held = result[j] if step == 1 else result[j] - 1
    quotient[j] = float(counted[j]) / _divisor(method, max(held, 0), first_p, first_q)
    if not integer:
        snap_at(quotient, quotient_bits, j)


@compiled
def allocate_rows(votes, integer: bool, seats: int, method: int, eligible, exempt, base, passed_given,
                  exact_threshold: bool, threshold_left: int, threshold_right: int, threshold_times: float,
                  runner_up_min_seats: int, runner_up_exact: bool, first_p: int, first_q: int, out, flags) -> None:
    """Seats of every election (row of `votes`, lists on the columns; `integer` if they are vote
    counts) into `out`.

    `base` holds each row's threshold base, or nothing for the votes of eligible lists;
    `passed_given` each row's threshold test, or nothing to do it here (`list_passes`).
    `runner_up_min_seats` 0 means no clause.
    A row with negative or NaN votes, an infinite vote, or no votes for a list that can win
    seats sets its flag in `flags` and gets no seats; the caller raises.
    """
    n_rows, n_lists = votes.shape
    zero = np.zeros(1, votes.dtype)[0]
    admitted = np.empty(n_lists, np.bool_)
    counted = np.zeros(n_lists, votes.dtype)
    fraction = np.empty(n_lists, np.int64)
    quotient = np.empty(n_lists, np.float64)
    quotient_bits = quotient.view(np.int64)
    for i in range(n_rows):
        # votes[i, j], not a view of row i: with the view every method ran 10-15% slower
        # (alternated on 1,000,000 rows; why, not checked: perhaps aliasing between the view and `out`)
        result = out[i]
        in_play = zero
        negative_or_nan = infinite = False
        for j in range(n_lists):
            x = votes[i, j]
            negative_or_nan |= not x >= 0
            if not integer:
                infinite |= math.isinf(x)
            in_play += x if eligible[j] else zero
        if negative_or_nan or infinite or in_play == 0:
            flags[NEGATIVE_OR_NAN] |= negative_or_nan
            flags[INFINITE] |= infinite and not negative_or_nan
            flags[NO_VOTES] |= in_play == 0 and not (negative_or_nan or infinite)
            result[:] = 0
            continue

        n_admitted = 0
        threshold_base = in_play if base.shape[0] == 0 else base[i]
        for j in range(n_lists):
            if passed_given.shape[0]:
                passed = passed_given[i, j]
            else:
                passed = list_passes(votes[i, j], threshold_base, eligible[j], exact_threshold, threshold_left,
                                     threshold_right, threshold_times)
            admitted[j] = passed | (exempt[j] & eligible[j] & (votes[i, j] > 0))
            n_admitted += admitted[j]
        runner_up = -1
        if n_admitted == 1 and runner_up_min_seats > 0:  # the runner-up clause: most votes among the rest
            most = zero
            for j in range(n_lists):
                if eligible[j] and not admitted[j] and votes[i, j] > most:
                    most, runner_up = votes[i, j], j
            if runner_up >= 0:
                admitted[runner_up] = True
        elif n_admitted == 0:  # nobody passes: the threshold is waived
            for j in range(n_lists):
                admitted[j] = eligible[j] and votes[i, j] > 0

        total = zero
        for j in range(n_lists):
            counted[j] = votes[i, j] if admitted[j] else 0
            total += counted[j]
        if method == HARE or method == DROOP:
            _largest_remainder(counted, total, admitted, seats, method, integer, result, fraction)
        else:
            _highest_averages(counted, total, admitted, seats, method, integer, first_p, first_q, result, fraction,
                              quotient, quotient_bits)

        if runner_up >= 0:
            minimum = min(runner_up_min_seats, seats)
            leader = 0
            for j in range(n_lists):
                if admitted[j] and j != runner_up:
                    leader = j
                    break
            new = minimum if runner_up_exact else max(result[runner_up], minimum)
            result[runner_up] = new
            result[leader] = seats - new
