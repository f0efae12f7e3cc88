"""Backtests: the whole pipeline over several elections, and calibration pooled across them.

`backtest(ids)` runs `models.forecast.run` for each election that has polls and a result (one
task per election, so each compiles its model once), writes each election's report under
`out/ID/`, and summarises per election and information set: the CRPS of the model and of each
baseline, interval coverage pooled over parties, the PIT histogram pooled over parties and
elections, and the probability given to the actual seats.

Tasks run in local processes by default (`concurrent.futures`), or on a Dask cluster when a
`dask.distributed` client or scheduler address is given. Every task is seeded by the election
and the seed alone, so the summary is identical whichever executor ran it.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

import polls

__all__ = ["backtest", "backtestable", "run_election", "summarise"]


def backtestable(election: polls.Election) -> str | None:
    """Why an election cannot be backtested, or None if it can."""
    if len(election.polls) == 0:
        return "no pre-election polls"
    if not election.has_results:
        return "no result to score against"
    return None


def run_election(election_id: str, out: str | None, information_sets: Sequence[str] | None, n: int, seed: int,
                 force: bool, fit_options: dict) -> dict:
    """One task: run and score an election; write its report if `out` is given; return the JSON."""
    from models.forecast import run
    from models.report import report_data, write_report

    election = polls.load_any(election_id)
    result = run(election, information_sets, n=n, seed=seed, **fit_options)
    if out is not None:
        write_report(result, Path(out) / election.id, force=force)
    return report_data(result)


def summarise(reports: list[dict]) -> dict:
    """Per election and information set: CRPS of the model and baselines, pooled coverage, PIT
    histogram, probability of the actual seats; and pooled over everything."""
    rows, pits = [], []
    for data in reports:
        eid = data["election"]["id"]
        baselines = {b["name"]: b["crps_mean"] for b in data["baselines"]}
        for s in data["information_sets"]:
            row = {"election": eid, "information_set": s["name"], "presented": s["presented"]}
            if s.get("scores"):
                sc = s["scores"]
                row.update({"crps_model": sc["crps_mean"], "p_actual_seats": sc["p_actual_seats"],
                            "log_score_seats": sc["log_score_seats"],
                            **{f"coverage_{k}": sc["coverage"][k] for k in ("50", "80", "90")},
                            **{f"crps_baseline: {name}": value for name, value in baselines.items()}})
                pits += [v["pit"] for v in sc["shares"].values()]
            rows.append(row)
    counts, edges = np.histogram(pits, bins=10, range=(0, 1))
    return {
        "elections": [d["election"]["id"] for d in reports],
        "rows": rows,
        "pit_histogram": {"edges": edges.tolist(), "counts": counts.tolist(), "values": len(pits)},
        "coverage_pooled": {k: float(np.mean([r[f"coverage_{k}"] for r in rows if f"coverage_{k}" in r]))
                            for k in ("50", "80", "90")} if any("coverage_50" in r for r in rows) else {},
    }


def backtest(election_ids: Sequence[str] | None = None, *, out: str | Path | None = None,
             information_sets: Sequence[str] | None = None, n: int = 100_000, seed: int = 0, force: bool = False,
             client=None, scheduler: str | None = None, workers: int | None = None,
             progress=None, **fit_options) -> tuple[dict, list[dict], dict[str, str]]:
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
    args = [(eid, None if out is None else str(out), information_sets, n, seed, force, fit_options) for eid in todo]
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
