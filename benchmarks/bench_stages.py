"""Where the time and memory of the main job go, stage by stage, cold and warm.

One information set of 2021 (`--set`, default polls+exit) goes through every stage by hand: model
build, compile, sampling (nutpie's draws arrive as InferenceData, so conversion is inside it),
diagnostics, simulation (with seats), seats alone, scoring (model and baselines), figures and
writing the report. Then, with `--whole`, the whole report (`models.forecast.run` and
`write_report`, every information set) in the same process, with the model already compiled. Each mode runs in a fresh process:
cold with an empty PyTensor/numba compile cache, warm with the cache the cold run left. Memory is
the peak resident set after each stage of the process or of its largest child (a cold compile runs
in two forked children, `models.forked_compile`); it only grows, so a jump names the stage that
caused it. Baseline for the ratios: the stage's share of the one-set total.

    python benchmarks/bench_stages.py [--set polls+exit] [--simulations 100000] [--whole]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time


def _peak_mb() -> float:
    """Peak resident set so far of this process or of its largest finished child, in MB."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def stages(information_set: str, n: int, whole: bool, out: str) -> list[tuple[str, float, float]]:
    """Run the stages in this process; return (stage, seconds, peak RSS in MB after it)."""
    rows = []

    def timed(name, work):
        start = time.perf_counter()
        value = work()
        rows.append((name, time.perf_counter() - start, _peak_mb()))
        return value

    import polls
    from models.evaluate import baseline_forecasts, model_forecast, score
    from models.fit import FusionModel, check_diagnostics
    from models.forecast import run
    from models.report import write_report
    from models.simulate import seats_and_passes, simulate

    election = timed("load data", lambda: polls.load("kz-2021-mazhilis"))
    model = timed("model build", lambda: FusionModel.for_election(election))  # run() below reuses it
    timed("compile", model.compile)
    fit = timed("sampling (with conversion)", lambda: model.fit(information_set, seed=0))
    free = [rv.name for rv in model.model.free_RVs]
    timed("diagnostics", lambda: check_diagnostics(fit.idata, [*free, "shares"]))
    simulation = timed("simulation (with seats)", lambda: simulate(fit, n, seed=0))
    timed("seats alone", lambda: seats_and_passes(election, simulation["shares"].values))
    timed("scoring (model + baselines)", lambda: [score(f, election, point_members=n) for f in
                                                  [model_forecast(simulation), *baseline_forecasts(election)]])
    if whole:
        result = timed("whole report: fit, simulate, score every set", lambda: run(election, n=n, seed=0))
        timed("whole report: figures and writing", lambda: write_report(result, out, force=True))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="polls+exit")
    parser.add_argument("--simulations", type=int, default=100_000)
    parser.add_argument("--whole", action="store_true", help="also time the whole report")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as out:
            print(json.dumps(stages(args.set, args.simulations, args.whole, out)))
        return
    print(f"pollmc stage profile: kz-2021-mazhilis [{args.set}], default sampler settings, "
          f"{args.simulations:,} simulations")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={cache}"}
        for mode in ("cold", "warm"):
            command = [sys.executable, __file__, "--child", "--set", args.set, "--simulations", str(args.simulations)]
            done = subprocess.run(command + (["--whole"] if args.whole else []), env=env, capture_output=True,
                                  text=True)
            if done.returncode:
                raise RuntimeError(done.stderr[-3000:])
            rows = json.loads(done.stdout.strip().splitlines()[-1])
            one_set = sum(seconds for name, seconds, _ in rows if not name.startswith("whole"))
            print(f"\n{mode} cache:")
            print(f"  {'stage':<48} {'seconds':>8} {'of one set':>10} {'peak RSS MB':>12}")
            for name, seconds, peak in rows:
                share = "" if name.startswith("whole") else f"{seconds / one_set:.0%}"
                print(f"  {name:<48} {seconds:8.1f} {share:>10} {peak:12.0f}")
            print(f"  {'one information set, all stages':<48} {one_set:8.1f}")


if __name__ == "__main__":
    main()
