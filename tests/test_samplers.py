"""PyMC's default NUTS sampler works for the fusion model, and the 2023 election (no regions,
'against all', new parties) fits and forecasts."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import QUICK

import polls
from models.fit import FusionModel
from models.forecast import forecast

TINY = {
    "election.toml": """
id = "tiny"
name = "A three-list test election"
date = 2024-05-05
list_seats = 20
[rule]
method = "sainte-lague"
threshold = 4.0
[[parties]]
code = "A"
name = "List A"
[[parties]]
code = "B"
name = "List B"
[[parties]]
code = "C"
name = "List C"
""",
    "polls.csv": "firm,fieldwork_end,sample_size,A,B,C,undecided\n"
                 "X,2024-04-20,900,48,33,9,10\nX,2024-05-01,1100,47,35,8,10\nY,2024-04-28,,50,30,10,10\n",
    "results.csv": "entry,votes,seats\nA,5200,10\nB,3900,8\nC,900,2\n",
}


@pytest.mark.slow
def test_pymc_default_sampler(tmp_path):
    for name, text in TINY.items():
        (tmp_path / name).write_text(text.strip() + "\n")
    election = polls.load_path(tmp_path)
    fit = FusionModel(election).fit("polls", sampler="pymc", seed=3, draws=300, tune=300, chains=2)
    assert fit.sampler == "pymc"
    assert fit.idata.posterior["shares"].sizes == {"chain": 2, "draw": 300, "option": 3}
    assert "diverging" in fit.idata.sample_stats and np.isfinite(fit.diagnostics.max_rhat)
    assert fit.idata.posterior["shares"].mean().item() == pytest.approx(1 / 3)


@pytest.mark.slow
def test_2023_without_regions_with_against_all():
    election = polls.load("kz-2023-mazhilis")
    result = forecast(election, "polls+exit", n=5000, seed=1, **QUICK)
    assert result.presented, result.refused
    assert "region_shares" not in result.fit.idata.posterior
    assert any("no regional results" in note for note in result.fit.inputs.notes)
    assert not any("regional baseline" in note for note in result.fit.inputs.notes)  # said once, not twice
    assert list(result.share_table.index)[-1] == "against_all"
    assert list(result.seat_table.index) == election.party_codes  # 'against all' wins no seats
    assert result.seat_table["mean"].sum() == pytest.approx(69)
    assert result.score is not None and np.isfinite(result.score["crps_mean"])
