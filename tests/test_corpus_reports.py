"""The corpus end to end with short chains: many polls and firms, 9-10 options, 16-29 regions,
a seatless 'others' and an option polls report inside it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import QUICK

import polls
from models.cli import main
from models.forecast import run

pytestmark = pytest.mark.slow


def test_german_2021_polls_forecast_others_never_seated_ssw_can_be(tmp_path):
    """OTHERS wins no seat in any of 10^5 simulated elections of a polls-only forecast, the
    Danish-minority SSW (never reported by a poll: inside 'others') can still win one, and the
    report keeps the last-poll and firms'-average baselines."""
    election = polls.load("de-2021-bundestag")
    # 95 polls mix slowly along the national shares: 1,000 draws a chain reach the quick gate
    result = run(election, ["polls"], n=100_000, seed=3, **{**QUICK, "draws": 1000})
    (forecast,) = result.results
    assert forecast.presented, forecast.refused
    seats = forecast.simulation["seats"]
    assert int(seats.sel(party="OTHERS").max()) == 0
    assert int(seats.sel(party="SSW").max()) >= 1
    assert (seats.sum("party") == election.list_seats).all()
    names = {b["name"] for b in result.baselines}
    assert {"last poll", "firms' last polls (average)", "previous election"} <= names
    # the official result passes through the same rule: OTHERS 0, SSW its one seat
    actual = {b["name"]: b for b in result.baselines}["last poll"]["seats"]
    assert actual["OTHERS"]["actual_seats"] == 0 and actual["SSW"]["actual_seats"] == 1


def test_swedish_2022_report_command_with_many_polls(tmp_path, capsys):
    out = tmp_path / "se"
    status = main(["report", "se-2022-riksdag", "--out", str(out), "--information-sets", "polls",
                   "--draws", "400", "--tune", "400", "--chains", "2", "--simulations", "5000", "--seed", "2"])
    captured = capsys.readouterr()
    assert status in (0, 3), captured.err  # 3: short chains failed the full gate, and the report says so
    data = json.loads((out / "report.json").read_text())
    assert len(data["election"]["options"]) == 9 and len(data["election"]["regions"]) == 29
    names = {b["name"] for b in data["baselines"]}
    assert {"last poll", "firms' last polls (average)", "previous election"} <= names
    (info,) = data["information_sets"]
    assert np.isfinite(info["diagnostics"]["max_rhat"])
