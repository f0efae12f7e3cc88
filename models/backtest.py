"""Backtests: the whole pipeline over several elections, and calibration pooled across them.

`backtest(ids)` runs `models.forecast.run` for each election that has polls and a result (one
task per election, so each compiles its model once), writes each election's report under
`out/ID/`, and summarises per election and information set: the CRPS of the model and of each
baseline and the probability given to the actual seats; pooled over elections and parties:
the coverage of the 50/80/90/95% intervals with binomial intervals, and the PIT histogram with
a uniformity test, also split by stage (polls, exit polls, election night) and country.
Leave one election out: each election's priors come only from elections held before it
(`models.history`), so no forecast sees its own result or a later one.

Tasks run in local processes by default (`concurrent.futures`), or on a Dask cluster when a
`dask.distributed` client or scheduler address is given. Every task is seeded by the election
and the seed alone, so the summary is identical whichever executor ran it.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import polls
from models.infosets import InformationSet, knew_no_more, parse_information_set, split_as_of

__all__ = ["LEVELS", "backtest", "backtestable", "count_complete", "interval_calibration", "pit_check", "run_election",
           "share_records", "stage", "steps_below", "summarise", "summary_table"]


def backtestable(election: polls.Election) -> str | None:
    """Why an election cannot be backtested, or None if it can."""
    if len(election.polls) == 0:
        return "no pre-election polls"
    if not election.has_results:
        return "no result to score against"
    return None


def campaign_sets(election: polls.Election, days_before: Sequence[int]) -> list[InformationSet]:
    """Polls-only information sets as of each of these days before the election on which at
    least one poll was public."""
    first = election.public_dates().min()
    days = [election.date - dt.timedelta(days=d) for d in days_before]
    return [InformationSet(as_of=day) for day in days if pd.Timestamp(day) >= first]


def _available(spec: str, election: polls.Election) -> bool:
    try:
        parse_information_set(spec, election)
    except ValueError:
        return False
    return True


def run_election(election_id: str, out: str | None, information_sets: Sequence[str] | None, n: int, seed: int,
                 force: bool, fit_options: dict, days_before: Sequence[int] | None = None) -> dict:
    """One task: run and score an election (its election night, or as of `days_before`); write
    its report if `out` is given; return the JSON."""
    from models.forecast import run
    from models.report import report_data, write_report

    election = polls.load_any(election_id)
    if days_before:
        information_sets = campaign_sets(election, days_before)
    elif information_sets:  # those this election has: without exit polls (Germany), the same step without them
        if not len(election.exit_polls):
            information_sets = [s.replace("polls+exit", "polls") for s in information_sets]
        information_sets = list(dict.fromkeys(s for s in information_sets if _available(s, election))) or ["polls"]
    result = run(election, information_sets, n=n, seed=seed, **fit_options)
    if out is not None:
        write_report(result, Path(out) / election.id, force=force)
    return report_data(result)


LEVELS = ("50", "80", "90", "95")


def days_before(information_set: str, election_date: str | None) -> int | None:
    """Days from the day an 'as of' information set stands for to election day (None if not as
    of, or if the election's date is not given)."""
    day = split_as_of(information_set)[1]
    if not day or not election_date:
        return None
    return (dt.date.fromisoformat(election_date) - dt.date.fromisoformat(day)).days


def stage(information_set: str, election_date: str | None = None) -> str:
    """The moment an information set stands for: days before the vote, the eve (polls), exit
    polls, or the count. Forecasts as of a day are pooled by how many days before they were made."""
    if "regions" in information_set:
        return "election night"
    days = days_before(information_set, election_date)
    return information_set if days is None else f"polls, {days} day{'s' * (days != 1)} before"


def interval_calibration(records: pd.DataFrame) -> pd.DataFrame:
    """Coverage of each central interval over `records` (one row per forecast share, with
    `covered_LEVEL` columns), with a 95% Wilson interval for the rate. Shares of one forecast
    sum to 100, so they are not independent: the interval is a guide, narrower than it should be."""
    rows = []
    for level in LEVELS:
        hits, n = int(records[f"covered_{level}"].sum()), len(records)
        low, high = stats.binomtest(hits, n).proportion_ci(0.95, method="wilson") if n else (np.nan, np.nan)
        rows.append({"interval": f"{level}%", "nominal": int(level) / 100, "covered": hits, "shares": n,
                     "rate": hits / n if n else np.nan, "rate_low": float(low), "rate_high": float(high)})
    return pd.DataFrame(rows).set_index("interval")


def pit_check(pits: np.ndarray) -> dict:
    """The PIT histogram (10 bins) and the Kolmogorov-Smirnov test of uniformity (a calibrated
    forecast's PIT values are uniform on 0-1)."""
    counts, edges = np.histogram(pits, bins=10, range=(0, 1))
    test = stats.kstest(pits, "uniform") if len(pits) else None
    return {"edges": edges.tolist(), "counts": counts.tolist(), "values": int(len(pits)),
            "ks_statistic": float(test.statistic) if test else None, "ks_p_value": float(test.pvalue) if test else None}


def count_complete(information_set: dict, election: dict) -> bool:
    """Whether every region was counted: the result is then known, not forecast."""
    regions = election.get("regions") or []
    return bool(regions) and len(information_set.get("counted_regions") or []) == len(regions)


def share_records(reports: list[dict]) -> pd.DataFrame:
    """One row per presented forecast share: election, country, information set, stage, option,
    PIT and whether each central interval covered the actual share. Steps with every region
    counted are left out: their 'forecast' is the result itself (every PIT 1/2, every interval
    covering), which would flatter the calibration of the count."""
    rows = []
    for data in reports:
        election = data["election"]
        for s in (s for s in data["information_sets"] if not count_complete(s, election)):
            for option, entry in (s.get("scores") or {}).get("shares", {}).items():
                rows.append({"election": election["id"], "country": election.get("country", ""),
                             "information_set": s["name"], "stage": stage(s["name"], election.get("date")), "option": option,
                             "pit": entry["pit"], **{f"covered_{k}": entry[f"covered_{k}"] for k in LEVELS}})
    columns = ["election", "country", "information_set", "stage", "option", "pit", *(f"covered_{k}" for k in LEVELS)]
    return pd.DataFrame(rows, columns=columns)


def summarise(reports: list[dict]) -> dict:
    """Per election and information set: CRPS of the model and baselines, coverage, probability of
    the actual seats. Pooled: interval coverage with binomial intervals and the PIT with a
    uniformity test, over everything and split by stage (polls, exit polls, election night),
    by country, and by country and stage."""
    rows = []
    for data in reports:
        eid = data["election"]["id"]
        others = [(f"baseline: {b['name']}", b) for b in data["baselines"]] + [
            (f"external: {b['name']}", b) for b in data.get("external", [])]
        for s in data["information_sets"]:
            row = {"election": eid, "information_set": s["name"], "stage": stage(s["name"], data["election"].get("date")),
                   "presented": s["presented"], "count_complete": count_complete(s, data["election"])}
            days = days_before(s["name"], data["election"].get("date"))
            if days is not None:
                row["days_before"] = days
            if s.get("scores"):
                sc = s["scores"]
                # a baseline is comparable where it knew no more (no exit poll before the day)
                usable = {name: b["crps_mean"] for name, b in others
                          if knew_no_more(b.get("information_set") or "polls", s["name"])}
                row.update({"crps_model": sc["crps_mean"], "p_actual_seats": sc["p_actual_seats"],
                            "shares": len(sc["shares"]),
                            "log_score_seats": sc["log_score_seats"],
                            **{f"coverage_{k}": sc["coverage"][k] for k in LEVELS},
                            **{f"crps_{name}": value for name, value in usable.items()}})
            rows.append(row)
    records = share_records(reports)
    # one election's steps share its error, so pooled over stages a country's PIT mixes many
    # draws of one error; by country and stage, each election counts once per party before the count
    groups = {"all": records, **{f"stage: {k}": g for k, g in records.groupby("stage", sort=False)},
              **{f"country: {k}": g for k, g in records.groupby("country", sort=True)},
              **{f"country: {c}, {st}": g for (c, st), g in sorted(records.groupby(["country", "stage"], sort=False),
                                                                   key=lambda group: group[0][0])}}
    return {
        "elections": [d["election"]["id"] for d in reports],
        "rows": rows,
        "pit_histogram": pit_check(records["pit"].to_numpy()),
        "coverage_pooled": ({k: float(records[f"covered_{k}"].mean()) for k in LEVELS} if len(records) else {}),
        "calibration": {name: {"coverage": interval_calibration(g).reset_index().to_dict("records"),
                               "pit": pit_check(g["pit"].to_numpy())} for name, g in groups.items()},
        "steps_below": steps_below(rows),
    }


def steps_below(rows: list[dict], level: str = "90", floor: float = 0.8) -> dict:
    """How many election-night steps had their `level`% intervals cover less than `floor` of the
    actual shares, against how many would if the intervals were calibrated. A step scores a
    handful of parties (5-9), so one miss too many drops it below 80% by chance: calibrated
    90% intervals over 9 parties cover fewer than 8 of them 23% of the time (binomial)."""
    steps = [r for r in rows if r.get("stage") == "election night" and "shares" in r and not r.get("count_complete")]
    chance = [stats.binom.cdf(np.ceil(floor * r["shares"]) - 1, r["shares"], int(level) / 100) for r in steps]
    below = [f"{r['election']} {r['information_set']}" for r in steps if r[f"coverage_{level}"] < floor]
    # the number of steps below if each fell below independently with its own chance (Poisson binomial)
    counts = np.ones(1)
    for p in chance:
        counts = np.convolve(counts, [1 - p, p])
    return {"level": level, "floor": floor, "steps": len(steps), "below": len(below),
            "expected_if_calibrated": float(sum(chance)), "p_none_below_if_calibrated": float(counts[0]),
            "p_this_many_or_more_if_calibrated": float(counts[len(below):].sum()), "which": below}


def backtest(election_ids: Sequence[str] | None = None, *, out: str | Path | None = None,
             information_sets: Sequence[str] | None = None, n: int = 100_000, seed: int = 0, force: bool = False,
             client=None, scheduler: str | None = None, workers: int | None = None,
             days_before: Sequence[int] | None = None, progress=None, **fit_options) -> tuple[dict, list[dict], dict[str, str]]:
    """Run every backtestable election; returns (summary, per-election report JSON, skipped)."""
    say = progress or (lambda message: None)
    ids = list(election_ids) if election_ids else polls.available()
    skipped, todo = {}, []
    for eid in ids:
        election = polls.load_any(eid)
        reason = backtestable(election)
        if reason:
            skipped[election.id] = reason
            say(f"{election.id}: skipped ({reason})")
        else:
            todo.append(eid)
    args = [(eid, None if out is None else str(out), information_sets, n, seed, force, fit_options, days_before)
            for eid in todo]
    if scheduler is not None and client is None:
        from dask.distributed import Client

        client = Client(scheduler)
    if client is not None:
        say(f"running {len(args)} election(s) on the Dask cluster {client.scheduler.address}")
        futures = [client.submit(run_election, *a, pure=False) for a in args]
        reports = client.gather(futures)
    elif workers == 0 or len(args) <= 1:
        reports = [run_election(*a) for a in args]
    else:
        say(f"running {len(args)} election(s) in local processes")
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers or min(len(args), 2)) as pool:
            reports = list(pool.map(run_election, *zip(*args)))
    for report in reports:
        say(f"{report['election']['id']}: done")
    return summarise(reports), reports, skipped


def summary_table(summary: dict) -> pd.DataFrame:
    """The summary rows as a table (one row per election and information set)."""
    return pd.DataFrame(summary["rows"]).set_index(["election", "information_set"])
