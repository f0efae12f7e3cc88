"""The fusion model: inputs, information sets, sampling, diagnostics gate, recovery."""

from __future__ import annotations

import functools
import types

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import pytest
from conftest import QUICK
from hypothesis import given, settings
from hypothesis import strategies as st

import polls
from models.callback_cache import callback_key
from models.fit import DiagnosticsError, check_diagnostics, more_chains_seed, require_passing
from models.fusion import _null_reflection, _reflect, _t_minus_normal, model_inputs, previous_prior
from models.infosets import election_night, parse_information_set
from models.priors import default_priors, poll_error_evidence
from models.recovery import interval_coverage, synthetic_data


def test_priors_come_from_the_bundled_us_polls():
    evidence = poll_error_evidence()
    assert evidence["polls_all"] == 9008
    assert evidence["rms_margin_error_over_sampling_error"] == pytest.approx(2.22, abs=0.01)
    # total error is well beyond sampling error; the shared part is the largest component
    assert evidence["sd_total"] > 1.5 * evidence["sd_sampling"]
    assert evidence["sd_race_shared"] > evidence["sd_poll_beyond_sampling"] > evidence["sd_house"] > 0
    priors = default_priors()
    assert priors.bias_sd == pytest.approx(evidence["sd_race_shared"], abs=1e-4)
    assert priors.exit_bias_sd == pytest.approx(priors.bias_sd / 2, abs=1e-4)


def test_error_scale_is_the_binomial_shape():
    """An error of c units moves a share p by c sqrt(p (1 - p)): c sqrt((1 - p) / p) in log terms."""
    from models.fusion import error_scale

    decided = np.array([[0.5, 0.3, 0.2, np.nan], [0.4, 0.4, 0.2, np.nan]])
    mask = np.isfinite(decided)
    prior = np.log([0.4, 0.3, 0.2, 0.1])
    no_exit = np.zeros((0, 4), bool)
    scale = error_scale(np.nan_to_num(decided), mask, prior, no_exit)
    p = np.array([0.45, 0.35, 0.2, 0.1])  # medians of the polls; the prior where none reports it
    assert scale[:3] == pytest.approx(np.sqrt((1 - p[:3]) / p[:3]))
    assert scale[3] == 0.0  # no poll gives the fourth option a figure: it has no poll error of its own
    exit_reports_it = np.ones((1, 4), bool)
    assert error_scale(np.nan_to_num(decided), mask, prior, exit_reports_it)[3] == pytest.approx(3.0)


def test_previous_election_prior_maps_predecessors():
    election = polls.load("kz-2021-mazhilis")
    mean, sd, notes = previous_prior(election, default_priors())
    shares_2016 = polls.load("kz-2016-mazhilis").result_shares()
    expected = {"QHP": "QKHP", "NO": "NO", "AUYL": "AUYL", "AJ": "AJ", "ADAL": "BIRLIK"}
    for k, option in enumerate(election.options):
        assert mean[k] == pytest.approx(np.log(shares_2016[expected[option]]))
    assert (sd == default_priors().previous_sd).all() and not notes


def test_new_parties_get_the_wide_prior():
    election = polls.load("kz-2023-mazhilis")
    mean, sd, notes = previous_prior(election, default_priors())
    wide = {o for o, s in zip(election.options, sd) if s == default_priors().new_party_sd}
    assert wide == {"RESPUBLICA", "OSDP", "BAYTAQ", "against_all"}
    assert len(notes) == 4


def test_model_inputs_keep_polls_as_published():
    inputs = model_inputs(polls.load("kz-2021-mazhilis"))
    assert inputs.n_polls == 7 and inputs.firms == ["PORI", "IEI", "Astana Zertteu", "Nur.kz"]
    # remainder = what the poll does not attribute to a ballot option (undecided, other, refused)
    assert inputs.poll_remainder[0] == pytest.approx(1 - 0.847)  # PORI: 84.7% for the five lists
    assert np.allclose(inputs.poll_decided.sum(axis=1), 1)
    assert inputs.poll_week.min() >= 1 and len(inputs.dates) == inputs.poll_week.max() + 1
    assert inputs.region_weight.sum() == pytest.approx(1)


