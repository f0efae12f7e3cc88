"""How one fit's cost grows with the number of polls, options and regions.

Synthetic elections, written as data folders the way a user writes them (election.toml and
polls.csv, polls/README.md) and loaded with `polls.load_path`: K options with shares drawn
around a fixed profile, N polls by min(10, N // 5 + 1) firms over twelve weeks, drawn from the
options' shares with binomial noise of 1,000 respondents, R regions declared (none counted: a
pre-election fit still carries every region's parameters). Each configuration is fitted with
the default settings (4 chains x 2000 draws after 1000 tuning steps, nutpie) on the 'polls'
information set; the table gives compile and sampling seconds, the smallest bulk ESS and bulk
ESS per second of sampling, and for each dimension the exponent b of sampling seconds ~ size^b
(least squares on the logs) with the other two at their middle values.

    python benchmarks/bench_scaling.py [--polls 7,70,700] [--options 5,10,15] [--regions 0,17,50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ELECTION_DAY = dt.date(2026, 6, 1)


def write_election(folder: Path, n_polls: int, n_options: int, n_regions: int, seed: int = 0) -> None:
    """A synthetic election folder: election.toml and polls.csv."""
    rng = np.random.default_rng(seed)
    codes = [f"P{k + 1}" for k in range(n_options)]
    profile = rng.dirichlet(np.linspace(6, 1, n_options) * 3)
    lines = [f'id = "synthetic-{n_polls}-{n_options}-{n_regions}"', 'name = "Synthetic election"',
             'country = "Synthetic"', 'chamber = "Assembly"', f"date = {ELECTION_DAY.isoformat()}",
             "list_seats = 100", "", "[rule]", 'method = "dhondt"', "threshold = 5.0", 'threshold_base = "party_votes"', ""]
    for code in codes:
        lines += ["[[parties]]", f'code = "{code}"', f'name = "Party {code}"', ""]
    for r in range(n_regions):
        lines += ["[[regions]]", f'code = "R{r + 1}"', f'name = "Region {r + 1}"', ""]
    (folder / "election.toml").write_text("\n".join(lines))
    firms = [f"Firm {j + 1}" for j in range(min(10, n_polls // 5 + 1))]
    rows = []
    for i in range(n_polls):
        shares = rng.multinomial(1000, profile) / 10
        end = ELECTION_DAY - dt.timedelta(days=int(rng.integers(2, 84)))
        rows.append({"firm": firms[i % len(firms)], "fieldwork_end": end.isoformat(), "sample_size": 1000,
                     **dict(zip(codes, np.round(shares, 1)))})
    pd.DataFrame(rows).to_csv(folder / "polls.csv", index=False)


def fit_once(n_polls: int, n_options: int, n_regions: int) -> dict:
    import polls
    from models.fit import FusionModel

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synthetic"
        folder.mkdir()
        write_election(folder, n_polls, n_options, n_regions)
        election = polls.load_path(folder)
        start = time.perf_counter()
        model = FusionModel(election)
        build = time.perf_counter() - start
        fit = model.fit("polls", seed=0)
    d = fit.diagnostics
    return {"polls": n_polls, "options": n_options, "regions": n_regions, "build_s": build,
            "compile_s": fit.seconds["compile"], "sample_s": fit.seconds["sample"], "ess_bulk_min": d.min_ess_bulk,
            "ess_per_s": d.min_ess_bulk / fit.seconds["sample"], "passed": d.passed, "max_rhat": d.max_rhat}


def exponent(rows: pd.DataFrame, column: str) -> float:
    """b in sampling seconds ~ size^b over the rows that vary `column` (sizes of 0 left out)."""
    used = rows[rows[column] > 0]
    return float(np.polyfit(np.log(used[column]), np.log(used["sample_s"]), 1)[0]) if len(used) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", default="7,70,700")
    parser.add_argument("--options", default="5,10,15")
    parser.add_argument("--regions", default="0,17,50")
    args = parser.parse_args()
    grids = {name: [int(v) for v in getattr(args, name).split(",")] for name in ("polls", "options", "regions")}
    middle = {name: values[len(values) // 2] for name, values in grids.items()}
    configurations = list(dict.fromkeys(
        tuple({**middle, name: value}[k] for k in ("polls", "options", "regions"))
        for name, values in grids.items() for value in values))
    print(f"{platform.node()}, {platform.processor() or platform.machine()}, {dt.date.today()}")
    results = []
    for n_polls, n_options, n_regions in configurations:
        results.append(fit_once(n_polls, n_options, n_regions))
        print(pd.DataFrame([results[-1]]).round(3).to_string(index=False, header=len(results) == 1), flush=True)
    table = pd.DataFrame(results)
    print()
    for name in grids:
        others = [k for k in grids if k != name]
        rows = table[(table[others] == pd.Series({k: middle[k] for k in others})).all(axis=1)]
        print(f"sampling seconds ~ {name}^{exponent(rows, name):.2f} "
              f"(at {', '.join(f'{k} = {middle[k]}' for k in others)})")


if __name__ == "__main__":
    main()
