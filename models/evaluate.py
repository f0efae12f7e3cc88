"""Scoring forecasts against the actual outcome, and the simple forecasts to beat.

Shares are scored in percentage points. Per option: the forecast median and central
intervals, the actual value's PIT (share of draws below it, ties counting half), whether each
central interval (50/80/90/95%) covers it, CRPS and the absolute error of the median. For the
share vector: the energy score. For seats: the log score of the actual seat vector, smoothed as
log((k + 1/2) / (m + 1)) for k of m draws hitting it (the Krichevsky-Trofimov estimate, finite
for outcomes never simulated), the absolute seat error of the median seats, and each party's
Brier score for passing the threshold.

Both ensemble scores are the estimators of `scoringrules` (Zottel et al., a maintained library
with tested estimators), computed here with numpy and scipy and tested against it: importing
scoringrules compiles all its numba kernels, about 4 s for every process that scores. The CRPS is
its default quantile-decomposition estimator (equal to rounding: the sums run in another order).
The energy score, mean ||X - y|| - mean ||X - X'|| / 2 over all pairs, takes its pairs from
scipy's `pdist`, without the (m, m, K) array that took 1.4 GB and 3.4 s at 4,000 members, where
pdist takes 64 MB and 0.03 s (`benchmarks/bench_stages.py`). A point forecast is an ensemble of
one, so its CRPS is its absolute error and its energy score its Euclidean error: the model and the
baselines are scored on one scale. The energy score is O(m^2) in the ensemble size, so the
model's is computed on a seeded subsample of at most `ENERGY_MEMBERS` draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr
from scipy.spatial.distance import pdist

import polls
from models.outcomes import INTERVALS, outcome_probability
from models.simulate import seats_and_passes

__all__ = ["ENERGY_MEMBERS", "INTERVALS", "Forecast", "baseline_forecasts", "baseline_notes", "crps_ensemble",
           "energy_score", "model_forecast", "score", "scores_table", "split_reported_in"]

ENERGY_MEMBERS = 4000


@dataclass
class Forecast:
    """Draws of one forecast: shares (m, K options, fractions), seats and passes (m, parties)."""

    name: str
    kind: str                      # "model" or "baseline"
    shares: np.ndarray
    seats: np.ndarray
    passed: np.ndarray
    information_set: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def members(self) -> int:
        return len(self.shares)


def model_forecast(simulation: xr.Dataset, name: str | None = None) -> Forecast:
    """A simulation from `models.simulate.simulate` as a forecast to score."""
    info = simulation.attrs.get("information_set")
    return Forecast(name or f"model [{info}]", "model", simulation["shares"].values, simulation["seats"].values,
                    simulation["passed"].values, information_set=info)


def _point(election: polls.Election, name: str, shares: np.ndarray, note: str = "",
           information_set: str = "polls") -> Forecast:
    shares = np.asarray(shares, float)[None, :]
    seats, passed = seats_and_passes(election, shares)
    return Forecast(name, "baseline", shares, seats, passed, information_set=information_set, note=note)


def _renormalised(row: pd.Series, options: list[str]) -> np.ndarray:
    values = row[options].to_numpy(float)
    return values / values.sum()


def _carried_forward(election: polls.Election, previous: polls.Election | None) -> pd.Series:
    """Each option's share in the previous election's result through its predecessor (0 without)."""
    if previous is None or not previous.has_results:
        return pd.Series(0.0, index=election.options)
    return election.predecessor_shares(previous).fillna(0.0)


def split_reported_in(election: polls.Election, table: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """The rows that cover every option, each with a figure for every option.

    A figure that holds options the row left blank (their `reported_in`: `Election.reporting`)
    is split among its own option and those, in proportion to `weights` (the previous
    election's shares: the rule the baselines state); an option with no previous share gets
    none of it, as a reader of the headline figures sees none. `baseline_notes` says which rows
    are dropped.
    """
    merge, _ = election.reporting(table)
    index = {o: k for k, o in enumerate(election.options)}
    split = table.copy()
    for host in sorted(set(election.reported_in.values())):
        guests = [o for o, h in election.reported_in.items() if h == host]
        inside = merge[:, [index[g] for g in guests], index[host]] > 0   # (rows, guests)
        w = weights[guests].to_numpy(float) * inside
        total = weights[host] + w.sum(axis=1)
        fraction = np.divide(w, total[:, None], out=np.zeros_like(w), where=total[:, None] > 0)
        figure = table[host].to_numpy(float)
        split[guests] = np.where(inside, figure[:, None] * fraction, split[guests].to_numpy(float))
        split[host] = figure * (1 - fraction.sum(axis=1))
    return split[(merge.sum(axis=2) > 0).all(axis=1)]


def baseline_forecasts(election: polls.Election) -> list[Forecast]:
    """The forecasts a reader would otherwise trust, as point forecasts.

    Polls are renormalised over the ballot options, as a reader of the headline figures would
    (undecided set aside). An option a poll reports inside another figure (`reported_in`) gets
    a part of that figure in proportion to the previous election's shares (`split_reported_in`);
    `baseline_notes` says which polls could not be used. Each baseline names the information
    set it needs: "polls" (polls and the previous election) or "polls+exit".
    """
    options = election.options
    out = []
    previous = polls.load_previous(election)
    carried = _carried_forward(election, previous)
    complete = split_reported_in(election, election.polls, carried)
    split = "; figures holding other options split by the previous election's shares" if election.reported_in else ""
    if len(complete):
        ordered = complete.assign(_row=np.arange(len(complete))).sort_values(["date", "_row"])
        last = ordered.iloc[-1]
        out.append(_point(election, "last poll", _renormalised(last, options),
                          f"{last['firm']}, {last['date'].date()}{split}"))
        latest = ordered.groupby("firm", sort=False).tail(1)
        average = np.mean([_renormalised(row, options) for _, row in latest.iterrows()], axis=0)
        out.append(_point(election, "firms' last polls (average)", average,
                          ", ".join(f"{r['firm']} {r['date'].date()}" for _, r in latest.iterrows()) + split))
    if previous is not None and previous.has_results:
        out.append(_point(election, "previous election", carried.to_numpy() / carried.sum(),
                          f"{previous.id}; options without a predecessor get 0"))
    exits = split_reported_in(election, election.exit_polls, carried)
    for _, row in exits.iterrows():
        out.append(_point(election, f"exit poll: {row['firm']}", _renormalised(row, options),
                          information_set="polls+exit"))
    if len(exits) > 1:
        average = np.mean([_renormalised(row, options) for _, row in exits.iterrows()], axis=0)
        out.append(_point(election, "exit polls (average)", average, information_set="polls+exit"))
    return out


def baseline_notes(election: polls.Election) -> list[str]:
    """What the baselines could not use: polls and exit polls that leave an option blank with
    no figure holding it (no `reported_in`)."""
    notes = []
    for what, table in (("polls", election.polls), ("exit polls", election.exit_polls)):
        covered = election.reporting(table)[0].sum(axis=2) > 0
        dropped = ~covered.all(axis=1)
        if dropped.any():
            missing = [o for k, o in enumerate(election.options) if not covered[dropped, k].all()]
            notes.append(f"{what}: {int(dropped.sum())} of {len(table)} rows leave {', '.join(missing)} blank with no "
                         "figure holding it (no reported_in): not used by the baselines")
    return notes


def crps_ensemble(actual: np.ndarray, members: np.ndarray) -> np.ndarray:
    """The CRPS of each column of `members` (m, K) for the outcome `actual` (K,), as
    `scoringrules.crps_ensemble(actual, members, m_axis=0)` computes it by default (quantile
    decomposition): members sorted, (x_(i) - y) (m 1{y < x_(i)} - i + 1/2) summed over i = 1..m,
    times 2 / m^2."""
    m = len(members)
    ordered = np.sort(members, axis=0)
    weight = (m * (actual < ordered) - np.arange(1, m + 1)[:, None]) + 0.5
    return (2 / m**2) * ((ordered - actual) * weight).sum(axis=0)


def energy_score(actual: np.ndarray, members: np.ndarray) -> float:
    """The ensemble energy score of `members` (m, K) for the outcome `actual` (K,): the mean
    distance to the outcome less half the mean distance between members (all m^2 ordered pairs,
    as `scoringrules.es_ensemble`), with the pairs from `scipy.spatial.distance.pdist`."""
    m = len(members)
    to_outcome = np.linalg.norm(members - actual, axis=1).mean()
    return float(to_outcome - (pdist(members).sum() / m**2 if m > 1 else 0.0))


#: Shares (in points) closer than this count as equal: a forecast built from the counted
#: votes must not miss the result by a rounding error.
TIE = 1e-9


def _pit(draws: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Share of draws below the actual value, draws equal to it counting half."""
    equal = np.abs(draws - actual) <= TIE
    return ((draws < actual) & ~equal).mean(axis=0) + 0.5 * equal.mean(axis=0)


def score(forecast: Forecast, election: polls.Election, *, seed: int = 0, point_members: int = 100_000) -> dict:
    """Every score of one forecast against the election's actual result (a JSON-ready dict).

    A point forecast (one member) counts as `point_members` identical draws for the seat log
    score, so that its smoothing matches a model simulated with that many elections.
    """
    actual = election.result_shares().to_numpy() * 100
    actual_seats = election.result_seats().to_numpy()
    draws = forecast.shares * 100
    options, parties = election.options, election.party_codes
    per_option = {}
    median = np.median(draws, axis=0)
    crps = crps_ensemble(actual, draws)
    pit = _pit(draws, actual)
    for k, option in enumerate(options):
        entry = {"actual": float(actual[k]), "median": float(median[k]), "mean": float(draws[:, k].mean()),
                 "pit": float(pit[k]), "crps": float(crps[k]), "abs_error": float(abs(median[k] - actual[k]))}
        for level in INTERVALS:
            low, high = np.quantile(draws[:, k], [(1 - level) / 2, (1 + level) / 2])
            entry[f"interval_{int(level * 100)}"] = [float(low), float(high)]
            entry[f"covered_{int(level * 100)}"] = bool(low - TIE <= actual[k] <= high + TIE)
        per_option[option] = entry

    rng = np.random.default_rng(seed)
    members = draws if len(draws) <= ENERGY_MEMBERS else draws[rng.choice(len(draws), ENERGY_MEMBERS, replace=False)]
    energy = energy_score(actual, members)

    hits, m = outcome_probability(forecast.seats, actual_seats)
    if m == 1:
        hits, m = hits * point_members, point_members
    p_actual = (hits + 0.5) / (m + 1)
    actual_passed = _actual_passed(election)
    p_pass = forecast.passed.mean(axis=0)
    brier = (p_pass - actual_passed) ** 2
    median_seats = np.median(forecast.seats, axis=0)
    per_party = {p: {"actual_seats": int(actual_seats[j]), "median_seats": float(median_seats[j]),
                     "mean_seats": float(forecast.seats[:, j].mean()), "p_pass_threshold": float(p_pass[j]),
                     "passed": bool(actual_passed[j]), "brier_threshold": float(brier[j])}
                 for j, p in enumerate(parties)}
    return {
        "name": forecast.name, "kind": forecast.kind, "information_set": forecast.information_set,
        "note": forecast.note, "members": forecast.members,
        "shares": per_option,
        "crps_mean": float(crps.mean()), "abs_error_mean": float(np.abs(median - actual).mean()),
        "energy_score": energy,
        "coverage": {f"{int(level * 100)}": float(np.mean([per_option[o][f"covered_{int(level * 100)}"]
                                                           for o in options])) for level in INTERVALS},
        "seats": per_party,
        "actual_seats_hits": hits,
        "p_actual_seats": float(hits / m),
        "log_score_seats": float(np.log(p_actual)),
        "seat_abs_error": float(np.abs(median_seats - actual_seats).sum()),
        "brier_threshold_mean": float(brier.mean()),
    }


def _actual_passed(election: polls.Election) -> np.ndarray:
    _, passed = seats_and_passes(election, election.result_shares().to_numpy()[None, :])
    return passed[0]


def scores_table(scores: list[dict]) -> pd.DataFrame:
    """One row per forecast: the headline scores side by side (lower is better except coverage)."""
    rows = []
    for s in scores:
        rows.append({"forecast": s["name"], "information set": s["information_set"] or "", "CRPS (pp)": s["crps_mean"],
                     "abs error (pp)": s["abs_error_mean"], "energy (pp)": s["energy_score"],
                     "log score seats": s["log_score_seats"], "P(actual seats)": s["p_actual_seats"],
                     "seat error": s["seat_abs_error"], "Brier threshold": s["brier_threshold_mean"],
                     "coverage 90%": s["coverage"]["90"]})
    return pd.DataFrame(rows).set_index("forecast")