def test_missing_option_in_a_poll_is_masked_not_zero():
    inputs = model_inputs(polls.load("kz-2023-mazhilis"))
    demoscope = 2
    aj = inputs.options.index("AJ")
    assert not inputs.poll_mask[demoscope, aj]
    # the reported 61.2% undecided plus 'other' is the remainder; the unreported Ak Zhol share is not
    assert inputs.poll_remainder[demoscope] == pytest.approx(0.612)


def test_information_sets():
    election = polls.load("kz-2021-mazhilis")
    night = election_night(election)
    assert [s.name for s in night[:3]] == ["polls", "polls+exit", "polls+exit+regions:1"]
    assert len(night) == 2 + 17 and night[-1].counted_regions == election.count_order
    assert parse_information_set("polls+exit+regions:AKM,ALA", election).counted_regions == ("AKM", "ALA")
    assert parse_information_set("polls+exit+regions", election).counted_regions == election.count_order
    for bad in ("exit", "polls+regions:99", "polls+exit+regions:XXX", "polls+votes"):
        with pytest.raises(ValueError):
            parse_information_set(bad, election)
    assert len(election_night(polls.load("kz-2023-mazhilis"))) == 2


@pytest.mark.slow
def test_fit_is_labelled_and_counting_every_region_gives_the_result(model_2021):
    fit = model_2021.fit("polls+exit+regions", seed=1, **QUICK)
    post = fit.idata.posterior
    assert set(post["shares"].dims) == {"chain", "draw", "option"}
    assert set(post["region_shares"].dims) == {"chain", "draw", "region", "option"}
    assert set(post["trend"].dims) == {"chain", "draw", "date", "option"}
    assert set(post["house"].dims) == {"chain", "draw", "firm", "option"}
    actual = model_2021.election.result_shares().to_numpy()
    assert np.allclose(post["shares"].values, actual, atol=1e-12)
    assert fit.sampler == "nutpie" and fit.idata.attrs["information_set"] == "polls+exit+regions:17"
    assert fit.diagnostics.passed, fit.diagnostics


@pytest.mark.slow
def test_same_seed_same_posterior(model_2021):
    a = model_2021.fit("polls", seed=4, **QUICK).idata.posterior["shares"].values
    b = model_2021.fit("polls", seed=4, **QUICK).idata.posterior["shares"].values
    assert np.array_equal(a, b)


@pytest.mark.slow
def test_the_gate_refuses_a_failing_fit_naming_the_figures(model_2021):
    fit = model_2021.fit("polls", seed=2, draws=30, tune=30, chains=2)
    assert not fit.diagnostics.passed
    with pytest.raises(DiagnosticsError, match=r"ESS \d+ < 400"):
        require_passing(fit)
    strict = check_diagnostics(fit.idata, ["shares"], ess_min=10**6)
    assert any("bulk ESS" in f for f in strict.failures)


@pytest.mark.slow
def test_default_runs_rerun_longer_when_the_short_run_fails(model_2021, monkeypatch):
    # 2 chains x 20 draws cannot reach a bulk ESS of 50: the first run must fail, the second is judged alone
    monkeypatch.setattr("models.fit.RUNS", ({"draws": 20, "tune": 50, "target_accept": 0.8},
                                           {"draws": 400, "tune": 400, "target_accept": 0.9}))
    fit = model_2021.fit("polls", seed=3, chains=2, ess_min=50, rhat_max=1.05)
    assert fit.diagnostics.passed and fit.diagnostics.draws == 400
    assert len(fit.diagnostics.earlier_runs) == 1
    assert "2 x 20 draws after 50 tuning steps (target_accept 0.8)" in fit.diagnostics.earlier_runs[0]
    assert "after an earlier run failed" in str(fit.diagnostics)
    once = model_2021.fit("polls", seed=3, chains=2, draws=20, tune=50, ess_min=50, rhat_max=1.05)
    assert not once.diagnostics.passed and not once.diagnostics.earlier_runs  # explicit settings: one run


