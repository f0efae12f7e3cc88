"""Priors learned from earlier elections: never from the election itself or a later one."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import polls
from models.fusion import graph_key, model_inputs, observed_data
from models.history import OTHER_COUNTRY_WEIGHT, _bundled_errors, history_priors, history_table, shared_errors
from models.priors import default_priors


def _with_result_changed(election_id: str, tmp_path, factor: float = 1.5) -> polls.Election:
    """A copy of a bundled election whose first party got `factor` times its votes (regional
    results dropped: they would no longer add up, and the shared error does not read them)."""
    folder = tmp_path / election_id
    shutil.copytree(polls.DATA_DIR / election_id, folder)
    (folder / "regional_results.csv").unlink(missing_ok=True)
    results = pd.read_csv(folder / "results.csv", dtype=str, keep_default_na=False)
    results.loc[0, "votes"] = str(int(int(results.loc[0, "votes"]) * factor))
    results["published_percent"] = ""
    results.to_csv(folder / "results.csv", index=False)
    return polls.load_path(folder)


def _evidence_with(replacement: polls.Election) -> tuple:
    """The bundled evidence with one election's records measured on `replacement` instead."""
    kept = tuple(r for r in _bundled_errors() if r.election != replacement.id)
    return kept + tuple(shared_errors(replacement))


def _everything_the_sampler_sees(election: polls.Election, evidence: tuple) -> tuple:
    priors = history_priors(election, evidence)
    inputs = model_inputs(election, priors)
    return graph_key(inputs, priors, "modelled"), {k: v.tobytes() for k, v in observed_data(inputs).items()}


def test_a_later_result_cannot_change_an_earlier_forecast(tmp_path):
    kz_2021 = polls.load("kz-2021-mazhilis")
    before = _everything_the_sampler_sees(kz_2021, _bundled_errors())
    later = _with_result_changed("de-2021-bundestag", tmp_path)  # held after kz-2021
    assert _everything_the_sampler_sees(kz_2021, _evidence_with(later)) == before
    # its own result is held out too
    itself = _with_result_changed("kz-2021-mazhilis", tmp_path)
    assert _everything_the_sampler_sees(kz_2021, _evidence_with(itself)) == before
    # and the test can fail: an earlier election's result does reach it
    earlier = _with_result_changed("de-2017-bundestag", tmp_path)
    assert _everything_the_sampler_sees(kz_2021, _evidence_with(earlier)) != before


def test_earliest_elections_have_the_us_priors_and_evidence_accumulates():
    assert history_priors(polls.load("de-2013-bundestag")) == default_priors()
    nu = [history_priors(polls.load(e)).bias_nu for e in ("de-2017-bundestag", "de-2021-bundestag")]
    assert default_priors().bias_nu < nu[0] < nu[1]
    table = history_table(polls.load("se-2022-riksdag"))
    weights = table["weight"]
    assert weights[("se-2018-riksdag", "polls")] == 1.0
    assert weights[("de-2017-bundestag", "polls")] == OTHER_COUNTRY_WEIGHT
    assert weights[("de-2021-bundestag", "polls")] == OTHER_COUNTRY_WEIGHT  # a year earlier
    assert weights[("se-2022-riksdag", "polls")] == 0.0 and weights[("kz-2023-mazhilis", "exit polls")] == 0.0


def test_the_update_is_the_conjugate_normal_scale_update():
    base = default_priors()
    se_2022 = polls.load("se-2022-riksdag")
    earlier = [r for r in _bundled_errors() if r.date < se_2022.date and r.kind == "polls"]
    w = np.array([1.0 if r.country == "Sweden" else OTHER_COUNTRY_WEIGHT for r in earlier])
    dof = base.bias_nu + sum(w * [r.dof for r in earlier])
    squares = base.bias_nu * base.bias_sd**2 + sum(w * [r.sum_of_squares for r in earlier])
    priors = history_priors(se_2022)
    assert priors.bias_nu == pytest.approx(dof, abs=0.01)
    assert priors.bias_sd == pytest.approx(np.sqrt(squares / dof), abs=1e-4)


def test_polls_that_hit_the_result_have_no_shared_error(tmp_path):
    """Every firm's last poll equal to the result: the measured error is zero, and what is left
    after the averaging noise is floored at zero, not negative."""
    election = polls.load("se-2022-riksdag")
    exact = election.polls.copy()
    exact[election.options] = (election.result_shares()[election.options] * 100).to_numpy()
    exact = exact.assign(undecided=np.nan, other=np.nan)
    from dataclasses import replace

    measured = shared_errors(replace(election, polls=exact))[0]
    assert measured.kind == "polls" and np.allclose(measured.errors, 0.0)
    assert measured.sum_of_squares == 0.0


def test_exit_polls_spread_is_measured_around_their_mean_less_sampling():
    """Exit polls' own error scale comes from how far earlier exit polls fell from each other: two
    exit polls in huge samples, one with a point moved from M to S, the other from S to M, deviate
    from their mean by half a point each way on S and on M."""
    from dataclasses import replace

    election = polls.load("se-2022-riksdag")
    actual = election.result_shares()
    exits = election.exit_polls.copy().assign(sample_size=10**12)
    exits[election.options] = (actual[election.options] * 100).to_numpy()
    for row, sign in zip(exits.index[:2], (1, -1)):
        exits.loc[row, "S"] += 0.5 * sign
        exits.loc[row, "M"] -= 0.5 * sign
    measured = [r for r in shared_errors(replace(election, exit_polls=exits)) if r.kind == "exit polls"][0]
    assert measured.spread_dof == len(election.options) - 1
    expected = sum(2 * 0.005**2 / (actual[o] * (1 - actual[o])) for o in ("S", "M"))
    assert measured.spread_ss == pytest.approx(expected, rel=1e-6)
    assert np.allclose(measured.errors, 0.0)


