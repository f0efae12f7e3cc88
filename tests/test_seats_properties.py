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
    if case["method"] == "modified-sainte-lague" and draw(st.booleans()):
        case["first_divisor"] = draw(st.sampled_from([1.2, 1.4, 1.0, 0.5, 2.0, 2.999, 3.0]))
    return case


def _engine(case, votes=None):
    args = {k: v for k, v in case.items() if k not in ("votes", "seats", "method")}
    return allocate(np.array(case["votes"] if votes is None else votes), case["seats"], case["method"], **args)


def _reference(case):
    return reference_allocate(case["votes"], case["seats"], case["method"], threshold=case["threshold"],
                              eligible=case.get("eligible"), exempt=case.get("exempt"),
                              runner_up_min_seats=case.get("runner_up_min_seats"),
                              runner_up_reading=case.get("runner_up_reading", "floor"),
                              first_divisor=case.get("first_divisor", 1.4))


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


@SETTINGS
@given(st.lists(st.integers(0, 10**12), min_size=2, max_size=7),
       st.floats(0.0, 99.0, allow_nan=False, allow_infinity=False), st.integers(1, 200),
       st.sampled_from(["hare", "dhondt"]))
def test_any_finite_threshold_and_large_votes_are_exact(votes, threshold, seats, method):
    """Thresholds such as 100 * 0.07 (7.000000000000001) and counts up to 10**12: the exact test
    must not overflow (it once multiplied in int64 and gave every seat to one list)."""
    assume(sum(votes) > 0)
    engine = allocate(np.array(votes, dtype=np.int64), seats, method, threshold=threshold)
    assert engine.tolist() == reference_allocate(votes, seats, method, threshold=threshold)


def test_threshold_written_as_a_float_product():
    votes = [5621436, 518405, 498788, 116534, 82623, 57732, 45702]
    assert allocate(np.array(votes), 98, "hare", threshold=100 * 0.07).tolist() == [83, 8, 7, 0, 0, 0, 0]


@SETTINGS
@given(elections(with_clauses=False), st.data())
def test_a_seatless_option_only_counts_in_the_threshold_base(case, data):
    """Marking an entry seatless gives the others exactly the seats the rule gives them when that
    entry's votes count in the threshold base only (here: removed, and the base passed)."""
    votes = case["votes"]
    assume(len(votes) >= 2)
    k = data.draw(st.integers(0, len(votes) - 1))
    rest = votes[:k] + votes[k + 1:]
    assume(sum(rest) > 0)
    eligible = [i != k for i in range(len(votes))]
    options = {key: case[key] for key in ("threshold", "first_divisor") if key in case}
    seatless = allocate(np.array(votes), case["seats"], case["method"], eligible=eligible,
                        threshold_base=sum(votes), **options)
    without = allocate(np.array(rest), case["seats"], case["method"], threshold_base=sum(votes), **options)
    assert seatless[k] == 0
    assert np.delete(seatless, k).tolist() == without.tolist()


@SETTINGS
@given(st.lists(st.one_of(
    st.floats(0.0, allow_nan=False, allow_infinity=True),
    st.floats(0.0, 2.0**-1022, allow_subnormal=True),  # zero and subnormals take the library path
    # exact ties: a 32-bit significand plus half of its last place, and either neighbour of it
    st.tuples(st.integers(2**31, 2**32 - 1), st.sampled_from([0.5, 0.5 - 2.0**-21, 0.5 + 2.0**-21]),
              st.integers(-60, 60)).map(lambda t: (t[0] + t[1]) * 2.0**t[2]),
), min_size=1, max_size=12))
def test_significand_rounded_in_bits_as_by_frexp(values):
    """The seat kernel rounds quotients to 32 significant bits in their bits (no library call);
    that must be exactly `snap_significand`'s frexp/rint/ldexp rounding, ties to even included."""
    from models.seat_kernel import snap_at, snap_significand

    snapped = np.array(values, dtype=np.float64)
    for j in range(len(snapped)):
        snap_at(snapped, snapped.view(np.int64), j)
    expected = [snap_significand(v) for v in values]
    assert snapped.tobytes() == np.array(expected, dtype=np.float64).tobytes()
