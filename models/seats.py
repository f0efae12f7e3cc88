"""The seat laws, vectorized over any number of leading axes (draws, scenarios).

`allocate(votes, seats, method, ...)` takes votes (integers) or shares (floats) with the lists
on the last axis, in registration order, and returns integer seats of the same shape. One call
handles a million simulated elections: the work is array operations over all draws at once,
with at most a few dozen passes for the highest-averages methods, never a loop per draw.

Conventions (tested in tests/test_seats_*.py):
- A list exactly at the threshold passes.
- Ties (equal remainders, equal quotients, equal votes for the runner-up) go to the list
  registered first, i.e. the lower index on the last axis.
- Integer votes are compared exactly (integer remainders; quotients of integers by integer
  divisors are correctly rounded, so equal quotients compare equal). Float shares are
  compared after rounding quotas to 2**-32 of a seat (remainders) or quotients to 32
  significant bits, so shares computed from vote counts give the seats of those counts.
- `droop` uses the exact Droop (Hagenbach-Bischoff) quota V/(S+1), which means the same for
  vote counts and for shares. If every quota is whole, S+1 seats would be handed out: the
  list registered last among those holding a seat gives one back.
- Kazakhstan's runner-up clause (Constitutional Law on Elections, art. 97-1): if only one list
  passes, the list with the next most votes is admitted to the distribution and receives at
  least `runner_up_min_seats`. `runner_up_reading="floor"` (default, the law's wording: the
  runner-up joins the largest-remainder count, and its seats are raised to the minimum if
  the count gives fewer) or `"exact"` (it receives exactly the minimum).
- If no list passes, the threshold is waived (`if_none_pass="all_lists"`).

This module has no PyMC, no I/O and no pandas: plain numpy in, numpy out.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DIVISOR_METHODS", "METHODS", "QUOTA_METHODS", "admitted_rule", "allocate", "allocate_rule", "rule_terms",
           "threshold_passed"]

QUOTA_METHODS = ("hare", "droop")
DIVISOR_METHODS = ("dhondt", "sainte-lague", "modified-sainte-lague")
METHODS = QUOTA_METHODS + DIVISOR_METHODS

#: The code `polls` gives the 'against all' option (kept here so this module imports nothing).
AGAINST_ALL = "against_all"

_FRACTION_BITS = 32
_ONE = np.int64(1) << _FRACTION_BITS


def _divisors(method: str, k: NDArray[np.int64], first: tuple[int, int] = (7, 5)) -> NDArray[np.float64]:
    """Divisor for a list's (k+1)-th seat, on an integer scale so that it is exact in floats.
    `first` is the modified Sainte-Laguë first divisor as a fraction p/q (1.4 = 7/5): its
    divisors p/q, 3, 5, ... are scaled by q to p, 3q, 5q, ..."""
    if method == "dhondt":
        return (k + 1).astype(np.float64)  # 1, 2, 3, ...
    if method == "sainte-lague":
        return (2 * k + 1).astype(np.float64)  # 1, 3, 5, ...
    p, q = first
    return np.where(k == 0, float(p), (q * (2 * k + 1)).astype(np.float64))


def _first_divisor_fraction(first_divisor: float) -> tuple[int, int]:
    """The first divisor as an exact decimal fraction p/q; checked as `polls` checks it."""
    if not 0 < first_divisor <= 3:
        raise ValueError(f"first_divisor must be above 0 and at most 3, got {first_divisor!r}")
    fraction = Fraction(str(float(first_divisor)))
    if fraction.denominator > 1000:
        raise ValueError(f"first_divisor {first_divisor!r} has more than three decimals")
    return fraction.numerator, fraction.denominator


def _snap_significand(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Round floats to 32 significant bits, so that quotients equal up to rounding compare equal."""
    mantissa, exponent = np.frexp(x)
    return np.ldexp(np.rint(mantissa * 2.0**_FRACTION_BITS) / 2.0**_FRACTION_BITS, exponent)


def threshold_passed(votes: ArrayLike, threshold: float, base: ArrayLike | None = None,
                     eligible: ArrayLike | None = None) -> NDArray[np.bool_]:
    """Which lists reach `threshold` percent of `base` (default: the votes of eligible lists).

    Lists on the last axis. A list exactly at the threshold passes; a list without votes never
    does. Integer votes and bases are compared exactly.
    """
    votes = np.asarray(votes)
    n_lists = votes.shape[-1]
    eligible = np.ones(n_lists, bool) if eligible is None else np.broadcast_to(np.asarray(eligible, bool), (n_lists,))
    flat = np.moveaxis(votes.reshape(-1, n_lists), -1, 0)
    base_flat = None if base is None else np.broadcast_to(np.asarray(base), votes.shape[:-1]).reshape(-1)
    passed = _passed(flat, threshold, base_flat, eligible)
    return np.moveaxis(passed, 0, -1).reshape(votes.shape)


