"""`pollmc report` and `pollmc forecast` on the command line: arguments and errors."""

from __future__ import annotations

import json

import pytest

from models.cli import main


def test_report_refuses_to_overwrite_without_force(tmp_path, capsys):
    (tmp_path / "report.json").write_text("{}")
    assert main(["report", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and err.count("\n") == 1
    assert (tmp_path / "report.json").read_text() == "{}"


@pytest.mark.parametrize("args,fragment", [
    (["report", "kz-1999-nowhere"], "unknown election id"),
    (["report", "--draws", "0"], "--draws"),
    (["report", "--simulations", "-5"], "--simulations"),
    (["forecast", "--information-set", "polls+votes"], "unknown information set"),
    (["report", "kz-2021-mazhilis", "--sampler", "fast"], "invalid choice"),
])
def test_bad_arguments_one_line(tmp_path, capsys, args, fragment):
    status = main([*args, *(["--out", str(tmp_path / "x")] if args[0] == "report" else [])])
    err = capsys.readouterr().err
    assert status == 2 and fragment in err and err.count("\n") == 1


def test_report_needs_a_result(tmp_path, capsys, folder_2021):
    (folder_2021 / "results.csv").unlink()
    (folder_2021 / "regional_results.csv").unlink()
    assert main(["report", str(folder_2021), "--out", str(tmp_path / "r")]) == 2
    assert "no results.csv" in capsys.readouterr().err


@pytest.mark.slow
def test_report_command_end_to_end(tmp_path, capsys):
    out = tmp_path / "rep"
    status = main(["report", "--out", str(out), "--information-sets", "polls+exit;polls+exit+regions",
                   "--draws", "500", "--tune", "500", "--chains", "2", "--simulations", "5000", "--seed", "1"])
    captured = capsys.readouterr()
    # short chains may fail the full diagnostics gate: then the report says so and exits 3
    assert status in (0, 3), captured.err
    data = json.loads((out / "report.json").read_text())
    assert data["settings"]["simulations"] == 5000
    assert "sampling" in captured.err  # progress
    assert str(out / "report.html") in captured.out


@pytest.mark.parametrize("args, fragment", [
    (["report", "--as-of", "2021-13-01"], "not a date in the form YYYY-MM-DD"),
    (["forecast", "--as-of", "yesterday"], "not a date"),
    (["backtest", "--days-before", "30,x"], "comma-separated list of whole days"),
    (["backtest", "--days-before", "0"], "must be 1 or more"),
])
def test_bad_campaign_days_one_line(tmp_path, capsys, args, fragment):
    assert main([*args, "--out", str(tmp_path / "x")] if args[0] != "forecast" else args) == 2
    assert fragment in capsys.readouterr().err


def test_a_saved_forecast_is_never_overwritten_without_force(tmp_path, capsys):
    (tmp_path / "mine.csv").write_text("kept")
    assert main(["forecast", "--save", str(tmp_path / "mine.csv")]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert (tmp_path / "mine.csv").read_text() == "kept"
