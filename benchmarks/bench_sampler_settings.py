"""Could a cheaper sampler run pass the diagnostics gate? Settings against the default short run.

Samples information sets of the 2021 model (first, second, and three count steps) with several
seeds under each setting and prints how often the fit passes the gate (R-hat <= 1.01, bulk and
tail ESS >= 400, no divergences), the sampling time, and the worst R-hat and smallest bulk ESS.
Baseline, measured in the same run: the default short run (`models.fit.SHORT_RUN`), whose time
the other rows are divided by.

    python benchmarks/bench_sampler_settings.py [--seeds 4] [--settings short,draws700,...]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

#: name -> what each setting changes in the short run (nutpie.sample arguments, 4 chains each)
CHANGES = {
    "short": {},
    "draws700": {"draws": 700},
    "tune200": {"tune": 200},
    "accept0.80": {"target_accept": 0.80},
    "lowrank": {"low_rank_modified_mass_matrix": True},
    "lowrank400": {"draws": 400, "low_rank_modified_mass_matrix": True},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--settings", default=",".join(CHANGES))
    args = parser.parse_args()

    import nutpie

    import polls
    from models.fit import SHORT_RUN, FusionModel, check_diagnostics
    from models.fusion import pack_data
    from models.infosets import election_night

    election = polls.load("kz-2021-mazhilis")
    model = FusionModel.for_election(election)
    model.compile()
    night = election_night(election)
    sets = [night[i] for i in (0, 1, 5, 12, 18)]
    rows = {}
    for name in args.settings.split(","):
        passed, seconds, rhat, bulk = [], [], [], []
        for info in sets:
            packed = pack_data(model.data_for(info))
            compiled = model._compiled.nutpie.with_data(**packed)  # the model's own compile, bypassing fit()'s runs
            for seed in range(args.seeds):
                start = time.perf_counter()
                idata = nutpie.sample(compiled, chains=4, seed=seed, progress_bar=False, save_warmup=False,
                                      **{**SHORT_RUN, **CHANGES[name]})
                seconds.append(time.perf_counter() - start)
                diagnostics = check_diagnostics(idata, model.gated)
                passed.append(diagnostics.passed)
                rhat.append(diagnostics.max_rhat)
                bulk.append(diagnostics.min_ess_bulk)
        rows[name] = (np.mean(passed), np.mean(seconds), np.max(rhat), np.min(bulk), np.median(bulk))
        print(f"{name}: done", flush=True)

    base = rows.get("short", next(iter(rows.values())))[1]
    print(f"\n{len(sets)} information sets x {args.seeds} seeds per setting, 4 chains\n")
    print("| setting | passes the gate | sampling (s) | x short run | worst R-hat | smallest / median bulk ESS |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (rate, mean_seconds, worst_rhat, least_bulk, median_bulk) in rows.items():
        print(f"| {name} | {rate:.0%} | {mean_seconds:.2f} | {mean_seconds / base:.2f} | {worst_rhat:.3f} | "
              f"{least_bulk:,.0f} / {median_bulk:,.0f} |")


if __name__ == "__main__":
    main()
