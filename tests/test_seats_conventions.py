"""The documented conventions of the seat engine, one by one."""

from __future__ import annotations

import numpy as np
import pytest

from models.seats import allocate, threshold_passed


@pytest.mark.parametrize("votes", [np.array([7, 93]), np.array([0.07, 0.93])])
def test_a_list_exactly_at_the_threshold_passes(votes):
    assert threshold_passed(votes, 7.0).tolist() == [True, True]
    assert allocate(votes, 100, "hare", threshold=7.0).tolist() == [7, 93]
    just_under = votes.astype(float) * [0.999999, 1]
    assert allocate(just_under, 100, "hare", threshold=7.0).tolist() == [0, 100]


@pytest.mark.parametrize("method", ["hare", "droop", "dhondt", "sainte-lague", "modified-sainte-lague"])
def test_ties_go_to_the_list_registered_first(method):
    assert allocate([10, 10, 10], 1, method).tolist() == [1, 0, 0]
    assert allocate([10, 10, 10], 2, method).tolist() == [1, 1, 0]
    assert allocate([5, 10, 10], 1, method).tolist() == [0, 1, 0]


def test_identical_ties_for_counts_and_shares():
    votes = np.array([300, 100, 100])  # Hare, 4 seats: quotas 2.4, 0.8, 0.8: the tie for the 4th seat
    assert allocate(votes, 4, "hare").tolist() == [2, 1, 1]
    assert allocate(votes, 3, "hare").tolist() == [2, 1, 0]
    assert allocate(votes / votes.sum(), 3, "hare").tolist() == [2, 1, 0]


def test_droop_is_the_exact_quota_with_a_give_back():
    # exact quota 10 / 3 gives whole quotas; with the integer Droop quota floor(10/3)+1 = 4 the
    # first list would get 1 + remainder; the exact quota is what shares can express.
    assert allocate([5, 5], 2, "droop").tolist() == [1, 1]
    # every quota whole (quota 1): 2 whole quotas for 1 seat, the list registered last gives one back
    assert allocate([1, 1], 1, "droop").tolist() == [1, 0]
    assert allocate([2, 1], 2, "droop").tolist() == [2, 0]


def test_modified_sainte_lague_raises_the_first_divisor():
    # standard: A 100, 33.3, 20; B 25 -> B takes the third seat.
    # modified: A 71.4, 33.3, 20; B 25/1.4 = 17.9 -> A takes it.
    votes = [100, 25]
    assert allocate(votes, 3, "sainte-lague").tolist() == [2, 1]
    assert allocate(votes, 3, "modified-sainte-lague").tolist() == [3, 0]


class TestRunnerUpClause:
    """If only one list passes, the runner-up is admitted with at least (or exactly) K seats."""

    votes = np.array([930, 65, 5])  # only the first list passes 7%

    def test_floor_reading_joins_the_count(self):
        # the runner-up's largest-remainder share of 98 seats among 995 votes is 6.40 -> 6 seats
        assert allocate(self.votes, 98, "hare", threshold=7, runner_up_min_seats=2).tolist() == [92, 6, 0]

    def test_exact_reading_gives_exactly_k(self):
        seats = allocate(self.votes, 98, "hare", threshold=7, runner_up_min_seats=2, runner_up_reading="exact")
        assert seats.tolist() == [96, 2, 0]

    def test_floor_raises_to_k_when_the_count_gives_fewer(self):
        seats = allocate([990, 9, 1], 98, "hare", threshold=7, runner_up_min_seats=2)
        assert seats.tolist() == [96, 2, 0]

    def test_runner_up_tie_goes_to_the_first_registered(self):
        assert allocate([90, 5, 5], 10, "hare", threshold=7, runner_up_min_seats=2).tolist() == [8, 2, 0]

    def test_no_clause_without_the_option(self):
        assert allocate(self.votes, 98, "hare", threshold=7).tolist() == [98, 0, 0]


def test_threshold_waived_when_no_list_passes():
    assert allocate([30, 30, 40], 10, "hare", threshold=50).tolist() == [3, 3, 4]


def test_ineligible_option_counts_only_in_an_explicit_base():
    votes = np.array([600, 330, 70])  # last: 'against all'
    eligible = [True, True, False]
    assert allocate(votes, 10, "hare", eligible=eligible).tolist() == [6, 4, 0]
    # 5% of 1000 = 50: the second list passes with 33%, with 7% threshold of all 1000 votes too
    assert allocate(votes, 10, "hare", threshold=34, threshold_base=1000, eligible=eligible).tolist() == [10, 0, 0]
    assert allocate(votes, 10, "hare", threshold=34, eligible=eligible).tolist() == [6, 4, 0]  # 330/930 = 35.5%


@pytest.mark.parametrize("bad,message", [
    (dict(votes=[1, -1], seats=3), "negative"),
    (dict(votes=[1.0, np.nan], seats=3), "NaN"),
    (dict(votes=[1.0, np.inf], seats=3), "finite"),
    (dict(votes=[0, 0], seats=3), "no votes"),
    # one bad election among good ones is found wherever it is, and named by its fault
    (dict(votes=[[1, 2], [3, 4], [1, -1]], seats=3), "negative"),
    (dict(votes=[[1.0, 2.0], [np.inf, 1.0], [2.0, 1.0]], seats=3), "finite"),
    (dict(votes=[[1.0, 2.0], [0.0, 0.0], [np.inf, 1.0]], seats=3), "finite"),  # the more basic fault first
    (dict(votes=[[5, 0], [0, 7]], seats=3, eligible=[True, False]), "no votes"),
    (dict(votes=[1, 2], seats=0), "positive integer"),
    (dict(votes=[1, 2], seats=2.5), "positive integer"),
    (dict(votes=[1, 2], seats=3, method="hair"), "unknown method"),
    (dict(votes=[1, 2], seats=3, threshold=100), "threshold"),
    (dict(votes=[], seats=3), "at least one list"),
])
def test_bad_arguments(bad, message):
    bad = dict(bad)
    with pytest.raises(ValueError, match=message):
        allocate(np.array(bad.pop("votes")), bad.pop("seats"), bad.pop("method", "hare"), **bad)


def test_a_million_draws_in_one_call():
    rng = np.random.default_rng(0)
    shares = rng.dirichlet([70, 11, 9, 5, 4], size=1_000_000)
    seats = allocate(shares, 98, "hare", threshold=7, runner_up_min_seats=2)
    assert seats.shape == shares.shape
    assert (seats.sum(axis=1) == 98).all()
