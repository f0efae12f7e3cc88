"""The forecast pipeline as plain functions: fit -> simulate -> summarise -> score.

A notebook and the command line call the same functions:

>>> election = polls.load("kz-2021-mazhilis")
>>> result = forecast(election, "polls+exit", n=100_000, seed=0)
>>> result.share_table, result.seat_table, result.score    # pandas objects and a dict

`run(election, information_sets)` does it for every information set of an election night, with
the baselines scored the same way; `models.report` writes what it returns.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import xarray as xr

import polls
from models.evaluate import baseline_forecasts, baseline_notes, model_forecast, score
from models.external import find_forecasts, read_forecast, score_external
from models.fit import Fit, FusionModel, resolve_sampler
from models.heap import trim
from models.infosets import InformationSet, election_night, parse_information_set
from models.outcomes import most_likely_outcomes, seat_summary, share_summary
from models.simulate import simulate

__all__ = ["ForecastResult", "Run", "baselines_for", "forecast", "run", "seats_check"]


@dataclass
class ForecastResult:
    """One information set: the fit, the simulated elections, their summaries and scores."""

    election: polls.Election
    information_set: InformationSet
    fit: Fit
    simulation: xr.Dataset | None = None
    share_table: pd.DataFrame | None = None
    seat_table: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    p_actual_seats: float | None = None
    score: dict | None = None
    refused: list[str] = field(default_factory=list)

    @property
    def presented(self) -> bool:
        return not self.refused


def seats_check(election: polls.Election) -> str | None:
    """A message if the seats of results.csv differ from what the election's rule gives for its
    votes (a typo in the data, or a rule the file does not describe), else None."""
    from models.seats import allocate_rule

    if not election.has_results or election.results.loc[election.party_codes, "seats"].isna().any():
        return None
    by_rule = allocate_rule(election.result_votes().to_numpy(), election.rule, election.options)
    by_rule = by_rule[: len(election.party_codes)]
    recorded = election.result_seats().to_numpy()
    if (by_rule == recorded).all():
        return None
    differences = ", ".join(f"{code} {int(r)} against {int(b)}" for code, r, b in
                            zip(election.party_codes, recorded, by_rule) if r != b)
    if election.rule.approximate:
        return (f"the rule approximates the law: official seats against the national rule's: {differences}; "
                "scores use the official seats")
    return (f"the seats in results.csv differ from what the rule gives for its votes ({differences}, "
            "recorded against rule); scores use the recorded seats")


def forecast(election: polls.Election, information_set: str | InformationSet = "polls", *, n: int = 100_000,
             seed: int = 0, model: FusionModel | None = None, keep_simulation: bool = True,
             as_of: dt.date | str | None = None, **fit_options) -> ForecastResult:
    """Fit one information set, check diagnostics, simulate `n` elections, summarise and score.

    `as_of`: a day of the campaign; only the polls public by its end are used
    (`polls.Election.public_dates`). A fit whose diagnostics fail is not simulated: the result
    carries `refused` (the failing figures) and no forecast.
    """
    info = _as_of(parse_information_set(information_set, election), as_of, election)
    model = model or FusionModel.for_election(election)
    fit = model.fit(info, seed=seed, **fit_options)
    result = ForecastResult(election, info, fit)
    if not fit.diagnostics.passed:  # keep the figures, present nothing
        result.refused = fit.diagnostics.failures
        return result
    sim = simulate(fit, n, seed=seed)
    result.share_table = share_summary(sim["shares"])
    result.seat_table = seat_summary(sim["seats"], list_seats=election.list_seats,
                                     house_seats=election.house_seats, passed=sim["passed"].values)
    result.outcomes = most_likely_outcomes(sim["seats"], top=10)
    if election.has_results:
        result.score = score(model_forecast(sim), election, seed=seed)
        result.p_actual_seats = result.score["p_actual_seats"]
    if keep_simulation:
        result.simulation = sim
    return result


@dataclass
class Run:
    """Every information set of one election, with the baselines: what a report presents."""

    election: polls.Election
    results: list[ForecastResult]
    baselines: list[dict]
    external: list[dict]
    settings: dict
    notes: list[str]
    compile_seconds: float | None
    model: FusionModel


def _as_of(info: InformationSet, as_of: dt.date | str | None, election: polls.Election) -> InformationSet:
    if as_of is None:
        return info
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    return parse_information_set(replace(info, as_of=day), election)


def baselines_for(election: polls.Election, sets: Sequence[InformationSet], *, n: int, seed: int) -> list[dict]:
    """The baselines scored for these information sets: as of each day that a set is as of (the
    polls then public), and once for the sets of election day."""
    if not election.has_results:
        return []
    out = []
    for day in dict.fromkeys(info.as_of for info in sets):
        for baseline in baseline_forecasts(election if day is None else election.as_of(day)):
            if day is not None:
                baseline.information_set = replace(parse_information_set(baseline.information_set, election),
                                                   as_of=day).name
            out.append(score(baseline, election, seed=seed, point_members=n))
    return out


def run(election: polls.Election, information_sets: Sequence[str | InformationSet] | None = None, *,
        n: int = 100_000, seed: int = 0, progress: Callable[[str], None] | None = None,
        model: FusionModel | None = None, as_of: dt.date | str | None = None,
        forecasts: Sequence[str | Path] = (), sets_at_once: int = 2, **fit_options) -> Run:
    """Forecast every information set (default: the whole election night; only `polls` as of a
    day before election day) and score the baselines and the external forecasts (`forecasts`
    files and those in the election folder's `forecasts/`, `models.external`).

    With nutpie, `sets_at_once` information sets are forecast at the same time, in threads: one
    set's sampler keeps two cores busy for about 90% of its run, and its checks, simulation and
    scoring use one core; the next set fills the gaps. Every set is seeded on its own, so the
    results do not depend on it."""
    if sets_at_once < 1:
        raise ValueError(f"sets_at_once must be at least 1, got {sets_at_once}")
    lock = threading.Lock()  # one message at a time from the threads below

    def say(message: str) -> None:
        if progress is not None:
            with lock:
                progress(message)

    default = [InformationSet()] if as_of is not None else election_night(election)
    sets = [_as_of(parse_information_set(s, election), as_of, election) for s in (information_sets or default)]
    if model is None:
        say(f"{election.id}: building the model")
        model = FusionModel.for_election(election)
    at_once = 1
    if resolve_sampler(fit_options.get("sampler", "auto")) == "nutpie":
        at_once = sets_at_once
        if model.compile_seconds is None:  # once, before the threads share it
            say(f"{election.id}: compiling the model (a few seconds once this machine has it cached, a minute or "
                "two the first time)")
            model.compile()
            how = "compiled in two child processes, then loaded" if model.compiled_in_children else "ready"
            say(f"{election.id}: model {how} in {model.compile_seconds:.0f} s")

    def forecast_set(i: int, info: InformationSet) -> ForecastResult:
        start = time.perf_counter()
        say(f"[{i}/{len(sets)}] {info}: sampling")
        result = forecast(election, info, n=n, seed=seed, model=model, **fit_options)
        # the sampler's own coordinates (`*_raw`) served the diagnostics, already computed; a report
        # of many sets keeps only the named quantities (half the memory of a posterior)
        post = result.fit.idata.posterior
        result.fit.idata.posterior = post.drop_vars([v for v in post.data_vars if str(v).endswith("_raw")])
        trim()  # what the set freed goes back to the system (`models.heap`): peak 1.08 GB, not 1.48
        state = "refused: " + "; ".join(result.refused) if result.refused else "ok"
        say(f"[{i}/{len(sets)}] {info}: simulated {n:,} elections and scored in {time.perf_counter() - start:.0f} s ({state})")
        return result

    results: list[ForecastResult] = []
    pool = ThreadPoolExecutor(max_workers=at_once)
    try:
        for result in pool.map(forecast_set, range(1, len(sets) + 1), sets):
            # the report plots the seat distributions of the first two sets presented: keep those
            if sum(r.simulation is not None for r in results) >= 2:
                result.simulation = None
            results.append(result)
    finally:
        pool.shutdown(cancel_futures=True)  # after an error, the sets not yet started are not run
    baselines = baselines_for(election, sets, n=n, seed=seed)
    external = []
    if election.has_results:
        for path in dict.fromkeys([*map(Path, forecasts), *find_forecasts(election)]):
            say(f"scoring the external forecast {path}")
            external.append(score_external(read_forecast(path, election), election, seed=seed, point_members=n))
    settings = {"simulations": n, "seed": seed, **fit_options, **({"as_of": str(as_of)} if as_of is not None else {})}
    problem = seats_check(election)
    notes = list(model.inputs.notes) + ([problem] if problem else []) + baseline_notes(election)
    return Run(election, results, baselines, external, settings, notes, model.compile_seconds, model)


def stderr_progress(message: str) -> None:
    print(f"pollmc: {message}", file=sys.stderr, flush=True)
