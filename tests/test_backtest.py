"""Backtests and Dask: identical results whichever executor ran them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import QUICK

import polls
from models.backtest import backtest, backtestable, pit_check, stage, summarise
from models.simulate import PosteriorDraws, simulate, simulate_counts

# tests share a module-scoped fixture: one worker runs them all (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("test_backtest")


def test_2016_is_not_backtestable_and_says_why():
    assert backtestable(polls.load("kz-2016-mazhilis")) == "no pre-election polls"
    assert backtestable(polls.load("kz-2021-mazhilis")) is None


def _fake_report(eid: str, country: str, pits: dict[str, float], covered: dict[str, bool]) -> dict:
    shares = {o: {"pit": p, **{f"covered_{k}": covered[o] for k in ("50", "80", "90", "95")}} for o, p in pits.items()}
    return {"election": {"id": eid, "country": country},
            "baselines": [{"name": "last poll", "crps_mean": 2.0, "information_set": "polls"},
                          {"name": "exit poll: X", "crps_mean": 0.5, "information_set": "polls+exit"}],
            "information_sets": [{"name": "polls", "presented": True, "scores": {
                "crps_mean": 1.0, "p_actual_seats": 0.1, "log_score_seats": -2.0,
                "coverage": {k: float(np.mean(list(covered.values()))) for k in ("50", "80", "90", "95")},
                "shares": shares}}]}


def test_summary_pools_coverage_and_pit_with_binomial_intervals():
    a = _fake_report("a", "X", {"A": 0.05, "B": 0.95}, {"A": False, "B": True})
    b = _fake_report("b", "Y", {"A": 0.55, "B": 0.45}, {"A": True, "B": True})
    summary = summarise([a, b])
    assert summary["pit_histogram"]["counts"] == [1, 0, 0, 0, 1, 1, 0, 0, 0, 1]
    assert summary["coverage_pooled"] == {"50": 0.75, "80": 0.75, "90": 0.75, "95": 0.75}
    # the exit-poll baseline is not compared with a forecast made before the exit polls
    assert summary["rows"][0]["crps_baseline: last poll"] == 2.0 and "crps_baseline: exit poll: X" not in summary["rows"][0]
    pooled = {c["interval"]: c for c in summary["calibration"]["all"]["coverage"]}["90%"]
    assert (pooled["covered"], pooled["shares"]) == (3, 4)
    assert pooled["rate_low"] < 0.75 < pooled["rate_high"] <= 1.0
    by_country = summary["calibration"]["country: X"]["coverage"][0]
    assert (by_country["covered"], by_country["shares"]) == (1, 2)
    assert set(summary["calibration"]) == {"all", "stage: polls", "country: X", "country: Y",
                                           "country: X, polls", "country: Y, polls"}


def test_the_pit_test_rejects_an_overconfident_forecast():
    assert pit_check(np.linspace(0.01, 0.99, 60))["ks_p_value"] > 0.5
    u_shaped = np.r_[np.full(30, 0.02), np.full(30, 0.98)]
    assert pit_check(u_shaped)["ks_p_value"] < 0.001


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


def test_backtest_files_are_written_for_people(tmp_path):
    from models.backtest_report import write_backtest

    a = _fake_report("a", "X", {"A": 0.05, "B": 0.95}, {"A": False, "B": True})
    b = _fake_report("b", "Y", {"A": 0.55, "B": 0.45}, {"A": True, "B": True})
    summary = summarise([a, b])
    summary["skipped"] = {"c": "no pre-election polls"}
    paths = write_backtest(summary, tmp_path)
    assert sorted(p.name for p in paths) == ["backtest.html", "backtest.json", "backtest.md"]
    text = (tmp_path / "backtest.md").read_text()
    assert "| all | 4 | 75% (" in text and "Skipped: c (no pre-election polls)." in text
    page = (tmp_path / "backtest.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "<script" not in page
    assert json.loads((tmp_path / "backtest.json").read_text())["calibration"]["all"]["pit"]["values"] == 4


def test_forecasts_as_of_a_day_are_pooled_by_days_before_the_election():
    assert stage("polls as of 2022-08-28", "2022-09-11") == "polls, 14 days before"
    assert stage("polls as of 2022-09-10", "2022-09-11") == "polls, 1 day before"
    assert stage("polls+exit+regions:4", "2022-09-11") == "election night"
    assert stage("polls+exit") == "polls+exit"


def test_steps_below_80_percent_are_counted_against_what_chance_gives():
    from scipy import stats

    from models.backtest import steps_below

    rows = [{"election": "e", "information_set": f"polls+regions:{i}", "stage": "election night", "shares": 9,
             "coverage_90": c} for i, c in enumerate([1.0, 7 / 9, 8 / 9, 6 / 9])]
    rows.append({"election": "e", "information_set": "polls", "stage": "polls", "shares": 9, "coverage_90": 0.5})
    found = steps_below(rows)
    chance = stats.binom.cdf(7, 9, 0.9)  # fewer than 8 of 9 covered (80% of 9 is 7.2)
    assert chance == pytest.approx(0.225, abs=0.001)
    assert (found["steps"], found["below"]) == (4, 2)  # the pre-election row is not a step of the night
    assert found["which"] == ["e polls+regions:1", "e polls+regions:3"]
    assert found["expected_if_calibrated"] == pytest.approx(4 * chance)
    assert found["p_none_below_if_calibrated"] == pytest.approx((1 - chance) ** 4)
    assert found["p_this_many_or_more_if_calibrated"] == pytest.approx(stats.binom.sf(1, 4, chance))


def test_a_step_with_every_region_counted_is_not_scored_as_a_forecast():
    report = _fake_report("a", "X", {"A": 0.5, "B": 0.5}, {"A": True, "B": True})
    report["election"]["regions"] = ["north", "south"]
    complete = dict(report["information_sets"][0], name="polls+regions:2", counted_regions=["north", "south"])
    partial = dict(report["information_sets"][0], name="polls+regions:1", counted_regions=["north"])
    report["information_sets"] += [complete, partial]
    summary = summarise([report])
    assert summary["pit_histogram"]["values"] == 4  # polls and one region: two shares each
    assert [r["count_complete"] for r in summary["rows"]] == [False, True, False]
    assert summary["steps_below"]["steps"] == 1
