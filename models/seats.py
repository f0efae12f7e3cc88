"""The seat laws, vectorized over any number of leading axes (draws, scenarios).

`allocate(votes, seats, method, ...)` takes votes (integers) or shares (floats) with the lists
on the last axis, in registration order, and returns integer seats of the same shape. One call
handles a million simulated elections: the arguments are checked here, then one compiled pass
over the elections applies the law to each (`models.seat_kernel`), never a Python loop per draw.

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

This module has no PyMC, no I/O and no pandas: plain numpy in, numpy out (numba inside).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from models import seat_kernel

__all__ = ["DIVISOR_METHODS", "METHODS", "QUOTA_METHODS", "admitted_rule", "allocate", "allocate_rule", "rule_terms",
           "threshold_passed"]

QUOTA_METHODS = ("hare", "droop")
DIVISOR_METHODS = ("dhondt", "sainte-lague", "modified-sainte-lague")
METHODS = QUOTA_METHODS + DIVISOR_METHODS

#: The code `polls` gives the 'against all' option (kept here so this module imports nothing).
AGAINST_ALL = "against_all"

def _first_divisor_fraction(first_divisor: float) -> tuple[int, int]:
    """The first divisor as an exact decimal fraction p/q; checked as `polls` checks it."""
    if not 0 < first_divisor <= 3:
        raise ValueError(f"first_divisor must be above 0 and at most 3, got {first_divisor!r}")
    fraction = Fraction(str(float(first_divisor)))
    if fraction.denominator > 1000:
        raise ValueError(f"first_divisor {first_divisor!r} has more than three decimals")
    return fraction.numerator, fraction.denominator


def threshold_passed(votes: ArrayLike, threshold: float, base: ArrayLike | None = None,
                     eligible: ArrayLike | None = None) -> NDArray[np.bool_]:
    """Which lists reach `threshold` percent of `base` (default: the votes of eligible lists).

    Lists on the last axis. A list exactly at the threshold passes; a list without votes never
    does. Integer votes and bases are compared exactly.
    """
    votes = np.asarray(votes)
    n_lists = votes.shape[-1]
    eligible = _per_list(eligible, n_lists, True)
    rows = _rows(votes)
    test = _ThresholdTest(rows, threshold, _base_rows(base, votes.shape), eligible)
    if test.given.shape[0]:
        return test.given.reshape(votes.shape)
    passed = np.empty(rows.shape, bool)
    seat_kernel.threshold_rows(rows, eligible, test.base, test.exact, test.left, test.right, test.times, passed)
    return passed.reshape(votes.shape)


def _rows(votes: NDArray) -> NDArray:
    """Votes as the kernel takes them: one row per election, int64 counts or float64 shares (one
    compiled version each)."""
    integer = np.issubdtype(votes.dtype, np.integer)
    return np.ascontiguousarray(votes.reshape(-1, votes.shape[-1]), dtype=np.int64 if integer else np.float64)


def _per_list(flags: ArrayLike | None, n_lists: int, default: bool) -> NDArray[np.bool_]:
    """A flag per list as a fresh writable bool array (a read-only view would be another type to
    numba, and another compile)."""
    return np.full(n_lists, default) if flags is None else np.array(np.broadcast_to(np.asarray(flags, bool), (n_lists,)))


def _base_rows(base: ArrayLike | None, shape: tuple[int, ...]) -> NDArray | None:
    """Each election's threshold base, flat like the rows of votes of that `shape`."""
    return None if base is None else np.broadcast_to(np.asarray(base), shape[:-1]).reshape(-1)


class _ThresholdTest:
    """How the kernel tests a threshold on rows of votes (elections x lists), given each row's
    base (None: the votes of eligible lists).

    Integer votes and bases are compared exactly, votes * left >= base * right with
    left / right = 100 / t for the decimal t the user wrote (`str(float(threshold))`, so 100 *
    0.07 is 7.000000000000001, not 7): in the kernel's int64 when the products fit, else here in
    Python integers (`given`), so no vote count or threshold can overflow. Floats compare
    votes * 100 >= base * t (1 - 1e-12).
    """

    def __init__(self, rows: NDArray, threshold: float, base: NDArray | None, eligible: NDArray[np.bool_]) -> None:
        n_lists = rows.shape[1]
        integer = rows.dtype.kind in "iu"
        self.exact = integer and (base is None or base.dtype.kind in "iu")
        self.base = np.empty(0, rows.dtype) if base is None else np.require(
            base, np.int64 if self.exact else np.float64, ["C", "W"])
        self.given = np.empty((0, n_lists), bool)
        self.left = self.right = 0
        self.times = float(threshold) * (1.0 - 1e-12)
        if not self.exact:
            return
        fraction = Fraction(str(float(threshold)))
        left, right = 100 * fraction.denominator, fraction.numerator
        most = int(rows.max(initial=0))
        largest_base = most * n_lists if base is None else int(base.max(initial=0))
        if max(most * left, largest_base * right) < 2**63:
            self.left, self.right = left, right
        else:
            votes = rows.astype(object)
            bases = (votes * eligible).sum(axis=1) if base is None else base.astype(object)
            self.given = (votes * left >= bases[:, None] * right) & (rows > 0) & eligible


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
        comparison is exact for the decimal written (see `_ThresholdTest`).
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

    shape = votes.shape
    n_lists = shape[-1]
    rows = _rows(votes)
    eligible, exempt = _per_list(eligible, n_lists, True), _per_list(exempt, n_lists, False)
    if integer and rows.size and int(rows.max()) > (2**62) // (2 * (seats + 1) * n_lists * first[1]):
        raise ValueError("vote counts too large for exact integer arithmetic")
    threshold_test = _ThresholdTest(rows, threshold, _base_rows(threshold_base, shape), eligible)
    result = np.empty(rows.shape, np.int64)
    flags = np.zeros(3, bool)
    seat_kernel.allocate_rows(
        rows, integer, seats, METHODS.index(method), eligible, exempt,
        threshold_test.base, threshold_test.given, threshold_test.exact, threshold_test.left, threshold_test.right,
        threshold_test.times, int(runner_up_min_seats or 0), runner_up_reading == "exact", *first, result, flags)
    if flags[seat_kernel.NEGATIVE_OR_NAN]:
        raise ValueError("votes must not be negative" + ("" if integer else " or NaN"))
    if flags[seat_kernel.INFINITE]:
        raise ValueError("votes must be finite")
    if flags[seat_kernel.NO_VOTES]:
        raise ValueError("an election with no votes for any list that can win seats")
    return result.reshape(shape)


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
