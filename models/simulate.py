"""Monte Carlo elections from a fitted model: shares -> the election's own seat rule.

Each simulated election is a posterior draw of the election-day shares (nationally and by
region), picked at random with a seeded `numpy.random.Generator`; the seat rule is applied to
all of them at once (`models.seats`). Every bundled rule is scale-invariant (quotas and
quotients of shares), so seats come from shares directly and no vote totals are simulated.

Draws are generated in fixed blocks, each from its own `SeedSequence(seed, spawn_key=(block,))`,
so the simulated elections do not depend on how they are chunked or where they run: the
in-memory `simulate`, the constant-memory `simulate_counts` and a Dask run give the same
elections for the same seed. Since an election is determined by the posterior draw it picks,
`simulate_counts` keeps only how often each draw was picked, which is all a summary needs,
for any number of elections.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

import polls
from models.outcomes import most_likely_outcomes, seat_summary, share_summary
from models.seats import admitted_rule, allocate_rule

__all__ = ["BLOCK", "PosteriorDraws", "block_indices", "posterior_draws", "seats_and_passes", "simulate",
           "simulate_counts", "summarise_counts"]

#: Draws per independently seeded block (a fixed size keeps results independent of chunking).
BLOCK = 1 << 16


@dataclass
class PosteriorDraws:
    """The posterior, flattened over chains: what the simulation resamples."""

    election: polls.Election
    information_set: str
    shares: np.ndarray                 # (D, K) national shares of every option
    region_shares: np.ndarray | None   # (D, R, K)

    @property
    def size(self) -> int:
        return len(self.shares)


def posterior_draws(fit) -> PosteriorDraws:
    """Flatten a `models.fit.Fit` into arrays (chain and draw become one axis)."""
    post = fit.idata.posterior
    shares = post["shares"].stack(sample=("chain", "draw")).transpose("sample", "option").values
    regions = None
    if "region_shares" in post:
        regions = post["region_shares"].stack(sample=("chain", "draw")).transpose("sample", "region", "option").values
    return PosteriorDraws(fit.election, fit.information_set.name, np.ascontiguousarray(shares), regions)


def block_indices(n_posterior: int, n: int, seed: int, blocks: range | None = None) -> Iterator[np.ndarray]:
    """Posterior-draw indices of simulated elections, block by block (each block BLOCK long,
    the last one shorter), reproducible from `seed` whatever blocks are asked for."""
    n_blocks = -(-n // BLOCK)
    for b in blocks if blocks is not None else range(n_blocks):
        size = min(BLOCK, n - b * BLOCK)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(b,))))
        yield rng.integers(0, n_posterior, size=size)


def seats_and_passes(election: polls.Election, shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seats of every party and whether it passed the threshold (or is exempt from it), for
    share draws (..., K)."""
    n_parties = len(election.party_codes)
    seats = allocate_rule(shares, election.rule, election.options)[..., :n_parties]
    passed = admitted_rule(shares, election.rule, election.options)
    return seats, passed[..., :n_parties]


def simulate(fit_or_draws, n: int = 100_000, *, seed: int = 0, regions: bool = False) -> xr.Dataset:
    """Simulate `n` elections in memory: shares, seats and threshold passes per draw.

    Returns an xarray Dataset with `shares` (draw, option), `seats` and `passed` (draw, party),
    and with `regions=True` also `region_shares` (draw, region, option).
    """
    draws = fit_or_draws if isinstance(fit_or_draws, PosteriorDraws) else posterior_draws(fit_or_draws)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    election = draws.election
    index = np.concatenate(list(block_indices(draws.size, n, seed)))
    shares = draws.shares[index]
    seats, passed = seats_and_passes(election, shares)
    data = {
        "shares": (("draw", "option"), shares),
        "seats": (("draw", "party"), seats),
        "passed": (("draw", "party"), passed),
    }
    coords = {"draw": np.arange(n), "option": election.options, "party": election.party_codes}
    if regions and draws.region_shares is not None:
        data["region_shares"] = (("draw", "region", "option"), draws.region_shares[index])
        coords["region"] = election.region_codes
    return xr.Dataset(data, coords=coords, attrs={
        "election": election.id, "information_set": draws.information_set, "seed": seed, "n": n,
        "posterior_draws": draws.size})


def _count_blocks(n_posterior: int, n: int, seed: int, blocks: range) -> np.ndarray:
    counts = np.zeros(n_posterior, np.int64)
    for index in block_indices(n_posterior, n, seed, blocks):
        counts += np.bincount(index, minlength=n_posterior)
    return counts


def simulate_counts(fit_or_draws, n: int, *, seed: int = 0, blocks_per_task: int = 64,
                    client=None) -> pd.Series:
    """How many of `n` simulated elections picked each posterior draw, in constant memory.

    The same elections as `simulate(…, n, seed=seed)`. With a dask.distributed `client`, blocks
    are counted on the cluster's workers; the result is identical.
    """
    draws = fit_or_draws if isinstance(fit_or_draws, PosteriorDraws) else posterior_draws(fit_or_draws)
    n_blocks = -(-n // BLOCK)
    tasks = [range(start, min(start + blocks_per_task, n_blocks)) for start in range(0, n_blocks, blocks_per_task)]
    if client is None:
        counts = sum((_count_blocks(draws.size, n, seed, t) for t in tasks), np.zeros(draws.size, np.int64))
    else:
        futures = client.map(_count_blocks, [draws.size] * len(tasks), [n] * len(tasks), [seed] * len(tasks), tasks,
                             pure=False)
        counts = sum(client.gather(futures), np.zeros(draws.size, np.int64))
    return pd.Series(counts, name="elections", index=pd.RangeIndex(draws.size, name="posterior_draw"))


def summarise_counts(draws: PosteriorDraws, counts: pd.Series) -> dict[str, pd.DataFrame]:
    """Share and seat summaries of simulated elections from `simulate_counts`: the same figures
    `simulate` gives for the same elections, computed once per posterior draw."""

    election = draws.election
    seats, passed = seats_and_passes(election, draws.shares)
    weights = counts.to_numpy()
    return {
        "shares": share_summary(draws.shares, election.options, weights=weights),
        "seats": seat_summary(seats, election.party_codes, list_seats=election.list_seats,
                              house_seats=election.house_seats, passed=passed, weights=weights),
        "outcomes": most_likely_outcomes(seats, election.party_codes, weights=weights),
    }