@pytest.mark.slow
def test_a_failed_short_run_is_judged_again_with_as_many_new_chains(model_2021, monkeypatch):
    """The run after a failed short run adds chains from a seed drawn from the first (none repeats
    a first-run chain) and the gate judges all of them together."""
    short = {"draws": 20, "tune": 50, "target_accept": 0.8}
    monkeypatch.setattr("models.fit.RUNS", (short, {**short, "more_chains": True}))
    fit = model_2021.fit("polls", seed=3, chains=2, ess_min=10**6)
    assert fit.diagnostics.chains == 4 and fit.diagnostics.draws == 20
    assert fit.idata.posterior.sizes["chain"] == 4 and list(fit.idata.posterior.chain.values) == [0, 1, 2, 3]
    assert fit.idata.sample_stats.sizes["chain"] == 4
    assert fit.idata.attrs["seed"] == 3 and fit.idata.attrs["more_chains_seed"] == more_chains_seed(3) != 3
    shares = fit.idata.posterior["shares"].values
    assert all(not np.array_equal(shares[a], shares[b]) for a in range(4) for b in range(a))
    assert len(fit.diagnostics.earlier_runs) == 1
    assert fit.diagnostics.earlier_runs[0].startswith("2 x 20 draws after 50 tuning steps (target_accept 0.8)")
    assert not fit.diagnostics.passed and any("bulk ESS" in failure for failure in fit.diagnostics.failures)


@pytest.mark.slow
def test_recovery_of_known_bias_house_effects_and_shares(model_2021):
    """Data generated from the model with known parameters: the 90% intervals cover them at
    about the nominal rate (a small simulation-based check; benchmarks/recovery.py runs more)."""
    covered = []
    for replicate in range(3):
        rng = np.random.default_rng(100 + replicate)
        data, truth = synthetic_data(model_2021, rng)
        counted = model_2021.fit("polls+exit+regions", seed=replicate, data=data, **QUICK)
        before = model_2021.fit("polls+exit", seed=replicate, data=data, **QUICK)
        hits = interval_coverage(counted, truth)
        covered += [hits["bias"].ravel(), hits["house"].ravel(), hits["exit_bias"].ravel(),
                    interval_coverage(before, truth)["shares"].ravel()]
    rate = np.concatenate(covered).mean()
    assert 0.75 <= rate <= 1.0, rate


def test_regional_leans_groups_and_ballots_of_germany_2021():
    """The swing baseline is each Land's 2017 lean (size-weighted zero-sum over the Länder where
    an option has one), East and West are the groups, the SSW stands in Schleswig-Holstein only,
    and the Greens were not on the ballot in the Saarland (their list was rejected in 2021): they
    keep their lean in the other 15 Länder. Between two Länder and two options the leans differ
    exactly as the 2017 log shares did."""
    election = polls.load("de-2021-bundestag")
    inputs = model_inputs(election, default_priors())
    assert inputs.groups == ["west", "east"]
    assert [inputs.groups[g] for g in inputs.region_group[-6:]] == ["east"] * 6
    ssw, greens = inputs.options.index("SSW"), inputs.options.index("GRUENE")
    assert inputs.region_stands[:, ssw].tolist() == [r == "SH" for r in inputs.regions]
    absent = {(inputs.regions[r], inputs.options[k]) for r, k in zip(*np.nonzero(~inputs.region_stands))}
    assert absent == {(r, "SSW") for r in inputs.regions if r != "SH"} | {("SL", "GRUENE")}
    lean = inputs.region_baseline
    has_lean = inputs.region_stands.copy()
    has_lean[:, ssw] = False  # no predecessor
    np.testing.assert_allclose(inputs.region_weight @ np.where(has_lean, lean, 0), 0, atol=1e-12)
    assert np.all(lean[~has_lean] == 0) and np.all(lean[has_lean] != 0)
    before = polls.load("de-2017-bundestag").regional_shares()
    for a, b in [("HH", "BY"), ("SH", "TH"), ("NW", "BE")]:
        for j, k in [("GRUENE", "UNION"), ("AFD", "SPD")]:
            ra, rb = inputs.regions.index(a), inputs.regions.index(b)
            kj, kk = inputs.options.index(j), inputs.options.index(k)
            double = lean[ra, kj] - lean[ra, kk] - lean[rb, kj] + lean[rb, kk]
            expected = np.log(before.loc[a, j] * before.loc[b, k] / (before.loc[a, k] * before.loc[b, j]))
            assert double == pytest.approx(expected, abs=1e-12), (a, b, j, k)
    assert lean[inputs.regions.index("HH"), greens] > 0.3  # the Greens' Hamburg lean, lost before
    union, afd = inputs.options.index("UNION"), inputs.options.index("AFD")
    new_lander = [inputs.regions.index(r) for r in ("BB", "MV", "SN", "ST", "TH")]
    assert (lean[new_lander, afd] - lean[new_lander, union]).min() > 0.3  # as in 2017
    assert any("GRUENE lean only where on both ballots" in note for note in inputs.notes)


