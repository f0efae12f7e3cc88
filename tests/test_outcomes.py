"""Summaries of simulated seat vectors."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from models.outcomes import (
    majority_seats,
    most_likely_outcomes,
    outcome_probability,
    seat_summary,
    two_thirds_seats,
)


def test_majority_thresholds():
    assert majority_seats(107) == 54 and majority_seats(98) == 50 and majority_seats(69) == 35
    assert two_thirds_seats(107) == 72 and two_thirds_seats(98) == 66 and two_thirds_seats(69) == 46


def test_summary_probabilities_are_frequencies():
    seats = np.array([[76, 12, 10], [70, 18, 10], [54, 30, 14], [50, 48, 0]])
    table = seat_summary(seats, ["NO", "AJ", "QHP"], list_seats=98, house_seats=107,
                         passed=seats > 0)
    assert table.loc["NO", "mean"] == pytest.approx(62.5)
    assert table.loc["NO", "p_majority_list"] == 1.0  # 50 of 98 is a majority of the list seats
    assert table.loc["NO", "p_majority_house"] == 0.75  # 50 of 107 is not
    assert table.loc["NO", "p_two_thirds_house"] == 0.25  # only 76 >= 72
    assert table.loc["QHP", "p_pass_threshold"] == 0.75
    assert table.loc["AJ", "q50"] in (18, 30)


def test_most_likely_outcomes_and_probability_of_one():
    seats = np.array([[2, 1]] * 5 + [[3, 0]] * 3 + [[1, 2]] * 2)
    table = most_likely_outcomes(seats, ["A", "B"], top=2)
    assert table[["A", "B"]].values.tolist() == [[2, 1], [3, 0]]
    assert table["probability"].tolist() == [0.5, 0.3]
    assert outcome_probability(seats, [1, 2]) == (2, 10)


def test_accepts_labelled_draws():
    draws = xr.DataArray(np.array([[5, 5], [6, 4]]), dims=("draw", "party"), coords={"party": ["X", "Y"]})
    table = seat_summary(draws, list_seats=10)
    assert list(table.index) == ["X", "Y"]
    assert most_likely_outcomes(draws).shape == (2, 3)