def test_exit_scale_pools_the_assumption_with_earlier_exit_polls():
    base = default_priors()
    for eid in ("se-2018-riksdag", "de-2021-bundestag", "kz-2023-mazhilis"):
        election = polls.load(eid)
        earlier = [r for r in _bundled_errors() if r.date < election.date and r.kind == "exit polls"]
        w = np.array([1.0 if r.country == election.country else OTHER_COUNTRY_WEIGHT for r in earlier])
        spread = np.hypot(base.house_sd, base.poll_sd)
        dof = base.exit_scale_nu + sum(w * [r.spread_dof for r in earlier])
        squares = base.exit_scale_nu * (base.exit_scale * spread) ** 2 + sum(w * [r.spread_ss for r in earlier])
        priors = history_priors(election)
        assert priors.exit_scale_nu == pytest.approx(dof, abs=0.01)
        assert priors.exit_scale == pytest.approx(np.sqrt(squares / dof) / spread, abs=1e-4)
    # the first election with exit polls before it keeps the stated assumption
    assert history_priors(polls.load("se-2018-riksdag")).exit_scale == base.exit_scale


def test_house_effects_recur_by_the_slope_measured_on_earlier_pairs_of_elections():
    from models.history import carried_house, firm_deviations

    se_2022 = polls.load("se-2022-riksdag")
    # the pairs held before 2022: Germany 2013 -> 2017 and 2017 -> 2021 (Sweden 2018 has no polled predecessor)
    products = squares = 0.0
    for newer_id in ("de-2017-bundestag", "de-2021-bundestag"):
        newer = polls.load(newer_id)
        new, old = firm_deviations(newer), firm_deviations(polls.load_previous(newer))
        firms = new.index.intersection(old.index)
        for option, code in newer.predecessors().items():
            if option in new.columns and code in old.columns:
                products += (new.loc[firms, option] * old.loc[firms, code]).sum()
                squares += (old.loc[firms, code] ** 2).sum()
    carry = history_priors(se_2022).house_carry
    assert carry == pytest.approx(products / squares, abs=1e-4) and 0 < carry < 1
    # each firm of 2022 polled in 2018 starts from that share of its 2018 deviation
    measured = firm_deviations(polls.load("se-2018-riksdag"))
    assert np.allclose(measured.sum(), 0.0)  # deviations from the firms' mean
    prior = carried_house(se_2022, carry)
    for firm in prior.index:
        expected = carry * measured.loc[firm, "S"] if firm in measured.index else 0.0
        assert prior.loc[firm, "S"] == pytest.approx(expected)
    assert (prior != 0).any().any()
    # nothing carried where no earlier pair measured a slope
    assert history_priors(polls.load("de-2017-bundestag")).house_carry == 0.0


def test_shared_error_scale_is_recovered_at_nominal_coverage():
    """Recovery for the country-level scale of the shared error: countries whose true scale is
    drawn from the prior (scaled inverse chi-square: nu0 = bias_nu degrees of freedom around
    bias_sd), each with one earlier election of five options measured without noise. The next
    election's error on an option falls inside the Student-t interval that `history_priors` gives
    (scale bias_sd, bias_nu degrees of freedom: 12 here) at the nominal rate, in the tails too
    (a normal interval at the same scale would cover 98% instead of 99%)."""
    import datetime as dt
    from types import SimpleNamespace

    from scipy import stats

    from models.history import SharedError

    base = default_priors()
    rng = np.random.default_rng(7)
    replicates, options, inside = 3000, 5, {0.5: 0, 0.9: 0, 0.99: 0}
    shrink = np.sqrt(1 - 1 / options)  # an option's share of a zero-sum error's variance
    for i in range(replicates):
        sigma = base.bias_sd * np.sqrt(base.bias_nu / rng.chisquare(base.bias_nu))
        measured = rng.normal(size=options)
        records = (SharedError(f"c{i}-2009", "C", dt.date(2009, 1, 1), "polls",
                               pd.Series(sigma * (measured - measured.mean())), firms=1, noise_var=0.0),)
        priors = history_priors(SimpleNamespace(id=f"c{i}-2013", country="C", date=dt.date(2013, 1, 1)),
                                records, base)
        error = sigma * shrink * rng.normal()  # one option's error at the next election
        for level in inside:
            inside[level] += abs(error) <= stats.t.ppf(0.5 + level / 2, priors.bias_nu) * priors.bias_sd * shrink
    assert history_priors(SimpleNamespace(id="c-2013", country="C", date=dt.date(2013, 1, 1)), records,
                          base).bias_nu == base.bias_nu + options - 1
    for level, hits in inside.items():
        rate, se = hits / replicates, np.sqrt(level * (1 - level) / replicates)
        assert abs(rate - level) < 3 * se, (level, rate)