def test_regions_without_a_previous_regional_result_have_no_lean():
    inputs = model_inputs(polls.load("kz-2021-mazhilis"), default_priors())
    assert not inputs.region_baseline.any()
    assert set(inputs.groups) == {"north", "south", "west", "east-central"}
    assert any("without a swing baseline" in note for note in inputs.notes)


@functools.cache
def _reflection_function():
    """(scale, x) -> (w, factor, reflected x), compiled once for the property test."""
    scale, x = pt.vector("scale"), pt.vector("x")
    reflection = _null_reflection(scale)
    return pytensor.function([scale, x], [*reflection, _reflect(x, reflection)], mode="FAST_COMPILE")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.just(0.0), st.floats(0.1, 20.0)), min_size=2, max_size=9).filter(lambda s: max(s) > 0))
def test_the_bias_reflection_puts_the_unseen_direction_on_the_first_axis(scales):
    """The polls' bias is sampled in reflected coordinates (`_null_reflection`): the reflection
    must be orthogonal (so the Student-t prior is the same, unit Jacobian) and take the first
    axis to 1 / scale over the options with a scale, the direction that centring the scaled bias
    cannot see when every option has one."""
    scale = np.array(scales)
    x = np.linspace(-2, 2, len(scale))
    w, factor, reflected = _reflection_function()(scale, x)
    reflection = np.eye(len(scale)) - factor * np.outer(w, w)
    np.testing.assert_allclose(reflection @ reflection.T, np.eye(len(scale)), atol=1e-9)
    unseen = np.where(scale > 0, 1 / np.where(scale > 0, scale, 1), 0)
    np.testing.assert_allclose(reflection[:, 0], unseen / np.linalg.norm(unseen), atol=1e-9)
    np.testing.assert_allclose(reflected, reflection @ x, atol=1e-9)
    if (scale > 0).all():
        scaled = scale * reflection[:, 0]
        np.testing.assert_allclose(scaled - scaled.mean(), 0, atol=1e-9)


def test_the_reflected_prior_is_the_student_t_prior():
    """Normal draws z plus the potential give x = reflection(z) the standard Student-t density
    (up to a constant), so the model's prior is unchanged by sampling in reflected coordinates."""
    nu = 4.0
    z = pt.vector("z")
    x = _reflect(z, _null_reflection(pt.as_tensor(np.array([1.3, 2.0, 3.5, 0.0, 4.1]))))
    potential_and_normal = _t_minus_normal(x, z, nu) + pm.logp(pm.Normal.dist(0.0, 1.0), z).sum()
    student_t = pm.logp(pm.StudentT.dist(nu=nu, mu=0.0, sigma=1.0), x).sum()
    difference = pytensor.function([z], potential_and_normal - student_t, mode="FAST_COMPILE")
    totals = [difference(draw) for draw in np.random.default_rng(3).normal(size=(5, 5)) * 2]
    np.testing.assert_allclose(totals, totals[0], atol=1e-9)  # the same constant for every draw


def test_callbacks_not_built_by_nutpie_get_no_cache_key():
    """Only nutpie's callbacks around a graph PyTensor caches are filed under a key
    (`models.callback_cache`); anything else compiles as numba would."""

    def plain(x):
        return x

    extract = types.SimpleNamespace(py_func=plain)

    def closure(x):
        return extract, x

    assert callback_key(plain) is None and callback_key(closure) is None
