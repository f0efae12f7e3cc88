"""Fitting the 2021 model: compile and sampling time, cold and warm, for each sampler.

For each sampler, a fresh process compiles the model with an empty compile cache (cold), then a
second process compiles it again with that cache (warm); each fits every information set given
and reports sampling seconds, the minimum bulk ESS, bulk ESS per second of sampling and whether
the diagnostics pass. Ratios are against PyMC's default NUTS sampler measured in the same run.

    python benchmarks/bench_fit.py [--samplers pymc,nutpie,nutpie-jax] [--sets "polls;polls+exit"]

nutpie-jax needs `pip install jax`; it is skipped if JAX is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

SETS = "polls;polls+exit;polls+exit+regions:8;polls+exit+regions"


def child(sampler: str, sets: list[str], seed: int) -> None:
    """Run in a subprocess: build, compile and fit; print one JSON line per step."""
    start = time.perf_counter()
    import polls
    from models.fit import FusionModel

    model = FusionModel(polls.load("kz-2021-mazhilis"))
    build = time.perf_counter() - start
    for i, info in enumerate(sets):
        t0 = time.perf_counter()
        if sampler == "nutpie-jax":
            import nutpie

            if model._compiled.nutpie is None:
                model._compiled.nutpie = nutpie.compile_pymc_model(model.model, freeze_model=False, backend="jax",
                                                                   gradient_backend="jax")
                model._compiled.seconds = time.perf_counter() - t0
            fit = model.fit(info, seed=seed, sampler="nutpie")
            compile_s = model.compile_seconds if i == 0 else 0.0
            sample_s = fit.seconds["sample"]
        elif sampler == "nutpie":
            fit = model.fit(info, seed=seed, sampler="nutpie")
            compile_s, sample_s = fit.seconds["compile"], fit.seconds["sample"]
        else:
            fit = model.fit(info, seed=seed, sampler="pymc")
            total = fit.seconds["compile+sample"]
            compile_s, sample_s = None, total
        d = fit.diagnostics
        print(json.dumps({"sampler": sampler, "set": info, "build": build if i == 0 else 0.0, "compile": compile_s,
                          "sample": sample_s, "wall": time.perf_counter() - t0, "ess_bulk_min": d.min_ess_bulk,
                          "passed": d.passed, "rhat": d.max_rhat, "divergences": d.divergences}), flush=True)


def measure(sampler: str, sets: str, seed: int, cache: str) -> list[dict]:
    env = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={cache}"}
    out = subprocess.run([sys.executable, __file__, "--child", sampler, "--sets", sets, "--seed", str(seed)],
                         capture_output=True, text=True, env=env)
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not rows:
        print(out.stderr[-2000:], file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samplers", default="pymc,nutpie,nutpie-jax")
    parser.add_argument("--sets", default=SETS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.sets.split(";"), args.seed)
        return
    print(f"pollmc fit benchmark, kz-2021-mazhilis, defaults (4 chains x 2000 draws, 1500 tuning), seed {args.seed}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    results = {}
    for sampler in args.samplers.split(","):
        if sampler == "nutpie-jax":
            try:
                import jax  # noqa: F401
            except ImportError:
                print("nutpie-jax: skipped (jax not installed)")
                continue
        with tempfile.TemporaryDirectory() as cache:
            for state in ("cold", "warm"):
                rows = measure(sampler, args.sets, args.seed, cache)
                results[(sampler, state)] = rows
                first = rows[0] if rows else {}
                compile_s = first.get("compile")
                compile_text = f"{compile_s:.1f} s" if compile_s is not None else "in sampling"
                print(f"\n{sampler} ({state} cache): model build {first.get('build', float('nan')):.1f} s, "
                      f"compile {compile_text}")
                print(f"  {'information set':<26}{'sample s':>10}{'wall s':>9}{'min ESS':>9}{'ESS/s':>8}  diagnostics")
                for r in rows:
                    print(f"  {r['set']:<26}{r['sample']:>10.1f}{r['wall']:>9.1f}{r['ess_bulk_min']:>9.0f}"
                          f"{r['ess_bulk_min'] / r['sample']:>8.0f}  {'pass' if r['passed'] else 'FAIL'}"
                          f" (R-hat {r['rhat']:.3f}, {r['divergences']} div)")
    base = results.get(("pymc", "warm"))
    if base:
        print("\nratios against PyMC's default NUTS (warm cache), per information set:")
        for (sampler, state), rows in results.items():
            if sampler == "pymc" or state != "warm":
                continue
            for r, b in zip(rows, base):
                speed = (r["ess_bulk_min"] / r["wall"]) / (b["ess_bulk_min"] / b["wall"])
                print(f"  {sampler:<12}{r['set']:<26} wall time x{b['wall'] / r['wall']:.1f} faster, "
                      f"min-ESS per wall second x{speed:.1f}")


if __name__ == "__main__":
    main()
