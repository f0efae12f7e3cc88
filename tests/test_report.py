"""The forecast-accuracy report end to end on the 2021 data, with short chains."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest
from conftest import QUICK

from models.browser_check import check_page, find_chromium
from models.forecast import forecast, run
from models.report import REPORT_FILES, ReportExistsError, report_data, write_report

# tests share a module-scoped fixture: one worker runs them all (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("test_report")

SETS = ["polls", "polls+exit", "polls+exit+regions:4", "polls+exit+regions"]
N = 20_000


@pytest.fixture(scope="module")
def run_2021(model_2021):
    return run(model_2021.election, SETS, n=N, seed=1, model=model_2021, **QUICK)


def _numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
    else:
        yield value


@pytest.mark.slow
def test_report_files_exist_parse_and_every_figure_is_finite(run_2021, tmp_path):
    paths = write_report(run_2021, tmp_path / "out")
    assert sorted(p.name for p in paths.values()) == sorted(REPORT_FILES)
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    numbers = [v for v in _numbers(data) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    assert numbers and all(math.isfinite(v) for v in numbers)
    assert None not in list(_numbers(data["information_sets"]))
    assert [s["name"] for s in data["information_sets"]] == ["polls", "polls+exit", "polls+exit+regions:4",
                                                              "polls+exit+regions:17"]
    assert all(s["presented"] for s in data["information_sets"])
    scores = data["information_sets"][1]["scores"]
    for option in data["election"]["options"]:
        entry = scores["shares"][option]
        assert {"median", "interval_50", "interval_80", "interval_90", "interval_95", "pit", "covered_90", "crps",
                "abs_error"} <= set(entry)
    assert {"energy_score", "log_score_seats", "p_actual_seats", "seat_abs_error", "brier_threshold_mean"} <= set(scores)
    html = (tmp_path / "out" / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 7
    assert "<h2>Election night: shares and seats as regions are counted</h2>" in html
    assert "Forecast accuracy" in (tmp_path / "out" / "report.md").read_text()


@pytest.mark.slow
def test_findings_name_exactly_the_missed_intervals(run_2021):
    data = report_data(run_2021)
    before_count = [s for s in data["information_sets"] if not s["counted_regions"]]
    for s in before_count:
        missed = [o for o, v in s["scores"]["shares"].items() if not v["covered_90"]]
        line = next(f for f in data["findings"] if f.startswith(f"[{s['name']}] ") and "interval" in f)
        if missed:
            assert f"for {len(missed)} of " in line
            assert all(f"{o} (" in line for o in missed)
        else:
            assert "every actual share" in line
    # the model against the best baseline it could have been: poll baselines before the exit polls
    poll_best = min(b["crps_mean"] for b in data["baselines"] if b["information_set"] == "polls")
    any_best = min(b["crps_mean"] for b in data["baselines"])
    assert f": {poll_best:.2f} pp)." in next(f for f in data["findings"] if f.startswith("[polls] mean CRPS"))
    assert f": {any_best:.2f} pp)." in next(f for f in data["findings"] if f.startswith("[polls+exit] mean CRPS"))
    # one partial count (4 regions) among the information sets: its coverage is the sentence's figure
    partial = data["information_sets"][2]["scores"]["coverage"]["90"]
    assert f"(1 information set), the 90% intervals covered {100 * partial:.0f}%" in data["findings"][-1]


@pytest.mark.slow
def test_point_baselines_score_their_absolute_errors(run_2021):
    actual = run_2021.election.result_shares() * 100
    for baseline in run_2021.baselines:
        for option, entry in baseline["shares"].items():
            assert entry["crps"] == pytest.approx(abs(entry["median"] - actual[option]))
            assert entry["crps"] == pytest.approx(entry["abs_error"])


@pytest.mark.slow
def test_counting_every_region_forecasts_the_result_exactly(run_2021):
    last = run_2021.results[-1]
    assert last.score["crps_mean"] == pytest.approx(0, abs=1e-9)
    assert last.p_actual_seats == 1.0
    assert last.score["coverage"]["90"] == 1.0


@pytest.mark.slow
def test_same_seed_same_json_whether_sets_run_one_or_two_at_once(model_2021, run_2021):
    again = run(model_2021.election, SETS, n=N, seed=1, model=model_2021, sets_at_once=1, **QUICK)
    assert json.dumps(report_data(again)) == json.dumps(report_data(run_2021))
    kept = [r.simulation is not None for r in again.results]
    assert kept == [r.simulation is not None for r in run_2021.results] == [True, True, False, False]


@pytest.mark.slow
def test_text_from_data_files_is_escaped(run_2021, tmp_path):
    evil = "<script>alert(1)</script>"
    election = run_2021.election
    parties = election.parties.copy()
    parties.loc["NO", "name"] = evil
    hostile = dataclasses.replace(election, name=f"{evil} election", parties=parties)
    write_report(dataclasses.replace(run_2021, election=hostile), tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.slow
def test_existing_files_need_force_and_writes_are_atomic(run_2021, tmp_path, monkeypatch):
    write_report(run_2021, tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in REPORT_FILES}
    with pytest.raises(ReportExistsError, match="--force"):
        write_report(run_2021, tmp_path)

    from models import report

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "_html", broken)
    with pytest.raises(KeyboardInterrupt):
        write_report(run_2021, tmp_path, force=True)
    assert {name: (tmp_path / name).read_bytes() for name in REPORT_FILES} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(REPORT_FILES)  # no half-written leftovers


@pytest.mark.slow
def test_a_failing_fit_is_refused_not_presented(model_2021, tmp_path):
    failing = run(model_2021.election, ["polls"], n=1000, seed=1, model=model_2021, draws=20, tune=20, chains=2)
    assert not failing.results[0].presented and failing.results[0].score is None
    write_report(failing, tmp_path)
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["refused"][0]["name"] == "polls" and data["refused"][0]["failures"]
    assert "forecast" not in data["information_sets"][0]
    assert "Not presented as forecasts" in (tmp_path / "report.html").read_text()


@pytest.mark.slow
def test_forecast_function_for_notebooks(model_2021):
    result = forecast(model_2021.election, "polls+exit", n=5000, seed=3, model=model_2021, **QUICK)
    assert list(result.share_table.index) == model_2021.election.options
    assert result.seat_table["mean"].sum() == pytest.approx(98)
    assert result.simulation.sizes["draw"] == 5000
    assert 0 <= result.p_actual_seats <= 1


@pytest.mark.parametrize("p,text", [(0, "0%"), (4e-4, "<0.1%"), (0.0123, "1.2%"), (0.5, "50.0%"),
                                    (0.9995, ">99.9%"), (1, "100%")])
def test_probabilities_read_as_percentages(p, text):
    from models.report import percent

    assert percent(p) == text


def test_seat_and_share_tables_for_people():
    """Seats as integers (not 8.000), probabilities as percentages, shares with one decimal."""
    from models.report import _seat_display, _share_display

    seats = _seat_display({"NO": {"q50": 76.0, "q5": 70.0, "q95": 80.0, "p_any_seat": 1.0,
                                  "p_pass_threshold": 0.99999, "p_majority_list": 0.0}})
    assert seats.loc["NO"].tolist() == ["76", "70 to 80", "100%", ">99.9%", "0%"]
    shares = _share_display({"NO": {"median": 71.234, "low_50": 70.06, "high_50": 72.31, "low_90": 69.0,
                                    "high_90": 73.44, "mean": 71.2}})
    assert shares.loc["NO"].tolist() == ["71.2", "70.1 to 72.3", "69.0 to 73.4"]


_NO_CHROMIUM = "Chromium is not installed (Debian: apt-get install chromium): the browser check is skipped"


@pytest.mark.skipif(find_chromium() is None, reason=_NO_CHROMIUM)
def test_report_fits_a_laptop_and_a_phone_in_a_real_browser(run_2021, tmp_path):
    """Headless Chromium at 1300 and 390 px: no page wider than the window, no script error.
    A page with a wide element and a failing script fails the same check (the check can fail)."""
    write_report(run_2021, tmp_path / "out")
    checks = check_page(tmp_path / "out" / "report.html", tmp_path / "shots")
    assert [c.width for c in checks] == [1300, 390]
    assert all(c.passed for c in checks), [str(c) for c in checks]
    assert all(c.screenshot.stat().st_size > 10_000 for c in checks)
    bad = tmp_path / "bad.html"
    bad.write_text("<html><head></head><body><div style='width:900px'>wide</div>"
                   "<script>undefinedFunction()</script></body></html>")
    phone = check_page(bad, widths=(390,))[0]
    assert not phone.passed and phone.scroll_width >= 900 and phone.errors
