"""Which treatment of the undecided forecasts 2021 better: modelled or proportional splitting?

Fits the 2021 pre-election polls (information set `polls`) with the default settings twice:
`undecided="modelled"` (a share of the undecided breaks evenly, Beta(2, 2) prior) and
`undecided="proportional"` (each poll renormalised over the lists), simulates 100,000 elections
from each and scores them against the actual result.

    python benchmarks/undecided_2021.py [--seed 0]
"""

from __future__ import annotations

import argparse

import polls
from models.evaluate import model_forecast, score
from models.fit import FusionModel, require_passing
from models.simulate import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--simulations", type=int, default=100_000)
    args = parser.parse_args()
    election = polls.load("kz-2021-mazhilis")
    print(f"{'treatment':<14}{'CRPS pp':>9}{'|err| pp':>10}{'energy':>8}{'P(seats)':>10}  medians (%) "
          + " ".join(election.options))
    for treatment in ("proportional", "modelled"):
        fit = require_passing(FusionModel(election, undecided=treatment).fit("polls", seed=args.seed))
        s = score(model_forecast(simulate(fit, args.simulations, seed=args.seed)), election, seed=args.seed)
        medians = " ".join(f"{s['shares'][o]['median']:.2f}" for o in election.options)
        print(f"{treatment:<14}{s['crps_mean']:>9.3f}{s['abs_error_mean']:>10.3f}{s['energy_score']:>8.2f}"
              f"{s['p_actual_seats']:>10.4f}  {medians}")
    actual = " ".join(f"{100 * v:.2f}" for v in election.result_shares())
    print(f"{'actual':<14}{'':>37}  {actual}")


if __name__ == "__main__":
    main()
