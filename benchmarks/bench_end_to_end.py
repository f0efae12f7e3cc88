"""End-to-end timing of the README's main command and of the backtest, cold and warm, locally
and on a Dask LocalCluster.

Every run shares one fresh PyTensor/numba compile cache (`base_compiledir`): the report runs
cold (empty cache), then warm; the backtest runs with local processes twice (the first compiles
the other elections' models, the second is warm), then warm on a LocalCluster of 2
single-threaded worker processes started here (`--scheduler`). Baselines for the ratios: the
cold report, and the warm local backtest. The backtest runs the README's election-night steps
(`BACKTEST_SETS`: polls, exit polls, 2, 4, 8, 12 and 16 regions counted; 41 fits over the seven
elections). `--keep DIR` keeps the last run of each command's output in DIR/<command> (the
backtest tables the README quotes). `--warm-only` uses this machine's own compile cache instead of
a fresh one and runs only the warm commands (the report once, the backtest once locally and once on
the LocalCluster, baseline the local backtest): twenty minutes instead of an hour.

    python benchmarks/bench_end_to_end.py [--commands report,backtest] [--keep DIR] [--warm-only]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BACKTEST_SETS = ("polls;polls+exit;polls+exit+regions:2;polls+exit+regions:4;polls+exit+regions:8;"
                 "polls+exit+regions:12;polls+exit+regions:16")


def timed(args: list[str], out: str) -> float:
    """Seconds of one `pollmc` command in a fresh process (compile cache from PYTENSOR_FLAGS)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "models.cli", *args, "--out", out, "--force"],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise RuntimeError(done.stderr[-3000:])
    return seconds


def on_local_cluster(out: str) -> float:
    """The backtest on a LocalCluster of 2 worker processes (they inherit the compile cache)."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        return timed(["backtest", "--information-sets", BACKTEST_SETS, "--scheduler", cluster.scheduler_address], out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", default="report,backtest")
    parser.add_argument("--keep", metavar="DIR", help="keep each command's last output here")
    parser.add_argument("--warm-only", action="store_true", help="this machine's compile cache, warm commands only")
    args = parser.parse_args()
    print("pollmc end-to-end benchmark (default settings, 100,000 simulations per information set)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as scratch:
        if not args.warm_only:
            os.environ["PYTENSOR_FLAGS"] = f"base_compiledir={cache}"  # every process below uses it
        out = {name: str(Path(scratch) / name) for name in ("report", "backtest")}
        commands = args.commands.split(",")
        if "report" in commands:
            report = ["report", "kz-2021-mazhilis"]
            if args.warm_only:
                print(f"pollmc report kz-2021-mazhilis: warm {timed(report, out['report']):.0f} s")
            else:
                cold = timed(report, out["report"])
                warm = timed(report, out["report"])
                print(f"pollmc report kz-2021-mazhilis: cold {cold:.0f} s, warm {warm:.0f} s "
                      f"(warm = x{cold / warm:.2f} of cold)")
        if "backtest" in commands:
            command = ["backtest", "--information-sets", BACKTEST_SETS, "--workers", "2"]
            first = None if args.warm_only else timed(command, out["backtest"])
            local = timed(command, out["backtest"])
            dask = on_local_cluster(str(Path(scratch) / "backtest-dask"))
            print("pollmc backtest, 2 local processes: "
                  + (f"first {first:.0f} s (compiles the other elections' models), " if first is not None else "")
                  + f"warm {local:.0f} s")
            print(f"pollmc backtest, Dask LocalCluster of 2 worker processes: warm {dask:.0f} s "
                  f"(x{dask / local:.2f} of the local processes)")
        if args.keep:
            for name, folder in out.items():
                if Path(folder).exists():
                    shutil.copytree(folder, Path(args.keep) / name, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
