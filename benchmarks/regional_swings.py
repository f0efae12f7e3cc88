"""How far regions and groups of regions swung from their previous lean, in the bundled data.

For every bundled election whose previous election has regional results, each region's log
shares (centred over the options on every ballot) minus the national ones is its lean; the lean
now minus the lean before (`models.fusion.regional_baseline`) is the region's swing relative to
the nation. Printed: the root-mean-square lean, the swing, each group's mean swing and the
swings within groups (size-weighted). The model's group swings share the regional scale; this
is the evidence for that choice (groups and regions moving by similar amounts).

    python benchmarks/regional_swings.py
"""

from __future__ import annotations

import numpy as np

import polls
from models.fusion import region_groups, regional_baseline


def rms(values: np.ndarray, weight: np.ndarray) -> float:
    return float(np.sqrt(np.average((values**2).mean(axis=1), weights=weight)))


def main() -> None:
    for election_id in polls.available():
        election = polls.load(election_id)
        previous = polls.load_previous(election)
        if election.regional_results is None or previous is None or previous.regional_results is None:
            continue
        votes = election.regional_results[election.options]
        weight = (votes.sum(axis=1) / votes.to_numpy().sum()).to_numpy()
        everywhere = (votes > 0).all(axis=0).to_numpy()  # options on every region's ballot
        baseline, _ = regional_baseline(election, weight, (votes > 0).to_numpy())
        log_shares = np.log(election.regional_shares()[election.options].to_numpy()[:, everywhere])
        national = np.log(election.result_shares()[election.options].to_numpy()[everywhere])
        lean = (log_shares - log_shares.mean(axis=1, keepdims=True)) - (national - national.mean())
        swing = lean - baseline[:, everywhere]
        swing = swing - swing.mean(axis=1, keepdims=True)  # a constant per region is no swing
        swing = swing - weight @ swing
        groups, index = region_groups(election)
        group_swing = np.array([np.average(swing[index == g], axis=0, weights=weight[index == g])
                                for g in range(len(groups))])
        within = swing - group_swing[index]
        per_group = ", ".join(f"{g} {np.sqrt((s**2).mean()):.3f}" for g, s in zip(groups, group_swing))
        print(f"{election_id} (from {previous.id}): lean {rms(lean, weight):.3f}, swing {rms(swing, weight):.3f}; "
              f"group swings: {per_group}; within groups {rms(within, weight):.3f}")


if __name__ == "__main__":
    main()
