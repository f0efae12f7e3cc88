"""Recovery on simulated data, at scale: how often the 90% and 50% intervals cover the truth.

Draws `--replicates` data sets from the 2021-shaped model with known bias, house effects,
group swings and shares (`models.recovery.synthetic_data`), fits each with the default settings
(information sets `polls+exit+regions` for bias, house effects and group swings, `polls+exit`
for shares, and `polls+exit+regions:13` for shares with the four western regions, a whole
group, still to count) and prints the coverage rate per quantity. A calibrated model covers
about 90% and 50%.

    python benchmarks/recovery.py [--replicates 20]
"""

from __future__ import annotations

import argparse

import numpy as np

import polls
from models.fit import FusionModel
from models.recovery import interval_coverage, synthetic_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--house-sd", type=float, help="true house-effect scale (default: the prior's)")
    args = parser.parse_args()
    model = FusionModel(polls.load("kz-2021-mazhilis"))
    hits = {level: {} for level in (0.5, 0.9)}
    for r in range(args.replicates):
        data, truth = synthetic_data(model, np.random.default_rng(1000 + r), house_sd=args.house_sd)
        counted = model.fit("polls+exit+regions", seed=r, data=data)
        before = model.fit("polls+exit", seed=r, data=data)
        partial = model.fit("polls+exit+regions:13", seed=r, data=data)  # the west still to count
        for level in hits:
            c = interval_coverage(counted, truth, level)
            b = interval_coverage(before, truth, level)
            p = interval_coverage(partial, truth, level)
            for name, values in (("bias", c["bias"]), ("house", c["house"]), ("exit_bias", c["exit_bias"]),
                                 ("group swing", c["group_swing"]), ("shares (polls+exit)", b["shares"]),
                                 ("shares (13 of 17)", p["shares"])):
                hits[level].setdefault(name, []).append(values.ravel())
        passed = all(f.diagnostics.passed for f in (counted, before, partial))
        print(f"replicate {r + 1}/{args.replicates} done ({'diagnostics pass' if passed else 'diagnostics FAIL'})",
              flush=True)
    print(f"\ncoverage over {args.replicates} replicates (nominal 50% and 90%):")
    for name in hits[0.9]:
        rates = {level: np.concatenate(hits[level][name]).mean() for level in hits}
        print(f"  {name:<22} 50%: {100 * rates[0.5]:5.1f}%   90%: {100 * rates[0.9]:5.1f}%   "
              f"({np.concatenate(hits[0.9][name]).size} values)")


if __name__ == "__main__":
    main()
