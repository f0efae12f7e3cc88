"""Scores: checked against closed forms, and the baselines scored on the model's scale."""

from __future__ import annotations

import numpy as np
import pytest
import scoringrules as sr
from hypothesis import given, settings
from hypothesis import strategies as st

import polls
from models.evaluate import Forecast, baseline_forecasts, crps_ensemble, score
from models.simulate import seats_and_passes


def test_crps_of_an_ensemble_approaches_the_normal_closed_form():
    rng = np.random.default_rng(0)
    draws = rng.normal(2.0, 1.5, size=200_000)
    closed = sr.crps_normal(3.1, 2.0, 1.5)
    # closed form: sigma * (z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)), z = (y - mu) / sigma
    from scipy.stats import norm
    z = (3.1 - 2.0) / 1.5
    by_hand = 1.5 * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert closed == pytest.approx(by_hand, rel=1e-9)
    assert float(crps_ensemble(np.array([3.1]), draws[:, None])[0]) == pytest.approx(by_hand, rel=0.01)


def test_crps_of_a_point_mass_is_the_absolute_error():
    assert crps_ensemble(np.array([7.0, 1.0]), np.array([[4.5, 1.0]])).tolist() == [2.5, 0.0]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.integers(1, 6), st.integers(0, 2**32 - 1), st.sampled_from([0, 3, 1000]))
def test_crps_is_scoringrules_estimator(m, k, seed, levels):
    """The CRPS computed here is scoringrules' default estimator (to rounding: its compiled loop
    sums in another order and may fuse a multiply and an add): members with ties (rounded to a
    few levels), outcomes equal to a member, an ensemble of one."""
    rng = np.random.default_rng(seed)
    members = rng.normal(30.0, 10.0, size=(m, k))
    if levels:
        members = np.round(members / 100 * levels) * 100 / levels
    actual = np.where(rng.random(k) < 0.3, members[rng.integers(m)], rng.normal(30.0, 10.0, size=k))
    expected = np.atleast_1d(sr.crps_ensemble(actual, members, m_axis=0))
    np.testing.assert_allclose(crps_ensemble(actual, members), expected, rtol=1e-12, atol=1e-12)


def _point(election, shares):
    shares = np.asarray(shares, float)[None, :]
    seats, passed = seats_and_passes(election, shares)
    return Forecast("point", "baseline", shares, seats, passed)


def test_point_forecast_scores_equal_its_errors():
    election = polls.load("kz-2021-mazhilis")
    actual = election.result_shares().to_numpy()
    guess = np.array([0.08, 0.74, 0.06, 0.08, 0.04])
    result = score(_point(election, guess), election)
    errors = np.abs(guess - actual) * 100
    for k, option in enumerate(election.options):
        assert result["shares"][option]["crps"] == pytest.approx(errors[k])
        assert result["shares"][option]["abs_error"] == pytest.approx(errors[k])
        assert result["shares"][option]["pit"] in (0.0, 1.0)
    assert result["energy_score"] == pytest.approx(np.linalg.norm((guess - actual) * 100))
    # seats 76/12/10 not hit by this guess: a point forecast counts as 100,000 identical draws
    assert result["log_score_seats"] == pytest.approx(np.log(0.5 / 100_001))


def test_the_actual_result_as_a_forecast_is_perfect():
    election = polls.load("kz-2021-mazhilis")
    result = score(_point(election, election.result_shares().to_numpy()), election)
    assert result["crps_mean"] == pytest.approx(0.0, abs=1e-12)
    assert result["p_actual_seats"] == 1.0 and result["seat_abs_error"] == 0.0
    assert result["brier_threshold_mean"] == 0.0


def test_pit_is_uniform_for_a_calibrated_forecast():
    from scipy.stats import kstest

    from models.evaluate import _pit

    rng = np.random.default_rng(4)
    forecast = rng.normal(size=(4000, 1))
    pits = [_pit(forecast, rng.normal(size=1))[0] for _ in range(500)]
    assert kstest(pits, "uniform").pvalue > 0.01
    # ties count half
    assert _pit(np.array([[1.0], [2.0], [3.0], [3.0]]), np.array([3.0]))[0] == pytest.approx(0.75)


def test_baselines_of_2021():
    election = polls.load("kz-2021-mazhilis")
    baselines = {b.name: b for b in baseline_forecasts(election)}
    assert list(baselines) == ["last poll", "firms' last polls (average)", "previous election", "exit poll: PORI",
                               "exit poll: Institute of Democracy", "exit poll: Astana Zertteu", "exit polls (average)"]
    last = baselines["last poll"].shares[0]
    assert last.sum() == pytest.approx(1.0)
    # the last row dated 4 January (Astana Zertteu) renormalised over the five lists
    assert last[1] == pytest.approx(73.7 / 94.4)
    previous = baselines["previous election"].shares[0]
    assert previous[1] == pytest.approx(6_183_757 / (7_522_868 - 88_813))  # Nur Otan; OSDP did not run


def test_renormalising_polls_makes_six_of_seven_worse():
    """The fact behind the undecided model: set the undecided aside and most 2021 polls get worse."""
    election = polls.load("kz-2021-mazhilis")
    actual = election.result_shares().to_numpy() * 100
    published = election.polls[election.options].to_numpy()
    renormalised = published / published.sum(axis=1, keepdims=True) * 100
    worse = np.abs(renormalised - actual).sum(axis=1) > np.abs(published - actual).sum(axis=1)
    assert worse.sum() == 6
    # and it is Nur Otan that renormalising pushes up by several points
    assert (renormalised[:, 1] - published[:, 1]).mean() > 5


def test_figures_holding_blank_options_are_split_by_the_previous_shares():
    """Germany 2013: where a poll leaves PIRATEN, AFD or FW blank, 'Sonstige' holds them; the
    baselines split it by the 2009 shares (AFD and FW had none, so they get none), and the one
    poll without a 'Sonstige' figure is dropped and named."""
    from models.evaluate import _carried_forward, baseline_notes, split_reported_in

    election = polls.load("de-2013-bundestag")
    carried = _carried_forward(election, polls.load_previous(election))
    split = split_reported_in(election, election.polls, carried)
    assert len(split) == len(election.polls) - 1
    assert split[election.options].notna().all().all()
    rows = election.polls.loc[split.index]
    blank = rows["PIRATEN"].isna()
    assert blank.any()
    share = carried["PIRATEN"] / (carried["PIRATEN"] + carried["OTHERS"])
    np.testing.assert_allclose(split.loc[blank, "PIRATEN"], rows.loc[blank, "OTHERS"] * share)
    # every split keeps the figure's total and leaves the reported options alone
    np.testing.assert_allclose(split[election.options].sum(axis=1), rows[election.options].sum(axis=1))
    assert (split.loc[rows["AFD"].isna(), "AFD"] == 0).all()
    assert baseline_notes(election) == ["polls: 1 of 78 rows leave FW, OTHERS blank with no figure holding it "
                                        "(no reported_in): not used by the baselines"]


def test_energy_score_is_scoringrules_estimator():
    """The pdist computation gives scoringrules' ensemble energy score (all m^2 pairs)."""
    import scoringrules as sr

    from models.evaluate import energy_score

    rng = np.random.default_rng(4)
    members, actual = rng.normal(size=(257, 6)) * 10, rng.normal(size=6)
    assert energy_score(actual, members) == pytest.approx(float(sr.es_ensemble(actual, members)), rel=1e-12)
    assert energy_score(actual, members[:1]) == pytest.approx(np.linalg.norm(members[0] - actual))
