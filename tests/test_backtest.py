"""Backtests and Dask: identical results whichever executor ran them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import QUICK

import polls
from models.backtest import backtest, backtestable, summarise
from models.simulate import PosteriorDraws, simulate, simulate_counts


def test_2016_is_not_backtestable_and_says_why():
    assert backtestable(polls.load("kz-2016-mazhilis")) == "no pre-election polls"
    assert backtestable(polls.load("kz-2021-mazhilis")) is None


def test_summary_pools_coverage_and_pit():
    fake = {"election": {"id": "x"}, "baselines": [{"name": "last poll", "crps_mean": 2.0}],
            "information_sets": [{"name": "polls", "presented": True, "scores": {
                "crps_mean": 1.0, "p_actual_seats": 0.1, "log_score_seats": -2.0,
                "coverage": {"50": 0.5, "80": 1.0, "90": 1.0, "95": 1.0},
                "shares": {"A": {"pit": 0.05}, "B": {"pit": 0.95}}}}]}
    summary = summarise([fake, fake])
    assert summary["pit_histogram"]["counts"] == [2, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert summary["coverage_pooled"] == {"50": 0.5, "80": 1.0, "90": 1.0}
    assert summary["rows"][0]["crps_baseline: last poll"] == 2.0


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local, distributed.Client(local) as client:
        yield client


def test_simulation_counts_identical_on_a_local_cluster(cluster):
    election = polls.load("kz-2021-mazhilis")
    shares = np.random.default_rng(0).dirichlet(election.result_shares().to_numpy() * 200, size=500)
    draws = PosteriorDraws(election, "test", shares, None)
    n = 1_000_000
    local = simulate_counts(draws, n, seed=11)
    distributed = simulate_counts(draws, n, seed=11, client=cluster, blocks_per_task=3)
    assert (local.to_numpy() == distributed.to_numpy()).all() and local.sum() == n
    # and the in-memory path picks the same posterior draws
    small = simulate(draws, 200_000, seed=11)["shares"].values
    picked = {tuple(row) for row in small[:1000]}
    counted = simulate_counts(draws, 200_000, seed=11, client=cluster)
    assert counted.sum() == 200_000 and all(counted.to_numpy()[[i for i, row in enumerate(shares)
                                                                 if tuple(row) in picked]] > 0)


@pytest.mark.slow
def test_backtest_identical_locally_and_on_dask(model_2021, cluster, tmp_path):
    options = dict(information_sets=["polls+exit"], n=3000, seed=2, **QUICK)
    inline_summary, inline_reports, skipped = backtest(["kz-2021-mazhilis", "kz-2016-mazhilis"], workers=0,
                                                       out=tmp_path / "a", **options)
    dask_summary, dask_reports, _ = backtest(["kz-2021-mazhilis"], client=cluster, out=tmp_path / "b", **options)
    assert skipped == {"kz-2016-mazhilis": "no pre-election polls"}
    assert json.dumps(inline_reports) == json.dumps(dask_reports)
    assert inline_summary == dask_summary
    assert (tmp_path / "a" / "kz-2021-mazhilis" / "report.html").exists()
    row = inline_summary["rows"][0]
    assert row["election"] == "kz-2021-mazhilis" and "crps_baseline: last poll" in row
