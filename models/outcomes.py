"""Summaries of a batch of simulated seat vectors: what a reader of a seat forecast asks.

Seat draws are an integer array (draws, parties) or an xarray DataArray with dims
("draw", "party"). Definitions used throughout:
- a majority is strictly more than half of the seats counted: seats > total / 2;
- a two-thirds majority is at least two thirds: 3 * seats >= 2 * total.
Both are computed against the list seats and, where the other seats of the house belong to
no party (appointed, as the 9 Assembly seats of the Kazakh Mazhilis), against the whole
house: a list then needs e.g. 54 of the 98 list seats for a majority of 107.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import ArrayLike

__all__ = ["INTERVALS", "empirical_quantiles", "majority_seats", "most_likely_outcomes", "outcome_probability",
           "seat_summary", "share_summary", "two_thirds_seats"]


#: Central intervals reported and scored everywhere.
INTERVALS = (0.5, 0.8, 0.9, 0.95)


def empirical_quantiles(values: np.ndarray, quantiles: Sequence[float], weights: np.ndarray | None = None) -> np.ndarray:
    """Quantiles of each column's empirical distribution (the smallest value whose cumulative
    weight reaches q), with optional integer weights (row counts): one sort per column.

    Returns an array (len(quantiles), columns). Weighted rows give exactly the quantiles of the
    rows repeated that many times.
    """
    values = np.asarray(values)
    w = np.ones(len(values)) if weights is None else np.asarray(weights, float)
    out = np.empty((len(quantiles), values.shape[1]), dtype=values.dtype)
    targets = np.asarray(quantiles) * w.sum()
    for j in range(values.shape[1]):
        order = np.argsort(values[:, j], kind="stable")
        cumulative = np.cumsum(w[order])
        index = np.minimum(np.searchsorted(cumulative, targets, side="left"), len(order) - 1)
        out[:, j] = values[order[index], j]
    return out


def majority_seats(total: int) -> int:
    """Fewest seats that are more than half of `total`."""
    return total // 2 + 1


def two_thirds_seats(total: int) -> int:
    """Fewest seats that are at least two thirds of `total`."""
    return -(-2 * total // 3)


def _as_array(seats: ArrayLike | xr.DataArray, parties: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    if isinstance(seats, xr.DataArray):
        parties = list(seats.coords["party"].values) if parties is None else list(parties)
        seats = seats.transpose(..., "party").values
    seats = np.asarray(seats)
    seats = seats.reshape(-1, seats.shape[-1])
    if parties is None:
        parties = [f"list {i + 1}" for i in range(seats.shape[1])]
    if len(parties) != seats.shape[1]:
        raise ValueError(f"{len(parties)} party names for {seats.shape[1]} columns of seats")
    return seats, list(parties)


def seat_summary(
    seats: ArrayLike | xr.DataArray,
    parties: Sequence[str] | None = None,
    *,
    list_seats: int,
    house_seats: int | None = None,
    passed: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    quantiles: Sequence[float] = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975),
) -> pd.DataFrame:
    """Per-party seat distribution: mean, sd, quantiles and the probabilities a reader asks for.

    `passed` (draws, parties) marks which lists passed the threshold in each draw; with it the
    table gains `p_pass_threshold`. `house_seats` adds majorities of the whole house, for
    houses whose other seats belong to no list. `weights` (draws,) counts how often each row
    occurs (e.g. posterior draws and how many simulated elections picked them).
    """
    seats, parties = _as_array(seats, parties)
    w = np.ones(len(seats)) if weights is None else np.asarray(weights, float)

    def mean(values: np.ndarray) -> np.ndarray:
        return np.average(values, axis=0, weights=w)

    table = pd.DataFrame(index=pd.Index(parties, name="party"))
    table["mean"] = mean(seats)
    table["sd"] = np.sqrt(mean((seats - table["mean"].to_numpy()) ** 2))
    for q, row in zip(quantiles, empirical_quantiles(seats, quantiles, w)):
        table[f"q{100 * q:g}"] = row.astype(int)
    table["p_any_seat"] = mean(seats > 0)
    if passed is not None:
        table["p_pass_threshold"] = mean(np.asarray(passed).reshape(seats.shape))
    table["p_majority_list"] = mean(seats >= majority_seats(list_seats))
    table["p_two_thirds_list"] = mean(seats >= two_thirds_seats(list_seats))
    if house_seats is not None:
        table["p_majority_house"] = mean(seats >= majority_seats(house_seats))
        table["p_two_thirds_house"] = mean(seats >= two_thirds_seats(house_seats))
    return table


def _encode(seats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique seat vectors and, for each draw, the index of its vector."""
    base = int(seats.max()) + 1 if seats.size else 1
    if base ** seats.shape[1] < 2**62:
        weights = base ** np.arange(seats.shape[1], dtype=np.int64)
        codes = seats.astype(np.int64) @ weights
        unique_codes, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        return seats[first], inverse
    unique, inverse = np.unique(seats, axis=0, return_inverse=True)
    return unique, inverse.ravel()


def most_likely_outcomes(seats: ArrayLike | xr.DataArray, parties: Sequence[str] | None = None,
                         top: int = 10, weights: ArrayLike | None = None) -> pd.DataFrame:
    """The `top` most frequent exact seat vectors, with their probabilities (one row each)."""
    seats, parties = _as_array(seats, parties)
    unique, inverse = _encode(seats)
    counts = np.bincount(inverse, weights=weights, minlength=len(unique))
    order = np.argsort(-counts, kind="stable")[:top]
    table = pd.DataFrame(unique[order], columns=parties)
    table["probability"] = counts[order] / counts.sum()
    table.index = pd.RangeIndex(1, len(table) + 1, name="rank")
    return table


def outcome_probability(seats: ArrayLike | xr.DataArray, outcome: ArrayLike) -> tuple[int, int]:
    """How many draws give exactly `outcome`: returns (count, draws)."""
    seats, _ = _as_array(seats, None)
    outcome = np.asarray(outcome).reshape(1, -1)
    return int((seats == outcome).all(axis=1).sum()), len(seats)


def share_summary(shares: xr.DataArray | np.ndarray, options: Sequence[str] | None = None,
                  weights: np.ndarray | None = None) -> pd.DataFrame:
    """Per option, in percent: mean, median and the central 50/80/90/95% intervals.

    Quantiles are of the empirical distribution (inverted CDF), so counts of posterior draws
    (`weights`) give exactly the figures of the elections they stand for.
    """
    if isinstance(shares, xr.DataArray):
        options = list(shares.coords["option"].values)
        shares = shares.transpose(..., "option").values.reshape(-1, len(options))
    values = np.asarray(shares) * 100
    w = np.ones(len(values)) if weights is None else np.asarray(weights, float)
    levels = [0.5] + [q for level in INTERVALS for q in ((1 - level) / 2, (1 + level) / 2)]
    found = dict(zip(levels, empirical_quantiles(values, levels, w)))
    table = pd.DataFrame(index=pd.Index(list(options), name="option"))
    table["mean"] = np.average(values, axis=0, weights=w)
    table["median"] = found[0.5]
    for level in INTERVALS:
        low, high = found[(1 - level) / 2], found[(1 + level) / 2]
        table[f"low_{int(level * 100)}"] = low
        table[f"high_{int(level * 100)}"] = high
    return table
