"""The seat engine reproduces official results exactly: the bundled Kazakh elections and ten
further elections with official published seats, covering each method."""

from __future__ import annotations

import numpy as np
import pytest

import polls
from models.seats import allocate, allocate_rule


@pytest.mark.parametrize("election_id", polls.available())
def test_bundled_official_list_seats(election_id):
    election = polls.load(election_id)
    votes = election.result_votes().to_numpy()
    seats = allocate_rule(votes, election.rule, election.options)
    assert seats[np.isin(election.options, election.seatless)].sum() == 0
    # shares that encode the same votes give the same seats
    shares = votes / votes.sum()
    assert allocate_rule(shares, election.rule, election.options).tolist() == seats.tolist()
    if election.results.loc[election.party_codes, "seats"].isna().any():
        pytest.skip(f"{election_id}: the seats won are not in the bundled sources")
    if not election.rule.approximate:  # approximate rules are pinned per party in their own tests
        expected = election.result_seats().to_numpy()
        assert seats[: len(expected)].tolist() == expected.tolist()


def test_2021_remainders_as_published():
    """2021: whole quotas 76/11/9 leave two seats; remainders QHP 0.786 and AJ 0.772 beat NO's 0.442."""
    votes = polls.load("kz-2021-mazhilis").result_votes()
    passing = votes[["NO", "AJ", "QHP"]]
    exact = passing * 98 / passing.sum()
    assert np.floor(exact).tolist() == [76, 11, 9]
    assert (exact - np.floor(exact)).round(3).tolist() == [0.442, 0.772, 0.786]


def test_2021_same_seats_if_threshold_counts_all_ballots_cast():
    """The 1999 text of the law counts the 7% against voters who took part (ballots cast,
    7,539,280 with invalid ones): the 2021 seats are the same."""
    election = polls.load("kz-2021-mazhilis")
    votes = election.result_votes().to_numpy()
    cast = votes.sum() + election.invalid_votes
    assert cast == 7_539_280
    seats = allocate(votes, 98, "hare", threshold=7, threshold_base=cast, runner_up_min_seats=2)
    assert seats.tolist() == election.result_seats().tolist()


@pytest.mark.parametrize("base", ["valid_votes", "party_votes"])
def test_2023_seats_under_both_threshold_readings(base):
    election = polls.load("kz-2023-mazhilis")
    rule = election.rule.__class__(**{**election.rule.__dict__, "threshold_base": base})
    seats = allocate_rule(election.result_votes().to_numpy(), rule, election.options)
    assert seats.tolist() == [40, 8, 6, 6, 5, 4, 0, 0]


# (name, source, votes, seats, method, options, official seats)
OFFICIAL = [
    ("Ukraine 2019, Verkhovna Rada party lists", "CEC of Ukraine via Interfax-Ukraine (21 Jul 2019 results) "
     "and Wikipedia; 5% threshold, lists below it omitted",
     [6_307_793, 1_908_111, 1_196_303, 1_184_620, 851_722], 225, "hare", {}, [124, 37, 24, 23, 17]),
    ("Ukraine 2014, Verkhovna Rada party lists", "CEC of Ukraine via Wikipedia; list seats; lists under 5% omitted",
     [3_488_114, 3_437_521, 1_729_271, 1_486_203, 1_173_131, 894_837], 225, "hare", {}, [64, 63, 32, 27, 22, 17]),
    ("Russia 2021, State Duma federal lists", "CEC of Russia via IFES ElectionGuide 3647 (votes) and Interfax "
     "(list seats); lists under 5% omitted",
     [28_064_200, 10_660_669, 4_252_252, 4_201_744, 2_997_744], 225, "hare", {}, [126, 48, 19, 19, 13]),
    ("Slovakia 2020, National Council", "Statistical Office of the Slovak Republic via Wikipedia; Hagenbach-"
     "Bischoff (exact Droop) quota; lists under the 5% / 7% thresholds omitted",
     [721_166, 527_172, 237_531, 229_660, 179_246, 166_325], 150, "droop", {}, [53, 38, 17, 17, 13, 12]),
    ("Spain 2019, European Parliament (54 seats)", "Ministry of the Interior via Wikipedia; no threshold; "
     "the 54 seats allocated in 2019", [7_369_789, 4_519_205, 2_731_825, 2_258_857, 1_393_684, 1_252_139,
                                       1_018_435, 633_090, 296_491, 295_546, 65_504, 50_002],
     54, "dhondt", {}, [20, 12, 7, 6, 3, 3, 2, 1, 0, 0, 0, 0]),
    ("Spain 2019, European Parliament (59 seats after Brexit)", "same votes; the 59-seat allocation of 2020",
     [7_369_789, 4_519_205, 2_731_825, 2_258_857, 1_393_684, 1_252_139, 1_018_435, 633_090, 296_491, 295_546,
      65_504, 50_002], 59, "dhondt", {}, [21, 13, 8, 6, 4, 3, 3, 1, 0, 0, 0, 0]),
    ("Croatia 2019, European Parliament (11 seats)", "State Electoral Commission via HRT and Wikipedia; "
     "lists under 5% omitted", [244_076, 200_976, 91_546, 84_765, 60_847, 55_806], 11, "dhondt", {},
     [4, 3, 1, 1, 1, 1]),
    ("Croatia 2019, European Parliament (12 seats after Brexit)", "same votes; SDP's fourth seat after Brexit",
     [244_076, 200_976, 91_546, 84_765, 60_847, 55_806], 12, "dhondt", {}, [4, 4, 1, 1, 1, 1]),
    ("New Zealand 2017, House of Representatives (party vote, 120 seats)", "Electoral Commission official "
     "result, 7 Oct 2017 (via Scoop/yournz.org); Sainte-Laguë among parties with 5% or an electorate (ACT: Epsom)",
     [1_152_075, 956_184, 186_706, 162_443, 13_075, 63_261, 30_580, 8_075, 6_253, 3_642, 3_005, 1_890, 1_782,
      1_620, 806, 499], 120, "sainte-lague",
     {"threshold": 5.0, "exempt": [False, False, False, False, True] + [False] * 11},
     [56, 46, 9, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("Sweden 2014, European Parliament", "Valmyndigheten via Wikipedia; modified Sainte-Laguë, first divisor "
     "1.4 (before 2018); 4% threshold of 3,716,778 valid votes",
     [899_074, 572_591, 507_488, 368_514, 359_248, 241_101, 234_272, 220_574, 204_005, 82_763], 20,
     "modified-sainte-lague", {"threshold": 4.0, "threshold_base": 3_716_778}, [5, 4, 3, 2, 2, 1, 1, 1, 1, 0]),
]


@pytest.mark.parametrize("name,source,votes,seats,method,options,official", OFFICIAL, ids=[c[0] for c in OFFICIAL])
def test_official_results_of_other_elections(name, source, votes, seats, method, options, official):
    result = allocate(np.array(votes), seats, method, **options)
    assert result.tolist() == official, f"{name} ({source})"
    shares = np.array(votes) / np.sum(votes)
    float_options = dict(options)
    if "threshold_base" in float_options:
        float_options["threshold_base"] = float_options["threshold_base"] / np.sum(votes)
    assert allocate(shares, seats, method, **float_options).tolist() == official


def test_methods_are_covered():
    assert {case[4] for case in OFFICIAL} == {"hare", "droop", "dhondt", "sainte-lague", "modified-sainte-lague"}
    assert len(OFFICIAL) >= 10
