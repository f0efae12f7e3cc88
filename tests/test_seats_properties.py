"""Property-based tests of the vectorized seat engine against the plain reference."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from reference_seats import reference_allocate

from models.seats import METHODS, allocate

SETTINGS = settings(max_examples=300, deadline=None)


@st.composite
def elections(draw, *, with_clauses=True):
    n = draw(st.integers(1, 8))
    high = draw(st.sampled_from([3, 20, 1000, 10**6]))  # small ranges produce many ties
    votes = draw(st.lists(st.integers(0, high), min_size=n, max_size=n))
    assume(sum(votes) > 0)
    case = {
        "votes": votes,
        "seats": draw(st.integers(1, 120)),
        "method": draw(st.sampled_from(METHODS)),
        "threshold": draw(st.sampled_from([0.0, 3.0, 5.0, 7.0, 12.5, 33.3])),
    }
    if with_clauses:
        if draw(st.booleans()):
            case["runner_up_min_seats"] = draw(st.integers(1, 3))
            case["runner_up_reading"] = draw(st.sampled_from(["floor", "exact"]))
        if n >= 2 and draw(st.booleans()):
            eligible = [True] * n
            eligible[-1] = False  # e.g. 'against all'
            case["eligible"] = eligible
            assume(sum(v for v, e in zip(votes, eligible) if e) > 0)
        if draw(st.booleans()):
            case["exempt"] = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return case


def _engine(case, votes=None):
    args = {k: v for k, v in case.items() if k not in ("votes", "seats", "method")}
    return allocate(np.array(case["votes"] if votes is None else votes), case["seats"], case["method"], **args)


def _reference(case):
    return reference_allocate(case["votes"], case["seats"], case["method"], threshold=case["threshold"],
                              eligible=case.get("eligible"), exempt=case.get("exempt"),
                              runner_up_min_seats=case.get("runner_up_min_seats"),
                              runner_up_reading=case.get("runner_up_reading", "floor"))


@SETTINGS
@given(elections())
def test_same_seats_as_the_reference(case):
    assert _engine(case).tolist() == _reference(case)


@SETTINGS
@given(elections())
def test_seats_sum_to_house_size_and_ineligible_get_none(case):
    seats = _engine(case)
    assert seats.sum() == case["seats"]
    assert (seats >= 0).all()
    if "eligible" in case:
        assert seats[-1] == 0


@SETTINGS
@given(elections(with_clauses=False))
def test_lists_under_the_threshold_get_nothing(case):
    votes = np.array(case["votes"])
    share = votes / votes.sum() * 100
    seats = _engine(case)
    if (share >= case["threshold"]).any():  # otherwise the threshold is waived
        assert (seats[share < case["threshold"] - 1e-9] == 0).all()


@SETTINGS
@given(elections(with_clauses=False))
def test_largest_remainder_gives_floor_or_ceiling_of_exact_quota(case):
    assume(case["method"] in ("hare", "droop"))
    votes = [Fraction(v) for v in case["votes"]]
    cut = Fraction(str(case["threshold"])) / 100 * sum(votes)
    admitted = [v > 0 and v >= cut for v in votes]
    if not any(admitted):
        admitted = [v > 0 for v in votes]
    total = sum(v for v, a in zip(votes, admitted) if a)
    divisor = case["seats"] if case["method"] == "hare" else case["seats"] + 1
    quotas = [v * divisor / total if a else Fraction(0) for v, a in zip(votes, admitted)]
    every_quota_whole = all(q.denominator == 1 for q in quotas)
    seats = _engine(case)
    for s, q in zip(seats, quotas):
        low, high = q.numerator // q.denominator, -(-q.numerator // q.denominator)
        if case["method"] == "droop" and every_quota_whole:
            low -= 1  # the documented give-back when S + 1 whole quotas exist
        assert low <= s <= high


@SETTINGS
@given(elections(), st.integers(2, 1000))
def test_multiplying_all_votes_changes_nothing(case, factor):
    assert _engine(case, [v * factor for v in case["votes"]]).tolist() == _engine(case).tolist()


@SETTINGS
@given(elections())
def test_shares_encoding_the_votes_give_the_same_seats(case):
    votes = np.array(case["votes"], dtype=np.int64)
    shares = votes / votes.sum()
    assert _engine(case, shares).tolist() == _engine(case).tolist()


@SETTINGS
@given(elections(with_clauses=False))
def test_highest_averages_are_house_monotone(case):
    assume(case["method"] in ("dhondt", "sainte-lague", "modified-sainte-lague"))
    smaller = _engine(case)
    larger = _engine({**case, "seats": case["seats"] + 1})
    assert (larger >= smaller).all()
    assert larger.sum() == smaller.sum() + 1


@settings(max_examples=60, deadline=None)
@given(st.lists(elections(), min_size=1, max_size=6), st.sampled_from(METHODS), st.integers(1, 60))
def test_a_batch_equals_one_call_per_election(cases, method, seats):
    width = max(len(c["votes"]) for c in cases)
    batch = np.array([c["votes"] + [0] * (width - len(c["votes"])) for c in cases])
    assume((batch.sum(axis=1) > 0).all())
    together = allocate(batch, seats, method, threshold=5.0)
    for row, result in zip(batch, together):
        assert allocate(row, seats, method, threshold=5.0).tolist() == result.tolist()
    # and any leading shape works
    stacked = allocate(np.stack([batch, batch]), seats, method, threshold=5.0)
    assert stacked.shape == (2, *batch.shape) and (stacked[0] == together).all()