def _passed(votes: NDArray, threshold: float, base: NDArray | None, eligible: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Threshold test on lists-first arrays (n_lists, n_elections).

    Integer votes: votes * 100 >= base * t exactly, with t the decimal the user wrote
    (`str(float(threshold))`, so 100 * 0.07 is 7.000000000000001, not 7); in int64 when the
    products fit, else in Python integers, so no vote count or threshold can overflow.
    """
    if base is None:
        base = (votes if eligible.all() else votes * eligible[:, None]).sum(axis=0)
    base = np.asarray(base)
    if np.issubdtype(votes.dtype, np.integer) and np.issubdtype(base.dtype, np.integer):
        fraction = Fraction(str(float(threshold)))
        left, right = 100 * fraction.denominator, fraction.numerator
        largest = max(int(votes.max(initial=0)) * left, int(base.max(initial=0)) * right)
        if largest >= 2**63:
            votes, base = votes.astype(object), base.astype(object)
        passed = np.asarray(votes * left >= base * right, dtype=bool)
    else:
        passed = votes * 100.0 >= base * (float(threshold) * (1.0 - 1e-12))
    passed &= votes > 0
    if not eligible.all():
        passed &= eligible[:, None]
    return passed


def allocate(
    votes: ArrayLike,
    seats: int,
    method: str = "hare",
    *,
    threshold: float = 0.0,
    threshold_base: ArrayLike | None = None,
    eligible: ArrayLike | None = None,
    exempt: ArrayLike | None = None,
    runner_up_min_seats: int | None = None,
    runner_up_reading: str = "floor",
    if_none_pass: str = "all_lists",
    first_divisor: float = 1.4,
) -> NDArray[np.int64]:
    """Seats of each list under a proportional rule; lists on the last axis, registration order.

    Parameters
    ----------
    votes : array (..., n_lists)
        Vote counts (integer dtype) or shares (float dtype); any leading axes.
    seats : int
        Seats to allocate.
    method : {"hare", "droop", "dhondt", "sainte-lague", "modified-sainte-lague"}
    threshold : float
        Minimum share in percent of `threshold_base`; 0 for none. With integer votes the
        comparison is exact for the decimal written (see `_passed`).
    threshold_base : array (...,), optional
        What the threshold is a share of, per election (e.g. valid votes including 'against
        all'). Default: the votes of all eligible lists.
    eligible : bool array (n_lists,), optional
        Entries that can win seats (False for 'against all'); ineligible entries are never in
        the quota. Default: all.
    exempt : bool array (n_lists,), optional
        Lists admitted regardless of the threshold (e.g. New Zealand parties that won an
        electorate, or national-minority lists).
    runner_up_min_seats, runner_up_reading :
        The runner-up clause (see the module docstring); None for no such clause.
    if_none_pass : {"all_lists"}
        What happens when no list passes: the threshold is waived.
    first_divisor : float
        First divisor of `modified-sainte-lague` (1.4 in Norway and in Sweden before 2018, 1.2
        in Sweden since); at most three decimals, in (0, 3].

    Returns
    -------
    int64 array with the shape of `votes`.
    """
    votes = np.asarray(votes)
    if votes.ndim == 0 or votes.shape[-1] == 0:
        raise ValueError("votes need at least one list on the last axis")
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}' (known: {', '.join(METHODS)})")
    if isinstance(seats, bool) or not isinstance(seats, (int, np.integer)) or seats < 1:
        raise ValueError(f"seats must be a positive integer, got {seats!r}")
    seats = int(seats)
    if not 0 <= threshold < 100:
        raise ValueError(f"threshold must be in [0, 100) percent, got {threshold}")
    if runner_up_reading not in ("floor", "exact"):
        raise ValueError(f"runner_up_reading must be 'floor' or 'exact', got {runner_up_reading!r}")
    if if_none_pass != "all_lists":
        raise ValueError(f"unknown if_none_pass {if_none_pass!r} (known: all_lists)")
    first = _first_divisor_fraction(first_divisor) if method == "modified-sainte-lague" else (7, 5)
    integer = np.issubdtype(votes.dtype, np.integer)
    if not integer and not np.issubdtype(votes.dtype, np.floating):
        raise ValueError(f"votes must be integers or floats, got dtype {votes.dtype}")
    if not (votes >= 0).all():
        raise ValueError("votes must not be negative" + ("" if integer else " or NaN"))

    shape = votes.shape
    n_lists = shape[-1]
    # Work lists-first, (n_lists, n_elections): each list's votes are contiguous, so the
    # sums and comparisons across lists below are a few whole-array operations.
    v = np.ascontiguousarray(votes.reshape(-1, n_lists).T, dtype=np.int64 if integer else np.float64)
    eligible = np.ones(n_lists, bool) if eligible is None else np.broadcast_to(np.asarray(eligible, bool), (n_lists,))
    exempt = np.zeros(n_lists, bool) if exempt is None else np.broadcast_to(np.asarray(exempt, bool), (n_lists,))
    in_play = v.sum(axis=0) if eligible.all() else (v * eligible[:, None]).sum(axis=0)
    if not integer and not np.isfinite(in_play).all():
        raise ValueError("votes must be finite")
    if integer and v.size and int(v.max()) > (2**62) // (2 * (seats + 1) * n_lists * first[1]):
        raise ValueError("vote counts too large for exact integer arithmetic")
    if (in_play == 0).any():
        raise ValueError("an election with no votes for any list that can win seats")
    base = None if threshold_base is None else np.broadcast_to(np.asarray(threshold_base), shape[:-1]).reshape(-1)

    admitted = _passed(v, threshold, base, eligible)
    if exempt.any():
        admitted |= (exempt & eligible)[:, None] & (v > 0)
    n_admitted = admitted.sum(axis=0)

    # the runner-up clause and the waived threshold only touch the elections that need them
    clause_rows = np.flatnonzero(n_admitted == 1) if runner_up_min_seats else np.empty(0, np.intp)
    runner_up = np.empty(0, np.intp)
    if clause_rows.size:
        candidates = np.where(eligible[:, None] & ~admitted[:, clause_rows] & (v[:, clause_rows] > 0),
                              v[:, clause_rows], -1)
        best = np.argmax(candidates, axis=0)  # ties: the first registered
        has_runner_up = candidates[best, np.arange(clause_rows.size)] > 0
        clause_rows, runner_up = clause_rows[has_runner_up], best[has_runner_up]
        admitted[runner_up, clause_rows] = True
    none_rows = np.flatnonzero(n_admitted == 0)
    if none_rows.size:
        admitted[:, none_rows] = eligible[:, None] & (v[:, none_rows] > 0)

    counted = np.where(admitted, v, 0)
    if method in QUOTA_METHODS:
        result = _largest_remainder(counted, admitted, seats, method, integer)
    else:
        result = _highest_averages(counted, admitted, seats, method, integer, first)

    if clause_rows.size:
        minimum = min(int(runner_up_min_seats), seats)
        others = admitted[:, clause_rows].copy()
        others[runner_up, np.arange(clause_rows.size)] = False
        leader = np.argmax(others, axis=0)
        got = result[runner_up, clause_rows]
        new = np.maximum(got, minimum) if runner_up_reading == "floor" else np.full_like(got, minimum)
        result[runner_up, clause_rows] = new
        result[leader, clause_rows] = seats - new
    return np.ascontiguousarray(result.T).reshape(shape)


def _whole_and_fraction(counted: NDArray, numerator: int | NDArray, denominator: int,
                        integer: bool) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray | np.int64]:
    """counted * (numerator / denominator) / total, as a whole part and an integer fraction key.

    Returns (whole, fraction_key, scale) with fraction = fraction_key / scale. Integers are
    exact; floats are rounded to 2**-32.
    """
    total = counted.sum(axis=0)
    if integer:
        scaled = counted * numerator
        total = total * denominator
        return scaled // total, scaled % total, total
    scaled = counted * (np.asarray(numerator) * (2.0**_FRACTION_BITS / denominator) / total)
    fixed = np.rint(scaled, out=scaled).astype(np.int64)
    return fixed >> _FRACTION_BITS, fixed & (_ONE - 1), _ONE


def _largest_remainder(counted: NDArray, admitted: NDArray[np.bool_], seats: int, method: str,
                       integer: bool) -> NDArray[np.int64]:
    """Whole quotas first, then one seat each for the largest remainders (ties: first registered)."""
    n_lists = counted.shape[0]
    whole, remainder, _ = _whole_and_fraction(counted, seats if method == "hare" else seats + 1, 1, integer)
    left = seats - whole.sum(axis=0)
    over = np.flatnonzero(left < 0)  # exact Droop with every quota whole: S + 1 seats
    if over.size:
        last = n_lists - 1 - np.argmax(whole[::-1, over] > 0, axis=0)
        whole[last, over] -= 1
        left[over] += 1
    # rank the remainders; a key that also encodes registration order has no ties
    key = np.where(admitted, remainder * n_lists + np.arange(n_lists - 1, -1, -1)[:, None], -1)
    ahead = np.zeros(key.shape, np.int16)
    for i in range(n_lists):
        np.add(ahead, key[i] > key, out=ahead)
    whole += ahead < left
    return whole


def _highest_averages(counted: NDArray, admitted: NDArray[np.bool_], seats: int, method: str,
                      integer: bool, first: tuple[int, int] = (7, 5)) -> NDArray[np.int64]:
    """The `seats` largest quotients votes / divisor; ties to the first registered.

    Starts from the seats whose quotients reach a common cut c (exact for integers, to 2**-32
    of a seat for floats), chosen so that they add up to about S: c = V / (S + n/2) for
    D'Hondt with n lists in the count, c = V / S for Sainte-Laguë. Then it hands seats out
    (or takes them back) one quotient at a time, only in the elections still off.
    """
    if method == "dhondt":  # quotients v / (k + 1) at or above V / (S + n/2): floor(v (2S + n) / 2V)
        whole, _, _ = _whole_and_fraction(counted, 2 * seats + admitted.sum(axis=0), 2, integer)
        result = whole
    else:  # Sainte-Laguë: v / (k + 1/2) at or above V / S, i.e. the quota rounded half up
        whole, fraction, scale = _whole_and_fraction(counted, seats, 1, integer)
        result = whole + (2 * fraction >= scale)
        if method == "modified-sainte-lague":  # the first seat needs v / (p/2q) at or above V / S
            p, q = first
            result = np.where(2 * q * (whole * scale + fraction) >= p * scale, np.maximum(result, 1), 0)
    result = np.where(admitted, result, 0)
    values = counted.astype(np.float64)
    left = seats - result.sum(axis=0)
    for step in (1, -1):
        while True:
            rows = np.flatnonzero(left * step > 0)
            if rows.size == 0:
                break
            held = result[:, rows]
            if step == 1:  # the best next quotient gets a seat; first maximum: first registered
                quotient = values[:, rows] / _divisors(method, held, first)
                if not integer:
                    quotient = _snap_significand(quotient)
                winner = np.argmax(np.where(admitted[:, rows], quotient, -np.inf), axis=0)
            else:  # the worst last quotient gives its seat back; last minimum: last registered
                quotient = values[:, rows] / _divisors(method, np.maximum(held - 1, 0), first)
                if not integer:
                    quotient = _snap_significand(quotient)
                quotient = np.where(held > 0, quotient, np.inf)[::-1]
                winner = quotient.shape[0] - 1 - np.argmin(quotient, axis=0)
            result[winner, rows] += step
            left[rows] -= step
    return result


def rule_terms(votes: ArrayLike, rule: Any, options: Sequence[str]) -> dict[str, Any]:
    """What `allocate` needs beyond the votes to apply an election's `SeatRule` (from `polls`),
    `options` naming the last axis of `votes`: which entries can win seats, the threshold base
    and the exempt lists.

    Options in `rule.seatless` (all other lists as one figure) and 'against all' win no seats
    and are never in the quota. The threshold base counts seatless options always and 'against
    all' when the rule's base is "valid_votes". Lists in `rule.exempt` pass whatever their share.
    """
    votes = np.asarray(votes)
    options = list(options)
    if votes.shape[-1] != len(options):
        raise ValueError(f"votes have {votes.shape[-1]} entries on the last axis; the rule's options are {options}")
    against_all = np.array([o == AGAINST_ALL for o in options])
    eligible = ~against_all & ~np.isin(options, list(rule.seatless))
    base = None
    if not eligible.all():
        counts = ~against_all if rule.threshold_base == "party_votes" else np.ones(len(options), bool)
        base = votes.sum(axis=-1) if counts.all() else (votes * counts).sum(axis=-1)
    return {"eligible": eligible, "threshold_base": base, "exempt": np.isin(options, list(rule.exempt))}


def allocate_rule(votes: ArrayLike, rule: Any, options: Sequence[str], **overrides: Any) -> NDArray[np.int64]:
    """Allocate under an election's `SeatRule`, `options` naming the last axis of `votes`
    (see `rule_terms`). Seats are returned for every option (0 where seatless)."""
    settings = dict(
        method=rule.method, threshold=rule.threshold, runner_up_min_seats=rule.runner_up_min_seats,
        runner_up_reading=rule.runner_up_reading, if_none_pass=rule.if_none_pass,
        first_divisor=rule.first_divisor, **rule_terms(votes, rule, options),
    )
    settings.update(overrides)
    return allocate(votes, rule.seats, **settings)


def admitted_rule(votes: ArrayLike, rule: Any, options: Sequence[str]) -> NDArray[np.bool_]:
    """Which options reach the rule's threshold or are exempt from it (with votes); never a
    seatless option. The runner-up clause and a waived threshold are not counted here."""
    terms = rule_terms(votes, rule, options)
    passed = threshold_passed(votes, rule.threshold, terms["threshold_base"], terms["eligible"])
    return passed | (terms["exempt"] & terms["eligible"] & (np.asarray(votes) > 0))
