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
