"""Simulated elections: reproducible, chunk-independent, seats by the election's own rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import polls
from models.outcomes import share_summary
from models.simulate import (
    BLOCK,
    PosteriorDraws,
    block_indices,
    simulate,
    simulate_counts,
)

# tests share a module-scoped fixture: one worker runs them all (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("test_simulate")


@pytest.fixture(scope="module")
def draws_2021() -> PosteriorDraws:
    """A stand-in posterior: Dirichlet draws around the 2021 result (no fit needed)."""
    election = polls.load("kz-2021-mazhilis")
    rng = np.random.default_rng(1)
    shares = rng.dirichlet(election.result_shares().to_numpy() * 300, size=800)
    return PosteriorDraws(election, "test", shares, None)


def test_simulation_is_labelled_and_follows_the_rule(draws_2021):
    sim = simulate(draws_2021, 5000, seed=3)
    assert dict(sim.sizes) == {"draw": 5000, "option": 5, "party": 5}
    assert list(sim["seats"].coords["party"].values) == ["QHP", "NO", "AUYL", "AJ", "ADAL"]
    seats, shares, passed = sim["seats"].values, sim["shares"].values, sim["passed"].values
    assert (seats.sum(axis=1) == 98).all()
    below = shares < 0.07
    assert (passed == ~below).all()
    # under the threshold: no seats, unless only one list passed and the runner-up clause applies
    several = passed.sum(axis=1) > 1
    assert (seats[several][below[several]] == 0).all()


def test_same_seed_same_elections_other_seed_others(draws_2021):
    a, b = simulate(draws_2021, 3000, seed=5), simulate(draws_2021, 3000, seed=5)
    c = simulate(draws_2021, 3000, seed=6)
    assert (a["shares"] == b["shares"]).all() and (a["seats"] == b["seats"]).all()
    assert not (a["shares"] == c["shares"]).all()


def test_the_first_elections_do_not_depend_on_how_many_follow(draws_2021):
    short = simulate(draws_2021, 1000, seed=2)
    long = simulate(draws_2021, BLOCK + 10, seed=2)
    assert (long["shares"][:1000] == short["shares"]).all()


def test_counting_in_blocks_matches_the_in_memory_draws(draws_2021):
    n = 2 * BLOCK + 123
    index = np.concatenate(list(block_indices(draws_2021.size, n, seed=9)))
    counts = simulate_counts(draws_2021, n, seed=9, blocks_per_task=1)
    assert counts.sum() == n
    assert (counts.to_numpy() == np.bincount(index, minlength=draws_2021.size)).all()
    assert (simulate_counts(draws_2021, n, seed=9, blocks_per_task=64).to_numpy() == counts.to_numpy()).all()


def test_summaries_from_counts_equal_the_in_memory_ones(draws_2021):
    from models.outcomes import most_likely_outcomes, seat_summary
    from models.simulate import summarise_counts

    n = BLOCK + 5000
    sim = simulate(draws_2021, n, seed=4)
    from_counts = summarise_counts(draws_2021, simulate_counts(draws_2021, n, seed=4))
    in_memory = {
        "shares": share_summary(sim["shares"]),
        "seats": seat_summary(sim["seats"], list_seats=98, house_seats=107, passed=sim["passed"].values),
        "outcomes": most_likely_outcomes(sim["seats"]),
    }
    for key in in_memory:
        pd.testing.assert_frame_equal(from_counts[key], in_memory[key], check_exact=False, rtol=1e-9)


def test_share_summary_intervals_are_nested(draws_2021):
    table = share_summary(simulate(draws_2021, 20000, seed=1)["shares"])
    for narrow, wide in [(50, 80), (80, 90), (90, 95)]:
        assert (table[f"low_{wide}"] <= table[f"low_{narrow}"]).all()
        assert (table[f"high_{wide}"] >= table[f"high_{narrow}"]).all()
    assert ((table["low_50"] <= table["median"]) & (table["median"] <= table["high_50"])).all()


def test_bad_n(draws_2021):
    with pytest.raises(ValueError):
        simulate(draws_2021, 0)
