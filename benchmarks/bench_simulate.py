"""Simulation throughput at 1e5, 1e6 and 1e7 elections: in memory, counted in blocks locally,
and counted on a 2-worker Dask LocalCluster, with peak memory.

The posterior is a stand-in (8,000 Dirichlet draws around the 2021 result: the size of a default
fit), so the figures measure the simulation and the seat rule, not the sampler. Each mode
ends with the share and seat summaries. "in memory" materialises every election's shares and seats
(`models.simulate.simulate`); "counted" keeps only how often each posterior draw was picked
(`simulate_counts` + `summarise_counts`), which gives identical summaries in constant memory.
Baseline for the ratios: the in-memory path at the same size.

    python benchmarks/bench_simulate.py [--sizes 100000,1000000,10000000] [--no-dask]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys

CHILD = """
import resource, sys, time, numpy as np, polls
from models.simulate import PosteriorDraws, simulate, simulate_counts
election = polls.load("kz-2021-mazhilis")
shares = np.random.default_rng(0).dirichlet(election.result_shares().to_numpy() * 300, size=8000)
draws = PosteriorDraws(election, "benchmark", shares, None)
mode, n = sys.argv[1], int(sys.argv[2])
client = None
if mode == "dask":
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    client = Client(cluster)
from models.outcomes import share_summary
from models.outcomes import most_likely_outcomes, seat_summary
from models.simulate import summarise_counts
start = time.perf_counter()
if mode == "memory":
    sim = simulate(draws, n, seed=1)
    tables = {"shares": share_summary(sim["shares"]),
              "seats": seat_summary(sim["seats"], list_seats=98, house_seats=107, passed=sim["passed"].values),
              "outcomes": most_likely_outcomes(sim["seats"])}
else:
    tables = summarise_counts(draws, simulate_counts(draws, n, seed=1, client=client))
checksum = float(tables["seats"]["mean"].sum())
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"RESULT {seconds:.3f} {peak:.0f} {checksum}")
"""


def run(mode: str, n: int) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(n)], capture_output=True, text=True)
    line = [row for row in out.stdout.splitlines() if row.startswith("RESULT")]
    if not line:
        raise RuntimeError(out.stderr[-2000:])
    _, seconds, peak, _ = line[0].split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    print("pollmc simulation benchmark, 2021 rule (98 seats, 5 lists), posterior of 8,000 draws")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"{'elections':>12}  {'mode':<22}{'seconds':>9}{'elections/s':>14}{'peak MB':>9}{'x in-memory':>12}")
    for n in (int(s) for s in args.sizes.split(",")):
        base = None
        for mode in ("memory", "counted") + (() if args.no_dask else ("dask",)):
            seconds, peak = run(mode, n)
            base = base or seconds
            label = {"memory": "in memory", "counted": "counted, local", "dask": "counted, Dask 2 workers"}[mode]
            print(f"{n:>12,}  {label:<22}{seconds:>9.2f}{n / seconds:>14,.0f}{peak:>9.0f}{base / seconds:>12.1f}")


if __name__ == "__main__":
    main()
